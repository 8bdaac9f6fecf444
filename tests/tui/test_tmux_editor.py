"""End to end (issue #14): `e` on a doctor finding, in the real app in a real terminal (tmux), runs
`$EDITOR +LINE FILE` with the app suspended, and the app comes back when the editor exits; the
doctor then shows the edited file's state on its own (it watches the files)."""

from __future__ import annotations

import os
import shlex
import time

import pytest

from tests.helpers.tmux import TMUX, Terminal, entry_point
from tests.helpers.tui import component_yaml

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (`make test` installs it): the end-to-end test needs it")

FAKE_EDITOR = """#!/bin/sh
# A stand-in for vim: records how it was called, fixes the key, waits to be told to exit.
printf '%s\\n' "$@" > "{calls}"
sed -i 's/"nope"/"token"/' "$2"
while [ ! -e "{release}" ]; do sleep 0.1; done
"""


def test_e_opens_the_finding_in_editor_at_its_line_and_the_app_comes_back(tmp_path):
    (tmp_path / "files.json").write_text('{"webhook": {"token": "tmux-value-1"}}')
    folder = tmp_path / "components"
    folder.mkdir()
    (folder / "files.yaml").write_text(component_yaml(
        "files", "secretstores.local.file", {"secretsFile": str(tmp_path / "files.json"), "multiValued": "true"}))
    hook = folder / "hook.yaml"
    hook.write_text(component_yaml("hook", "bindings.http", {"securityToken": {"secretKeyRef": {"name": "webhook", "key": "nope"}}},
                                   auth="files"))
    line = hook.read_text().splitlines().index("  - name: securityToken") + 1
    calls, release = tmp_path / "calls", tmp_path / "release"
    editor = tmp_path / "fake-editor"
    editor.write_text(FAKE_EDITOR.format(calls=calls, release=release))
    editor.chmod(0o755)

    term = Terminal(f"dapr-secrets-editor-{os.getpid()}")
    command = shlex.join([*entry_point(), "--resources-path", str(folder)])
    env = f"EDITOR={shlex.quote(str(editor))} TERM=xterm-256color"
    term.run("new-session", "-d", "-s", "e2e", "-x", "160", "-y", "36", f"env -u COLUMNS -u LINES {env} {command}")
    try:
        term.wait_for("hook")
        term.keys("d")
        term.wait_for("has no key 'nope'")
        term.keys("e")
        deadline = time.monotonic() + 20
        while not calls.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert calls.read_text().splitlines() == [f"+{line}", str(hook)]
        assert "has no key" not in term.screen()  # the app handed the screen over
        release.touch()
        term.wait_for("Doctor")  # back, on the doctor
        term.wait_for("No problems found.")  # and it saw the edit by itself
        term.keys("q")
    finally:
        term.close()
