"""End to end: the real `dapr-secrets` entry point in a real terminal (tmux), read with
capture-pane; a copy travels through OSC 52 into tmux's buffer (`set-clipboard on`)."""

from __future__ import annotations

import os
import shlex
import subprocess
import time

import pytest

from tests.helpers.tmux import TMUX, Terminal, entry_point
from tests.helpers.tui import DEMO_ENV, ROOT

pytestmark = pytest.mark.skipif(
    TMUX is None, reason="tmux is not installed (`make test` installs it): the end-to-end terminal test needs it"
)


@pytest.fixture
def terminal():
    term = Terminal(f"dapr-secrets-e2e-{os.getpid()}")
    env = " ".join(f"{name}={shlex.quote(value)}" for name, value in {**DEMO_ENV, "TERM": "xterm-256color"}.items())
    command = shlex.join([*entry_point(), "--resources-path", "examples/components", "--clipboard", "osc52", "--clipboard-timeout", "4"])
    term.run("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "36", "-c", str(ROOT), f"env -u COLUMNS -u LINES {env} {command}")
    term.run("set-option", "-g", "set-clipboard", "on")
    try:
        yield term
    finally:
        term.close()


def test_the_app_runs_in_a_terminal_and_copies_through_osc52(terminal):
    terminal.wait_for("demo-file")
    terminal.wait_for("1 secret")  # the first store (demo-chained) is open and listed
    terminal.keys("j", "j")  # demo-env, demo-file: shown, so its names are loaded
    terminal.wait_for("8 secrets")
    terminal.keys("/")
    terminal.wait_for("filter the names of every ready store")  # focused: keys now type, "d" is no doctor
    terminal.keys("-l", "redis:pass")
    terminal.wait_for("demo-file  redis:password")
    terminal.keys("Enter")
    screen = terminal.wait_for("redis:password  in demo-file")
    terminal.wait_for("•")  # the value arrived, masked
    terminal.keys("c")
    # Inside tmux the copy goes to a named buffer (never into tmux's paste history), issue #13.
    screen = terminal.wait_for("Copied demo-file/redis:password (tmux buffer)")
    assert terminal.run("show-buffer", "-b", "dapr-secrets") == "demo-redis-password"
    assert "demo-redis-password" not in screen  # copied, never shown
    deadline = time.monotonic() + 15  # --clipboard-timeout 4: then the buffer is deleted
    while "dapr-secrets" in terminal.run("list-buffers", "-F", "#{buffer_name}") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "dapr-secrets" not in terminal.run("list-buffers", "-F", "#{buffer_name}")
    for name in terminal.run("list-buffers", "-F", "#{buffer_name}").split():
        assert "demo-redis-password" not in terminal.run("show-buffer", "-b", name)  # nowhere in tmux's history
    terminal.keys("q")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP (terminal closed)"])
def test_a_copied_secret_is_cleared_when_the_app_is_killed(how):
    """Issue #13: no exit path we can catch leaves a copied value behind."""
    import signal

    marker = f"dapr-secrets-kill-{os.getpid()}-{how[:6]}"
    term = Terminal(marker)
    env = " ".join(f"{name}={shlex.quote(value)}" for name, value in {**DEMO_ENV, "TERM": "xterm-256color"}.items())
    command = shlex.join([*entry_point(), "--resources-path", "examples/components", "--clipboard", "osc52",
                          "--clipboard-timeout", "600", "--app-id", marker])
    term.run("new-session", "-d", "-s", "keepalive", "sleep 120")  # the server (and its buffers) outlive the app
    term.run("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "36", "-c", str(ROOT), f"env -u COLUMNS -u LINES {env} {command}")
    try:
        term.wait_for("demo-file")
        term.keys("j", "j")
        term.wait_for("8 secrets")
        term.keys("/")
        term.wait_for("filter the names of every ready store")
        term.keys("-l", "redis:pass")
        term.wait_for("demo-file  redis:password")
        term.keys("Enter")
        term.wait_for("redis:password  in demo-file")
        term.wait_for("•")
        term.keys("c")
        term.wait_for("(tmux buffer)")
        assert term.run("list-buffers", "-F", "#{buffer_name}").split().count("dapr-secrets") == 1
        if how == "SIGTERM":
            pid = subprocess.run(["pgrep", "-n", "-f", f"app-id {marker}"], capture_output=True, text=True).stdout.split()
            assert pid, "the app's process was not found"
            os.kill(int(pid[0]), signal.SIGTERM)
        else:
            term.run("kill-pane", "-t", "e2e")
        deadline = time.monotonic() + 10
        while "dapr-secrets" in term.run("list-buffers", "-F", "#{buffer_name}").split() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "dapr-secrets" not in term.run("list-buffers", "-F", "#{buffer_name}").split()
    finally:
        term.close()


def test_a_crafted_component_cannot_write_the_terminal_title_or_clipboard(tmp_path):
    """Issue #13: `spec.type` (like every resource field) used to reach the terminal raw."""
    (tmp_path / "evil.yaml").write_text(
        'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: "evil\\e]0;pwned-name\\a"\n'
        'spec:\n  type: "state.redis\\e]0;pwned-title\\a\\e]52;c;cHduZWQ=\\a"\n  version: v1\n'
    )
    term = Terminal(f"dapr-secrets-inject-{os.getpid()}")
    command = shlex.join([*entry_point(), "--resources-path", str(tmp_path)])
    term.run("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "36", f"env -u COLUMNS -u LINES TERM=xterm-256color {command}")
    term.run("set-option", "-g", "set-clipboard", "on")
    term.run("set-option", "-g", "allow-rename", "on")
    try:
        term.wait_for("evil")
        term.keys("Down")
        screen = term.wait_for("pwned-title")  # shown, escaped
        assert "\\e]0;pwned-title" in screen or "\\x1b]0;pwned-title" in screen
        assert "pwned" not in term.run("display-message", "-p", "-t", "e2e", "#{pane_title}")
        assert "pwned" not in term.run("display-message", "-p", "-t", "e2e", "#{window_name}")
        for name in term.run("list-buffers", "-F", "#{buffer_name}").split():
            assert "pwned" not in term.run("show-buffer", "-b", name)
    finally:
        term.close()
