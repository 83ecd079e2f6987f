"""Writing outputs safely: never a half-written file, never a destroyed device or link.

Where the output lands depends on what the path is (see ``output_target``):

- a regular file or a new name: written to a temporary file in the same folder, flushed,
  then renamed over it (atomic on POSIX), so a failing or interrupted run leaves an
  existing file untouched and no partial file behind. A symlink (a chain, or a dangling
  one whose folder exists) is followed: its target is replaced, the link stays;
- a character device (``/dev/null``, a terminal) or a FIFO: written in place, as a shell
  redirection would; renaming a file over ``/dev/null`` would break the machine;
- ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``: written to that open descriptor;
- a directory, a block device or a socket: refused with an ``OutputError``.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cjtool.errors import OutputError
from cjtool.i18n import say
from cjtool.safe_text import guard

# Names of already open descriptors: opening them again would truncate a redirected file
# (`-o /dev/stdout >> log`) and renaming over them would miss the stream entirely.
_FD_PATH = re.compile(r"^/(?:dev/(?:stdout|stderr|fd/(\d+))|proc/self/fd/(\d+))$")


@dataclass(frozen=True)
class OutputTarget:
    """Where an output goes: ``kind`` is ``file`` (atomic replace of ``path``, symlinks
    resolved), ``device`` (written in place: a character device or FIFO) or ``fd``."""

    kind: str
    path: Path
    fd: int | None = None


def output_target(target: str | Path) -> OutputTarget:
    """Classify ``target`` before anything is written; ``OutputError`` when it cannot be one."""
    name = str(target)
    m = _FD_PATH.match(os.path.abspath(name)) if name.startswith("/") else None
    if m:
        fd = 1 if name.endswith("stdout") else 2 if name.endswith("stderr") else int(m.group(1) or m.group(2))
        return OutputTarget("fd", Path(name), fd)
    try:
        st = os.stat(name)  # follows symlinks
    except FileNotFoundError:
        st = None
    except OSError as exc:  # a symlink loop, a file used as a folder, no permission
        raise OutputError(say("e_cannot_write", name=name, why=exc.strerror or exc)) from None
    if st is None:
        real = Path(os.path.realpath(name))  # a dangling symlink: its target (like `cp`)
        parent = real.parent
        if not parent.is_dir():
            via = say("e_link_to", real=real) if real != Path(os.path.abspath(name)) else ""
            raise OutputError(say("e_no_folder", name=name, parent=parent, via=via), hint=say("e_create_first"))
        _writable_folder(name, parent)
        return OutputTarget("file", real)
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(say("o_is_folder", name=name), hint=say("o_give_file"))
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return OutputTarget("device", Path(name))
    if not stat.S_ISREG(st.st_mode):
        what = say("o_block" if stat.S_ISBLK(st.st_mode) else "o_socket" if stat.S_ISSOCK(st.st_mode) else "o_special")
        raise OutputError(say("o_not_file", name=name, what=what), hint=say("o_give_file"))
    # root passes access() whatever the mode: a file without any write bit is read-only
    # to everyone (as `rm` and `cp -i` treat it), so its mode bits are checked too
    if not st.st_mode & 0o222 or not os.access(name, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        raise OutputError(say("o_read_only", name=name), hint=say("o_read_only_hint"))
    real = Path(os.path.realpath(name))
    _writable_folder(name, real.parent)  # the new file is renamed over it, in its folder
    return OutputTarget("file", real)


def _writable_folder(name: str, folder: Path) -> None:
    """A folder without any write bit is read-only, for root too (who passes every
    permission check): what an ordinary user gets from it, said before anything is written."""
    try:
        mode = os.stat(folder).st_mode
    except OSError:
        return  # said by the write itself
    if not mode & 0o222:
        raise OutputError(say("o_cannot_write", name=name), hint=say("o_folder_read_only", folder=folder))


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write the output to; on success its bytes land at
    ``target`` as ``output_target`` says (atomically for files, in place for devices)."""
    where = output_target(target)
    parent = where.path.parent if where.kind == "file" else None  # devices: the system's temp folder
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{where.path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(say("e_cannot_write", name=target, why=exc.strerror or exc)) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if where.kind == "file":
            with open(tmp_path, "rb+") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp_path, _mode_of(where.path))
            os.replace(tmp_path, where.path)
        elif where.kind == "fd":
            _copy_to_fd(tmp_path, where.fd or 1)
        else:
            with open(tmp_path, "rb") as src, open(where.path, "wb") as dst:
                shutil.copyfileobj(src, dst)
    except OSError as exc:
        raise OutputError(say("e_cannot_write", name=target, why=exc.strerror or exc)) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextmanager
