"""Quitting in a real terminal does not wait for Textual's input thread to poll (issue #16): the
thread of tui/terminal_driver.py is woken by the exit flag. Here it would otherwise poll once an
hour, so a quit that relied on polling would not end within the test's minute."""

from __future__ import annotations

import os
import pty
import select
import struct
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys
    from dapr_secrets.tui import cli
    from dapr_secrets.tui.terminal_driver import PromptLinuxDriver

    PromptLinuxDriver.POLL = 3600.0  # only the exit flag's wake-up can end the input thread in time
    sys.argv = ["dapr-secrets", "--clipboard", "off", "--resources-path", sys.argv[1]]
    cli.entry()
    """
)


def _read_until(terminal: int, text: bytes, seen: bytearray, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while text not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([terminal], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(terminal, 65536)
            except OSError:  # the child's side closed
                return text in seen
            if not chunk:
                break
            seen += chunk
    return text in seen


def _exit_status(pid: int, terminal: int, seen: bytearray, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        _read_until(terminal, b"\0never", seen, 0.2)  # keep reading: the app must never block on a full terminal
    return None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux driver")
def test_q_in_a_terminal_ends_the_app_without_waiting_for_the_input_thread_to_poll():
    pid, terminal = pty.fork()
    if pid == 0:  # the child: a 120x36 terminal running the app on the demo
        try:
            import fcntl
            import termios

            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
            os.chdir(ROOT)
            env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": "/nonexistent"}
            os.execve(sys.executable, [sys.executable, "-c", CHILD, str(ROOT / "examples" / "components")], env)
        finally:
            os._exit(127)
    seen = bytearray()
    try:
        assert _read_until(terminal, b"demo-file", seen, 60), "the app never drew its first frame"
        time.sleep(0.5)  # the input thread is in its (hour-long) select by now
        os.write(terminal, b"q")
        status = _exit_status(pid, terminal, seen, 60)
        assert status is not None, "q did not end the app: the input thread was not woken"
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        assert b"\x1b[?1049l" in seen  # and the terminal was given back (alternate screen left)
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):  # ended: the usual case
            pass
        os.close(terminal)
