"""Ctrl-C on a terminal ends cjtool with 130, even while it waits for events on stdin;
SIGTERM ends it with 143, its temporary copies of customer data removed."""

from __future__ import annotations

import contextlib
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AIPL = ROOT / "examples" / "aipl_events.csv"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a POSIX terminal")
def test_ctrl_c_while_reading_stdin_exits_130():
    pid, fd = pty.fork()
    if pid == 0:  # the child: cjtool waiting for events on its terminal
        os.execv(sys.executable, [sys.executable, "-m", "cjtool", "map", "-", "-m", "aipl"])
    try:
        time.sleep(1.5)  # let it start and block on the read
        os.write(fd, b"\x03")  # Ctrl-C, through the terminal's line discipline
        deadline = time.time() + 15
        while time.time() < deadline:
            with contextlib.suppress(OSError):
                os.read(fd, 65536)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                assert os.waitstatus_to_exitcode(status) == 130
                return
            time.sleep(0.05)
        pytest.fail("cjtool did not stop within 15 s of Ctrl-C")
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)


def _wait(proc, seconds: float = 30):
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"cjtool did not stop within {seconds} s of SIGTERM")


def _until(predicate, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail("cjtool did not get there in time")


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or not hasattr(os, "mkfifo"), reason="needs POSIX signals")
def test_sigterm_removes_the_parts_copy_of_customer_data_and_exits_143(tmp_path):
    """SIGTERM (a cancelled CI job, `docker stop`) while a partitioned run waits for its
    second input: the `cjtool-parts-*` copy of the first is removed, nothing is written."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    fifo = tmp_path / "later.csv"
    os.mkfifo(fifo)
    out = tmp_path / "map.json"
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "cjtool", "map", str(AIPL), str(fifo), "-m", "aipl", "--partitions", "2"]
    proc = subprocess.Popen([*args, "-o", str(out)], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        _until(lambda: any(temp.glob("cjtool-parts-*/*/*.parquet")))  # the first input is split: customer data on disk
        proc.send_signal(signal.SIGTERM)
        assert _wait(proc) == 143
        assert proc.stderr is not None and proc.stderr.read().decode().strip() == "cjtool: error: terminated"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["later.csv", "tmp"]


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs POSIX signals")
def test_sigterm_while_reading_stdin_removes_its_copy(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cjtool", "map", "-", "-m", "aipl", "-o", str(tmp_path / "map.json")],
        env=env,
        stdin=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    try:
        assert proc.stdin is not None
        proc.stdin.write(AIPL.read_bytes()[:5000])  # a part of the events, the rest never comes
        proc.stdin.flush()
        _until(lambda: any(temp.glob("cjtool-stdin-*")))  # its copy of stdin, being written
        proc.send_signal(signal.SIGTERM)
        assert _wait(proc) == 143
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdin is not None:
            proc.stdin.close()
    assert list(temp.iterdir()) == [] and [p.name for p in tmp_path.iterdir()] == ["tmp"]
