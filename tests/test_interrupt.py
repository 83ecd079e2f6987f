"""Ctrl-C on a terminal ends cjtool with 130, even while it waits for events on stdin."""

from __future__ import annotations

import contextlib
import os
import pty
import signal
import sys
import time

import pytest


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
