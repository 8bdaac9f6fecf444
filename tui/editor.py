"""`e`: open the file of a finding or a component in `$EDITOR` (else `$VISUAL`) at its line, as
`$EDITOR +LINE FILE` (vi, vim, nvim, nano, emacs, micro, kak and helix all take `+LINE`), with the
app suspended (Textual's App.suspend) and resumed when the editor exits."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping
from typing import TYPE_CHECKING

from dapr_secrets.components.model import Source
from dapr_secrets.tui.escape import escape_control

if TYPE_CHECKING:
    from textual.app import App


def editor_command(source: Source, env: Mapping[str, str] | None = None) -> list[str] | None:
    """The command line that opens `source`, or None when no editor is set."""
    env = os.environ if env is None else env
    editor = env.get("EDITOR") or env.get("VISUAL")
    if not editor:
        return None
    line = [f"+{source.line}"] if source.line else []
    return [*shlex.split(editor), *line, source.file]


def open_in_editor(app: App[object], source: Source | None) -> bool:
    """Open `source` in the editor, the app suspended meanwhile; says why when it cannot. True when
    the editor ran."""
    from textual.app import SuspendNotSupported

    if source is None or not os.path.isfile(source.file):
        where = f" ({escape_control(source.file)})" if source is not None else ""
        app.notify(f"Nothing to open in an editor: this is not about a file on disk{where}.", severity="warning", markup=False)
        return False
    command = editor_command(source)
    if command is None:
        app.notify("Set $EDITOR (or $VISUAL) to open the file at the line, e.g. EDITOR=vim.", severity="warning", markup=False)
        return False
    try:
        with app.suspend():
            completed = subprocess.run(command, check=False)
    except SuspendNotSupported:
        app.notify("This terminal cannot hand the screen to an editor (no suspend here).", severity="warning", markup=False)
        return False
    except OSError as error:
        app.notify(f"Could not start the editor {escape_control(command[0])}: {escape_control(error.strerror or '')}",
                   severity="error", markup=False)
        return False
    if completed.returncode:
        app.notify(f"The editor exited with status {completed.returncode}.", severity="warning", markup=False)
    return True
