"""Outputs never destroy anything: devices, FIFOs and streams are written in place,
symlinks are followed, folders and other odd targets are refused (exit 5)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sysconfig
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from cjtool.errors import ExitCode, OutputError
from cjtool.output import output_target, write_file
from tests.conftest import EXAMPLES

MAP = (EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-q")
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534


def _map_json(cli, output, *extra):
    return cli("map", *MAP, "-f", "json", "-o", output, *extra)


def test_device_node_is_written_in_place_not_replaced(cli, tmp_path):
    if not ROOT:
        pytest.skip("creating a device node (a /dev/null twin) needs root")
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for args in (("-f", "json", "-o", null), ("-f", "csv", "-o", null), ("-o", null)):
        r = cli("map", *MAP, *args)
        assert r.exit_code == 0, r.output
        st = os.stat(null)
        assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert cli("init", "aipl", "-o", null).exit_code == 0  # not "exists; use --force"
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]  # no temp file left


def test_device_node_as_png_target(tmp_path):
    if not ROOT:
        pytest.skip("creating a device node (a /dev/null twin) needs root")
    from cjtool.api import map_journey
    from cjtool.model import load_model
    from cjtool.render.png import save_journey_map

    dev = tmp_path / "null.png"
    os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    save_journey_map(map_journey([str(EXAMPLES / "aipl_events.csv")], load_model(EXAMPLES / "aipl.yaml")), dev)
    assert stat.S_ISCHR(os.stat(dev).st_mode)


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as fh:
            into.append(fh.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_fifo_is_written_in_place(cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    r = _map_json(cli, fifo)
    reader.join(timeout=30)
    assert r.exit_code == 0, r.output
    assert json.loads(got[0])["schema"] == "cjtool.map/2"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_png_into_a_fifo(cli, tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    r = cli("map", *MAP, "-f", "json", "-o", tmp_path / "m.json", "--png", fifo)
    reader.join(timeout=60)
    assert r.exit_code == 0, r.output
    assert got[0].startswith(b"\x89PNG") and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_symlink_chain_writes_the_final_target(cli, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    (tmp_path / "b").symlink_to(real)
    (tmp_path / "a").symlink_to(tmp_path / "b")
    assert _map_json(cli, tmp_path / "a").exit_code == 0
    assert (tmp_path / "a").is_symlink() and os.readlink(tmp_path / "b") == str(real)
    assert json.loads(real.read_text(encoding="utf-8"))["schema"] == "cjtool.map/2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "real.json"]


def test_png_through_a_symlink(cli, tmp_path):
    real = tmp_path / "pics" / "map.png"
    real.parent.mkdir()
    (tmp_path / "link.png").symlink_to(real)
    r = cli("map", *MAP, "-f", "json", "-o", tmp_path / "m.json", "--png", tmp_path / "link.png")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "link.png").is_symlink() and real.read_bytes().startswith(b"\x89PNG")


def test_dangling_symlink_creates_its_target(cli, tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "new.json")
    assert _map_json(cli, link).exit_code == 0
    assert link.is_symlink() and json.loads((tmp_path / "new.json").read_text(encoding="utf-8"))


def test_dangling_symlink_into_a_missing_folder_is_refused(cli, tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "missing" / "new.json")
    r = _map_json(cli, link)
    assert r.exit_code == ExitCode.OUTPUT
    assert "does not exist (the link points to" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert link.is_symlink() and not (tmp_path / "missing").exists()


def test_symlink_loop_is_refused(cli, tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    r = _map_json(cli, tmp_path / "a")
    assert r.exit_code == ExitCode.OUTPUT and "symbolic links" in r.stderr
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


def test_directory_is_refused(cli, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "to_d").symlink_to(tmp_path / "d")
    for target in (tmp_path / "d", tmp_path / "to_d"):
        r = _map_json(cli, target)
        assert r.exit_code == ExitCode.OUTPUT
        assert r.stderr.strip() == f"cjtool: error: {target}: is a folder; give a file name"
    (tmp_path / "d.png").mkdir()
    r = cli("map", *MAP, "-f", "json", "-o", tmp_path / "m.json", "--png", tmp_path / "d.png")
    assert r.exit_code == ExitCode.OUTPUT and "d.png: is a folder" in r.stderr
    assert cli("init", "aipl", "-o", tmp_path / "d").exit_code == ExitCode.OUTPUT
    assert list((tmp_path / "d").iterdir()) == []


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "private.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    write_file(target, "new")
    assert target.read_text(encoding="utf-8") == "new" and stat.S_IMODE(target.stat().st_mode) == 0o600


@contextmanager
def _unprivileged():
    """Drop to `nobody` for the block (root ignores file permissions), in a folder it owns."""
    base = Path(tempfile.mkdtemp(prefix="cjtool-test-"))
    try:
        if ROOT:
            os.chown(base, NOBODY, NOBODY)
            os.setegid(NOBODY)
            os.seteuid(NOBODY)
        try:
            if ROOT and not _interpreter_readable():
                pytest.skip(f"`nobody` cannot read this Python's library ({sysconfig.get_path('stdlib')})")
            yield base
        finally:
            if ROOT:
                os.seteuid(0)
                os.setegid(0)
    finally:
        shutil.rmtree(base)


def _interpreter_readable() -> bool:
    """Whether the effective user can import what a run imports lazily (an interpreter
    installed in root's home, e.g. by pyenv, is not readable by `nobody`)."""
    paths = {sysconfig.get_path(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    return all(os.access(p, os.R_OK | os.X_OK, effective_ids=True) for p in paths if p)


def test_read_only_file_is_refused_for_root_too(cli, tmp_path):
    """Root passes access(): the mode bits say the file is read-only, and it is kept."""
    locked = tmp_path / "locked.yaml"
    locked.write_text("mine", encoding="utf-8")
    locked.chmod(0o444)
    r = cli("init", "aipl", "-o", locked, "--force")
    assert r.exit_code == ExitCode.OUTPUT and f"{locked}: is read-only" in r.stderr
    assert locked.read_text(encoding="utf-8") == "mine"
    r = _map_json(cli, locked)
    assert r.exit_code == ExitCode.OUTPUT and locked.read_text(encoding="utf-8") == "mine"
    locked.chmod(0o644)
    assert _map_json(cli, locked).exit_code == 0
    ro = tmp_path / "ro"  # a read-only folder: no new file in it, no file replaced in it
    ro.mkdir()
    (ro / "kept.json").write_text("mine", encoding="utf-8")
    ro.chmod(0o555)
    try:
        for target in (ro / "new.yaml", ro / "kept.json"):
            r = cli("init", "aipl", "-o", target, "--force")
            assert r.exit_code == ExitCode.OUTPUT, r.output
            assert (
                r.stderr.strip()
                == f"cjtool: error: {target}: cannot write (Permission denied); the folder {ro} is read-only"
            )
        assert sorted(p.name for p in ro.iterdir()) == ["kept.json"]
        assert (ro / "kept.json").read_text(encoding="utf-8") == "mine"
    finally:
        ro.chmod(0o755)


def test_read_only_folder_and_file_are_refused(cli):
    with _unprivileged() as base:
        ro = base / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        r = cli("init", "aipl", "-o", ro / "aipl.yaml")
        assert r.exit_code == ExitCode.OUTPUT, r.output
        assert r.stderr.strip() == (
            f"cjtool: error: {ro / 'aipl.yaml'}: cannot write (Permission denied); the folder {ro} is read-only"
        )
        assert list(ro.iterdir()) == []
        locked = base / "locked.yaml"
        locked.write_text("mine", encoding="utf-8")
        locked.chmod(0o444)
        r = cli("init", "aipl", "-o", locked, "--force")
        assert r.exit_code == ExitCode.OUTPUT and "is read-only" in r.stderr
        assert locked.read_text(encoding="utf-8") == "mine"
        ro.chmod(0o755)


def test_standard_streams_are_written_not_replaced(cli):
    # classified first, so a broken classifier can never get to write at the system path
    assert output_target("/dev/stdout").kind == "fd" and output_target("/dev/stdout").fd == 1
    assert output_target("/dev/stderr").fd == 2 and output_target("/proc/self/fd/7").fd == 7
    r = _map_json(cli, "/dev/stdout")
    assert r.exit_code == 0 and json.loads(r.stdout)["schema"] == "cjtool.map/2"


def test_dev_fd_writes_to_the_open_descriptor(tmp_path):
    read_end, write_end = os.pipe()
    try:
        assert output_target(f"/dev/fd/{write_end}").kind == "fd"
        write_file(f"/dev/fd/{write_end}", "through the pipe")
        os.close(write_end)
        assert os.read(read_end, 100) == b"through the pipe"
    finally:
        os.close(read_end)


def test_block_device_and_socket_are_refused(tmp_path):
    import socket

    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock_path))
        with pytest.raises(OutputError, match="is a socket"):
            write_file(sock_path, "x")


# ------------------------------------------------------------------ report --out (a folder)

REPORT = (EXAMPLES / "aipl_events.csv", "-m", EXAMPLES / "aipl.yaml", "-q")
FILES = ["funnel.png", "index.html", "journey_map.png", "map.json", "priority_matrix.png", "report.md"]


def test_report_through_symlinks(cli, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "to_real").symlink_to(real)
    assert cli("report", *REPORT, "--out", tmp_path / "to_real").exit_code == 0
    assert (tmp_path / "to_real").is_symlink() and sorted(p.name for p in real.iterdir()) == FILES
    (tmp_path / "dangling").symlink_to(tmp_path / "later")
    assert cli("report", *REPORT, "--out", tmp_path / "dangling").exit_code == 0
    assert (tmp_path / "dangling").is_symlink() and sorted(p.name for p in (tmp_path / "later").iterdir()) == FILES
    # rewriting into an existing folder follows a member that is a symlink too
    (real / "map.json").unlink()
    (real / "map.json").symlink_to(tmp_path / "kept.json")
    assert cli("report", *REPORT, "--out", real).exit_code == 0
    assert (real / "map.json").is_symlink() and json.loads((tmp_path / "kept.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling", "kept.json", "later", "real", "to_real"]


def test_report_refuses_odd_targets_before_drawing(cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = cli("report", *REPORT, "--out", fifo)
    assert r.exit_code == ExitCode.OUTPUT and "exists and is not a folder; give a folder name" in r.stderr
    out = tmp_path / "rep"
    out.mkdir()
    (out / "map.json").write_text("old", encoding="utf-8")
    (out / "index.html").mkdir()  # a member that is a folder: refused, nothing replaced
    r = cli("report", *REPORT, "--out", out)
    assert r.exit_code == ExitCode.OUTPUT and f"{out / 'index.html'}: is a folder" in r.stderr
    assert (out / "map.json").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "rep"]
