"""What the app shows while it starts from the command line: its header and "loading components…",
drawn before any component file is read or the main screen's modules are imported (issue #16: the
first frame comes at once; the app loads the components in a thread, then shows the main screen).

It is deliberately small: one header line and one bordered box where the sidebar will be, styled by
a few lines of CSS of its own, so that the first frame costs Textual little more than a bare app's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from dapr_secrets.tui.escape import escape_control

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from dapr_secrets.backends.runtime import RuntimeOptions


def loading_text(options: RuntimeOptions) -> Text:
    """Where the components come from, in words (the main screen's header says it once loaded)."""
    if options.resources_from_cluster:
        where = "the cluster" + (f" (context {options.kube_context})" if options.kube_context else "")
    else:
        where = ", ".join(options.resources_paths)
    return Text(f"Loading components from {escape_control(where)}…", style="dim")


class StartScreen(Screen[None]):
    DEFAULT_CSS = """
    StartScreen #start-header {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    StartScreen #start-body {
        width: auto;
        height: auto;  /* a few lines: every line drawn costs the first frame */
        padding: 0 1;
        border: round $primary 35%;
        border-title-color: $foreground-muted;
    }
    """

    def __init__(self, options: RuntimeOptions) -> None:
        super().__init__()
        self.options = options

    def compose(self) -> ComposeResult:
        yield Static(Text("dapr-secrets", style="bold"), id="start-header")
        body = Static(loading_text(self.options), id="start-body")
        body.border_title = "Components"
        yield body
