"""Write output files atomically: a temp file in the same folder, then rename.

A reader sees either the previous file or the new one, never a partial
write, and a failure before the rename leaves the previous file untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from archdsl.errors import OutputError

#: Prefix of temp files, so that watchers can ignore them.
TEMP_PREFIX = ".archdsl-"


def write_atomic(
    path: str | Path, data: bytes, *, follow_symlinks: bool = True
) -> None:
    """Replace ``path`` with ``data``.

    When ``path`` is a symbolic link, its target is replaced, or with
    ``follow_symlinks=False`` the link itself, so that a link planted among
    files that archdsl names itself cannot send a write elsewhere. A character
    device or named pipe (``/dev/null``, ``/dev/stdout``) is written to, not
    replaced, and a block device is rejected.
    """
    path = Path(path)
    kind = _special_kind(path, follow_symlinks)
    if kind == "block device":
        raise OutputError(
            f"{path} is a block device; name a regular file for the output"
        )
    if kind is not None:
        _write_through(path, data)
        return
    if path.is_symlink() and follow_symlinks:
        path = Path(os.path.realpath(path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"output folder does not exist: {folder}")
    if path.is_dir():
        raise OutputError(f"output path is a folder: {path}")
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=TEMP_PREFIX, suffix=".tmp", dir=folder
        )
    except OSError as error:
        raise OutputError(f"cannot write to {folder}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        _copy_mode(path, temp_name)
        os.replace(temp_name, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {path}: {error.strerror}") from None
        raise


def _special_kind(path: Path, follow_symlinks: bool) -> str | None:
    """Return what ``path`` is when it is a device or a named pipe, else None."""
    try:
        mode = os.stat(path, follow_symlinks=follow_symlinks).st_mode
    except OSError:
        return None
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    return None


def _write_through(path: Path, data: bytes) -> None:
    """Write ``data`` into an existing device or pipe.

    Renaming a temp file over it would put a regular file in its place. Run
    as root, that replaces ``/dev/null`` for every program on the machine.
    """
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror}") from None


def _copy_mode(path: Path, temp_name: str) -> None:
    """Give the new file the old file's permissions, or 0644 for a new file.

    mkstemp creates files readable by the owner only, which is wrong for
    diagrams and docs that others read.
    """
    try:
        mode = 0o644 if path.is_symlink() else path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    os.chmod(temp_name, mode)
