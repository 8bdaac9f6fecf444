"""A real terminal for end-to-end tests: tmux, driven with send-keys and read with capture-pane,
and the `dapr-secrets` entry point to run in it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

TMUX = shutil.which("tmux")


def entry_point() -> list[str]:
    script = Path(sys.executable).parent / "dapr-secrets"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dapr_secrets.tui.cli"]


class Terminal:
    def __init__(self, socket: str) -> None:
        self.base = [TMUX, "-L", socket, "-f", "/dev/null"]

    def run(self, *args: str) -> str:
        return subprocess.run([*self.base, *args], capture_output=True, text=True, timeout=10, check=False).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "e2e", *keys)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on the terminal:\n{self.screen()}")

    def close(self, grace: float = 10.0) -> None:
        """Close the terminal (tmux's server goes, as when a window is closed: SIGHUP) and check that
        the app in it ended too: a process left behind was a real defect (blocked in Textual's writer
        thread after `e` had suspended the app)."""
        panes = self.run("list-panes", "-a", "-F", "#{pane_pid}").split()
        left = [pid for pane in panes for pid in _descendants(int(pane))] + [int(pane) for pane in panes]
        self.run("kill-server")
        deadline = time.monotonic() + grace
        while (alive := [pid for pid in left if _running(pid)]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive, f"processes outlived their terminal: {alive}"


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent has not collected it yet
