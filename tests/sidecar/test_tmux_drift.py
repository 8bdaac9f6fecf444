"""End to end: the real `dapr-secrets` entry point in tmux, attached to a local sidecar, opening the
prediction-vs-sidecar view from the palette. The planted differences show; no value does."""

from __future__ import annotations

import os
import shlex

import pytest

from tests.fakes.daprd_server import FakeDaprd
from tests.helpers.sidecar import CANARY, fake_sidecar, write_files
from tests.helpers.tmux import TMUX, Terminal, entry_point

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (`make test` installs it)")


@pytest.fixture
def daprd():
    with fake_sidecar(token="e2e-token") as server:
        yield server


def test_the_drift_view_in_a_real_terminal(tmp_path, daprd: FakeDaprd):
    components = write_files(tmp_path)
    term = Terminal(f"dapr-secrets-drift-{os.getpid()}")
    command = shlex.join([
        *entry_point(), "--sidecar", daprd.url, "--resources-path", str(components),
        "--config", str(tmp_path / "config.yaml"), "--app-id", "orders",
    ])
    env = f"env -u COLUMNS -u LINES TERM=xterm-256color DAPR_API_TOKEN=e2e-token {command}"
    term.run("new-session", "-d", "-s", "e2e", "-x", "140", "-y", "36", env)
    try:
        term.wait_for("(dapr 1.18.3)")  # the header names the sidecar and its Dapr version
        term.wait_for("extra")  # a component only the sidecar has, in the sidebar
        term.keys("C-p")
        term.wait_for("Search for commands")
        term.keys("-l", "Prediction vs")
        term.wait_for("Prediction vs sidecar")
        term.keys("Enter")
        screen = term.wait_for("value-differs")
        for planted in ("component-only-in-files", "type-differs", "secret-missing-in-sidecar", "secret-only-in-sidecar"):
            assert planted in screen
        assert CANARY not in screen and "files-key" not in screen
    finally:
        term.close()
