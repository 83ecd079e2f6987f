"""Writing outputs without ever leaving a half-written file.

Files are written to a temporary file in the same folder, flushed to disk, then renamed
over the target (atomic on POSIX): a failing or interrupted run leaves an existing file
untouched and no partial file behind.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from cjtool.errors import OutputError


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; rename it over ``target`` on success."""
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise OutputError(f"{target}: is a directory; give a file name")
    if not parent.is_dir():
        raise OutputError(f"{target}: the folder {parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        mode = 0o666 & ~_umask()
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_file(target: str | Path, data: str | bytes) -> None:
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target) as tmp:
        tmp.write_bytes(payload)


def write_stdout(data: str | bytes, stream: BinaryIO | None = None) -> None:
    """Write to standard output; a closed pipe (``| head``) ends quietly."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    out = stream if stream is not None else sys.stdout.buffer
    try:
        out.write(payload)
        out.flush()
    except BrokenPipeError:
        quiet_broken_pipe()


def quiet_broken_pipe() -> None:
    """After EPIPE, point stdout at devnull so the interpreter's final flush stays silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def emit(data: str | bytes, output: str | None) -> None:
    """To ``output`` (atomically) or stdout when it is None or ``-``."""
    if output is None or output == "-":
        write_stdout(data)
    else:
        write_file(output, data)
