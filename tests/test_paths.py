"""Paths: includes, documents and templates stay inside the folders the user named."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from archdsl.compiler import compile_file
from archdsl.errors import DesignError
from tests.conftest import EXAMPLES, run_archdsl

GOOD = (EXAMPLES / "three-tier.arch").read_text(encoding="utf-8")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def first_error(path: Path) -> str:
    with pytest.raises(DesignError) as caught:
        compile_file(path)
    return caught.value.diagnostics[0].message


# Includes ----------------------------------------------------------------------


def test_include_through_folder_link_outside(tmp_path: Path):
    write(tmp_path / "outside" / "secret.arch", "function leaked\n")
    (tmp_path / "design").mkdir()
    os.symlink(tmp_path / "outside", tmp_path / "design" / "linked")
    root = write(tmp_path / "design" / "main.arch", 'include "linked/secret.arch"\n')
    assert "outside the design's folder" in first_error(root)


def test_include_through_folder_link_inside(tmp_path: Path):
    write(tmp_path / "design" / "parts" / "db.arch", "db orders\n")
    os.symlink(tmp_path / "design" / "parts", tmp_path / "design" / "alias")
    root = write(tmp_path / "design" / "main.arch", 'include "alias/db.arch"\n')
    assert "orders" in compile_file(root).model.units


@pytest.mark.parametrize(
    "written",
    [
        "parts/../../outside.arch",
        "./../outside.arch",
        "/etc/passwd",
        "parts/../../design/../outside.arch",
    ],
)
def test_include_dot_dot_escapes_rejected(tmp_path: Path, written: str):
    write(tmp_path / "outside.arch", "function leaked\n")
    write(tmp_path / "design" / "parts" / "x.arch", "function x\n")
    root = write(tmp_path / "design" / "main.arch", f'include "{written}"\n')
    assert "outside the design's folder" in first_error(root)


def test_include_of_device_link_rejected(tmp_path: Path):
    os.symlink("/dev/zero", tmp_path / "zero.arch")
    root = write(tmp_path / "main.arch", 'include "zero.arch"\n')
    assert "outside the design's folder" in first_error(root)


def test_include_of_pipe_rejected(tmp_path: Path):
    # Opening a pipe blocks until a writer comes, so it must not be opened.
    os.mkfifo(tmp_path / "pipe.arch")
    root = write(tmp_path / "main.arch", 'include "pipe.arch"\n')
    assert first_error(root) == "include 'pipe.arch' is not a regular file"


def test_include_of_folder_rejected(tmp_path: Path):
    (tmp_path / "parts.arch").mkdir()
    root = write(tmp_path / "main.arch", 'include "parts.arch"\n')
    assert first_error(root) == "include 'parts.arch' is not a regular file"


# Documents -------------------------------------------------------------------------


def test_docs_design_stem_dot_dot_rejected(tmp_path: Path):
    design = write(tmp_path / "...arch", GOOD)
    out = tmp_path / "out" / "docs"
    out.mkdir(parents=True)
    result = run_archdsl("docs", str(design), "-o", str(out), "--no-png")
    assert result.returncode == 2
    assert "rename the design file" in result.stderr
    assert list((tmp_path / "out").iterdir()) == [out]
    assert list(out.iterdir()) == []


def test_docs_design_stem_dot_rejected(tmp_path: Path):
    design = write(tmp_path / "..arch", GOOD)
    result = run_archdsl("docs", str(design), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "without its extension the name is '.'" in result.stderr


def test_docs_odd_stem_stays_inside(tmp_path: Path):
    design = write(tmp_path / " -x;$(y)`z`.arch", GOOD)
    out = tmp_path / "out"
    result = run_archdsl("docs", str(design), "-o", str(out), "--no-png")
    assert result.returncode == 0, result.stderr
    assert (out / " -x;$(y)`z`" / "README.md").is_file()


def test_docs_replace_linked_file(tmp_path: Path):
    design = write(tmp_path / "shop.arch", GOOD)
    victim = write(tmp_path / "victim.txt", "keep me\n")
    folder = tmp_path / "out" / "shop"
    folder.mkdir(parents=True)
    os.symlink(victim, folder / "README.md")
    result = run_archdsl("docs", str(design), "-o", str(tmp_path / "out"), "--no-png")
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "keep me\n"
    assert not (folder / "README.md").is_symlink()
    assert (folder / "README.md").read_text().startswith("#")


def test_docs_linked_subfolder_rejected(tmp_path: Path):
    design = write(tmp_path / "shop.arch", GOOD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    os.symlink(elsewhere, tmp_path / "out" / "shop")
    result = run_archdsl("docs", str(design), "-o", str(tmp_path / "out"), "--no-png")
    assert result.returncode == 2
    assert "is a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_render_writes_through_named_link(tmp_path: Path):
    # A link named on the command line is the user's choice, so its target
    # is replaced, as README.md documents.
    design = write(tmp_path / "shop.arch", GOOD)
    target = write(tmp_path / "real.dot", "old\n")
    os.symlink(target, tmp_path / "named.dot")
    result = run_archdsl("render", str(design), "-o", str(tmp_path / "named.dot"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "named.dot").is_symlink()
    assert target.read_text().startswith("// Drawn by archdsl")


def test_render_writes_into_named_pipe(tmp_path: Path):
    # Renaming a temp file over a pipe or a device such as /dev/null would
    # leave a regular file in its place.
    design = write(tmp_path / "shop.arch", GOOD)
    pipe = tmp_path / "out.dot"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(
        target=lambda: received.append(pipe.read_bytes()), daemon=True
    )
    reader.start()
    result = run_archdsl("render", str(design), "-o", str(pipe))
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert received[0].startswith(b"// Drawn by archdsl")


def test_render_rejects_block_device(tmp_path: Path):
    design = write(tmp_path / "shop.arch", GOOD)
    device = tmp_path / "disk.dot"
    try:
        # Major 7 is the loop driver; the node is never opened.
        os.mknod(device, 0o600 | stat.S_IFBLK, os.makedev(7, 250))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    result = run_archdsl("render", str(design), "-o", str(tmp_path / "file.dot"))
    assert result.returncode == 0, result.stderr
    result = run_archdsl("render", str(design), "-o", str(device))
    assert result.returncode == 2
    assert "is a block device" in result.stderr
    assert stat.S_ISBLK(os.lstat(device).st_mode)


# Templates ---------------------------------------------------------------------------


def docs_with_template(tmp_path: Path, templates: Path):
    design = write(tmp_path / "shop.arch", GOOD)
    out = tmp_path / "out"
    return run_archdsl(
        "docs", str(design), "-o", str(out), "--no-png", "--template", str(templates)
    )


def test_template_dot_dot_include_rejected(tmp_path: Path):
    write(tmp_path / "secret.txt", "private\n")
    templates = tmp_path / "templates"
    write(templates / "design.md.j2", '# x\n{% include "../secret.txt" %}\n')
    result = docs_with_template(tmp_path, templates)
    assert result.returncode == 2
    assert "../secret.txt" in result.stderr
    assert not (tmp_path / "out" / "shop" / "README.md").exists()


def test_template_link_outside_rejected(tmp_path: Path):
    write(tmp_path / "secret.txt", "private\n")
    templates = tmp_path / "templates"
    templates.mkdir()
    os.symlink(tmp_path / "secret.txt", templates / "design.md.j2")
    result = docs_with_template(tmp_path, templates)
    assert result.returncode == 2
    assert "outside that folder" in result.stderr
    assert not (tmp_path / "out").exists()


def test_template_cannot_reach_python(tmp_path: Path):
    templates = tmp_path / "templates"
    write(
        templates / "design.md.j2",
        "# x\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
    )
    result = docs_with_template(tmp_path, templates)
    assert result.returncode == 2
    assert "unsafe" in result.stderr
    assert ".;" not in result.stderr


def test_template_absolute_include_not_found(tmp_path: Path):
    templates = tmp_path / "templates"
    write(templates / "design.md.j2", '# x\n{% include "/etc/hostname" %}\n')
    result = docs_with_template(tmp_path, templates)
    assert result.returncode == 2
    assert "template not found: /etc/hostname" in result.stderr


def test_template_including_itself_rejected(tmp_path: Path):
    templates = tmp_path / "templates"
    write(templates / "design.md.j2", '# x\n{% include "design.md.j2" %}\n')
    result = docs_with_template(tmp_path, templates)
    assert result.returncode == 2
    assert "include or call each other without end" in result.stderr
