"""Limits on input size: each is an error with a position, never a hang or a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from archdsl.compiler import compile_file, compile_text
from archdsl.errors import DesignError
from archdsl.expand.context import MAX_COMPONENTS
from archdsl.parse.limits import (
    MAX_NAME_LENGTH,
    MAX_NESTING,
    MAX_NUMBER_LENGTH,
    MAX_STRING_LENGTH,
)
from archdsl.resolve import MAX_FILE_BYTES
from archdsl.resolve.blocks import MAX_CELL_COPIES_TOTAL
from tests.conftest import run_archdsl


def error_of(text: str) -> DesignError:
    with pytest.raises(DesignError) as caught:
        compile_text(text, "t.arch")
    return caught.value


def first(error: DesignError) -> tuple[int, int, str]:
    diagnostic = error.diagnostics[0]
    assert diagnostic.span is not None
    return diagnostic.span.line, diagnostic.span.column, diagnostic.message


def test_name_at_limit_accepted():
    name = "n" * MAX_NAME_LENGTH
    compiled = compile_text(f"function {name}\n")
    assert name in compiled.model.units


def test_name_over_limit_rejected():
    name = "n" * (MAX_NAME_LENGTH + 1)
    line, column, message = first(error_of(f"function {name}\n"))
    assert (line, column) == (1, 10)
    assert message == f"name is {MAX_NAME_LENGTH + 1} characters long; the limit is 64"


def test_huge_name_message_stays_short():
    error = error_of("tier " + "a" * 1_000_000 + "\n")
    assert len(error.format()) < 1_000


def test_keyword_over_limit_rejected():
    line, column, message = first(error_of("k" * 100 + " web\n"))
    assert (line, column) == (1, 1)
    assert message.startswith("name is 100 characters long")


def test_number_over_limit_rejected():
    digits = "9" * 5_000
    line, column, message = first(error_of(f"tier web min={digits}\n"))
    assert (line, column) == (1, 14)
    assert (
        message == f"number is 5000 characters long; the limit is {MAX_NUMBER_LENGTH}"
    )


def test_long_number_in_string_rejected_cleanly():
    digits = "9" * 1_000
    _, _, message = first(error_of(f'tier web min="{digits}"\n'))
    assert message.startswith("invalid value for option 'min'")


def test_string_over_limit_rejected():
    text = "l" * MAX_STRING_LENGTH
    line, column, message = first(error_of(f'design d "{text}"\n'))
    assert (line, column) == (1, 10)
    assert (
        message
        == f"string is {MAX_STRING_LENGTH + 2} characters long; the limit is 1024"
    )


def test_blocks_nested_to_limit_accepted():
    text = "group g {\n" * MAX_NESTING + "function f\n" + "}\n" * MAX_NESTING
    compiled = compile_text(text)
    assert "f" in compiled.model.units


def test_blocks_nested_past_limit_rejected():
    depth = MAX_NESTING + 1
    text = "group g {\n" * depth + "function f\n" + "}\n" * depth
    line, column, message = first(error_of(text))
    assert (line, column) == (depth, 1)
    assert message == f"blocks nest deeper than {MAX_NESTING} levels"


def test_thousands_of_nested_blocks_rejected():
    depth = 20_000
    error = error_of("group g {\n" * depth + "}\n" * depth)
    assert len(error.diagnostics) == 1
    assert error.diagnostics[0].message == "blocks nest deeper than 32 levels"


def test_thousands_of_nested_lists_rejected():
    depth = 20_000
    text = "function f memory=" + "[" * depth + "1MB" + "]" * depth + "\n"
    _, column, message = first(error_of(text))
    assert column == 19 + MAX_NESTING
    assert message == "lists nest deeper than 32 levels"


def test_nesting_counts_across_includes(tmp_path: Path):
    half = MAX_NESTING // 2 + 1
    inner = "group g {\n" * half + "function f\n" + "}\n" * half
    (tmp_path / "inner.arch").write_text(inner)
    outer = "group g {\n" * half + 'include "inner.arch"\n' + "}\n" * half
    (tmp_path / "main.arch").write_text(outer)
    with pytest.raises(DesignError) as caught:
        compile_file(tmp_path / "main.arch")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.span.file == "inner.arch"
    assert diagnostic.message.startswith("blocks nest deeper than 32 levels")
    assert diagnostic.notes[0][1] == "included from here"


def test_oversized_file_rejected_with_position(tmp_path: Path):
    path = tmp_path / "big.arch"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(DesignError) as caught:
        compile_file(path)
    diagnostic = caught.value.diagnostics[0]
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 1)
    assert diagnostic.message == "design file is larger than 1048576 bytes (1 MiB)"


def test_oversized_include_names_the_include(tmp_path: Path):
    (tmp_path / "big.arch").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    (tmp_path / "main.arch").write_text('function f\ninclude "big.arch"\n')
    with pytest.raises(DesignError) as caught:
        compile_file(tmp_path / "main.arch")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.span.file == "big.arch"
    assert diagnostic.notes[0][0].line == 2


def test_endless_device_rejected_as_too_large():
    # /dev/zero never ends; only a bounded read returns from it.
    with pytest.raises(DesignError) as caught:
        compile_file(Path("/dev/zero"))
    assert caught.value.diagnostics[0].message.startswith("design file is larger")


def test_nested_empty_cells_rejected():
    text = "cell a x100 {\n cell b x100 {\n  cell c x100 {\n   cell d x100 {\n"
    text += "   }\n  }\n }\n}\n"
    error = error_of(text)
    assert len(error.diagnostics) == 1
    message = error.diagnostics[0].message
    assert message == f"nested cells stamp out more than {MAX_CELL_COPIES_TOTAL} copies"


def test_nested_cells_within_limit_accepted():
    text = "cell a x10 vpc=off {\n cell b x10 vpc=off {\n  function f\n }\n}\n"
    compiled = compile_text(text)
    assert len([unit for unit in compiled.model.units if unit.endswith(".f")]) == 100


def test_cli_rejects_nested_cells(tmp_path: Path):
    design = tmp_path / "cells.arch"
    design.write_text(
        "cell a x100 {\n cell b x100 {\n  cell c x100 {\n   cell d x100 {\n"
        "    function f\n   }\n  }\n }\n}\n"
    )
    result = run_archdsl("check", str(design))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{design}:")
    assert "nested cells stamp out more than" in result.stderr


def test_huge_cell_count_rejected():
    line, column, message = first(error_of("cell x100000 {\n  function f\n}\n"))
    assert (line, column) == (1, 6)
    assert (
        message == "invalid value for option 'count': 100000 is above the maximum 100"
    )


def test_copy_count_word_is_not_a_name():
    compiled = compile_text("cell x3 {\n  function f\n}\n")
    functions = [name for name in compiled.model.units if name.endswith(".f")]
    assert functions == ["cell1.f", "cell2.f", "cell3.f"]


def test_components_over_limit_rejected():
    # Two nested x100 cells of one tier expand into about 110,000 components,
    # whose checklist took a quarter of an hour.
    text = "cell a x100 vpc=off {\n cell b x100 vpc=off {\n  tier web\n }\n}\n"
    _, _, message = first(error_of(text))
    assert message == f"the design expands into more than {MAX_COMPONENTS} components"
