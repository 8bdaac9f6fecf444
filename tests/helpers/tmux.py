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
