"""Crash output never contains a secret: Textual's default report prints every frame's local
variables; ours prints the traceback without them (DESIGN.md, security invariants)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CANARY = "CANARY-crash-value-7f3a"

SCRIPT = f"""
from textual.app import App
from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.tui.app import DaprSecretsApp

BASE = {{"ours": DaprSecretsApp, "textual": App}}[__import__("sys").argv[1]]

class Crashing(BASE):
    def __init__(self):
        if BASE is App:
            super().__init__()
        else:
            super().__init__(Runtime(RuntimeOptions(resources_paths=(), env={{}}), []))

    def on_ready(self):
        secret_value = "-".join({CANARY.split("-")!r})  # built at run time: not in the source text
        raise RuntimeError("something broke while showing a value")

app = Crashing()
app.run(headless=True)
raise SystemExit(app.return_code)
"""


def crash(base: str, tmp_path: Path) -> subprocess.CompletedProcess:
    script = tmp_path / "crashing_app.py"
    script.write_text(SCRIPT)
    return subprocess.run(
        [sys.executable, str(script), base], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "TERM": "dumb", "PYTHONPATH": str(ROOT)},
    )


def test_textuals_default_report_would_print_the_local_value(tmp_path):
    """The hazard is real: the stock crash report shows locals (so the next test can fail)."""
    result = crash("textual", tmp_path)
    assert CANARY in result.stdout + result.stderr


def test_our_crash_report_shows_the_error_but_no_local_value(tmp_path):
    result = crash("ours", tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "RuntimeError" in output and "something broke while showing a value" in output
    assert CANARY not in output