def atomic_paths(targets: Sequence[str | Path]) -> Iterator[list[Path]]:
    """``atomic_path`` for several outputs at once, all or nothing: every target is
    checked first, and none lands unless all were written (a disk full at the last
    leaves the earlier ones as they were)."""
    with ExitStack() as stack:
        yield [stack.enter_context(atomic_path(t)) for t in targets]


def _mode_of(path: Path) -> int:
    """Keep the permissions of the file being replaced; a new file gets the umask's."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _copy_to_fd(src: Path, fd: int) -> None:
    stream = {1: sys.stdout, 2: sys.stderr}.get(fd)
    data = src.read_bytes()
    if stream is not None:  # the Python stream (captured in tests), flushed in order
        stream.flush()
        write_stdout(data, stream.buffer)
        return
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def output_folder(target: str | Path, names: list[str], remove: Sequence[str] = ()) -> Iterator[Path]:
    """Yield an empty temporary folder to write the files ``names`` into; on success they
    land in the folder ``target``, created if missing (a symlink to a folder is followed,
    a dangling one gets its target created).

    Every problem with the target is found before anything is drawn: an interrupted or
    failing run leaves the previous folder whole and no temporary folder behind."""
    name = str(target)
    try:
        st = os.stat(name)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(say("e_cannot_write", name=name, why=exc.strerror or exc)) from None
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise OutputError(say("o_not_folder", name=name), hint=say("o_give_folder"))
    real = Path(os.path.realpath(name))
    if st is not None:
        for n in names:  # a member that is a folder or read-only: refused now, not half-way
            if os.path.lexists(real / n):
                output_target(real / n)
    if real.parent.is_dir():
        _writable_folder(name, real.parent)  # the folder is written beside it first
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent))
    except OSError as exc:
        raise OutputError(say("o_cannot_mkdir", name=name, why=exc.strerror or exc)) from None
    try:
        try:
            yield work
        except OutputError as exc:  # a member that could not be written: named in the user's folder
            exc.message = exc.message.replace(str(work), str(name))
            raise
        if st is None:
            os.chmod(work, 0o777 & ~_umask())
            os.replace(work, real)
        else:
            for n in names:
                write_file(real / n, (work / n).read_bytes())
            for n in remove:
                if os.path.isfile(real / n) and not os.path.islink(real / n):
                    os.unlink(real / n)
    except OSError as exc:
        raise OutputError(say("e_cannot_write", name=name, why=exc.strerror or exc)) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_file(target: str | Path, data: str | bytes) -> None:
    payload = guard(data).encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target) as tmp:
        tmp.write_bytes(payload)


def write_stdout(data: str | bytes, stream: BinaryIO | None = None) -> None:
    """Write to standard output; a closed pipe (``| head``) ends quietly. Text is guarded
    (``cjtool.safe_text``): a name from the data cannot run a CI workflow command."""
    payload = guard(data).encode("utf-8") if isinstance(data, str) else data
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
    """To ``output`` (safely, see ``output_target``) or stdout when it is None or ``-``."""
    if output is None or output == "-":
        write_stdout(data)
    else:
        write_file(output, data)
