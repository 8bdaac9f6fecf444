"""`d`: everything `dapr-secrets doctor` finds. `enter` closes the screen with the diagnostic, and the
app jumps to its component or secret; when there is nothing to jump to (a component daprd never
loads, a file-level problem), the screen stays and says where to fix it.

It is live: `ctrl+r` reads the files and stores again, and so does a change to the files of the
resources paths or the --config files (polled in a thread, debounced). `e` opens the highlighted
finding's file at its line in $EDITOR.

Names are written with one escaper (tui.escape.escape_control) in every column, also where the
message quotes them the way daprd does (Go's %q)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from dapr_secrets.backends.runtime import State
from dapr_secrets.components.golang import go_quote
from dapr_secrets.components.model import Diagnostic, Severity, Source
from dapr_secrets.tui.editor import open_in_editor
from dapr_secrets.tui.safe_text import escape_control, safe_text
from dapr_secrets.tui.watch import watched_files
from dapr_secrets.tui.widgets.status import GLYPHS

if TYPE_CHECKING:
    from dapr_secrets.backends.runtime import Runtime

SEVERITY_STYLE = {Severity.ERROR: ("✗ error", "bold red"), Severity.WARNING: ("! warning", "yellow"), Severity.INFO: ("i note", "cyan")}


class DiagnosticTable(DataTable):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class DoctorScreen(Screen[Diagnostic | None]):
    BINDINGS = [
        Binding("escape,d", "dismiss", "Back"),
        Binding("q", "dismiss", "Back", show=False),
        Binding("ctrl+r", "reload", "Refresh"),
        Binding("e", "edit", "Edit file"),
    ]
    POLL_INTERVAL = 1.0  # seconds between two looks at the watched files
    DEBOUNCE = 0.5  # seconds the files must stay unchanged before the doctor runs again

    def __init__(self, runtime: Runtime, reloaded: Callable[[Runtime], None] | None = None) -> None:
        """`reloaded`: called (on the event loop) after the doctor read the files and stores again,
        so the screens below show the new runtime state too."""
        super().__init__()
        self.runtime = runtime
        self.reloaded = reloaded
        self.diagnostics: list[Diagnostic] = []
        self.runs = 0  # doctor runs started; a result from an older one is dropped
        self.shown_runs = 0  # doctor runs whose result is on screen
        self._stop_watching = threading.Event()  # stops the file watcher

    def compose(self) -> ComposeResult:
        with Vertical(id="doctor-body"):
            yield Static(Text("Checking every component, reference and store…", style="dim"), id="doctor-summary")
            table = DiagnosticTable(id="diagnostics", cursor_type="row")
            table.add_column("severity", key="severity")
            table.add_column("where", key="where")
            table.add_column("file:line", key="source")
            table.add_column("problem", key="problem")
            yield table
            yield Static(id="doctor-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#doctor-body").border_title = "Doctor"
        self._run(reload=False)
        if watched_files(self.runtime.options):
            # A daemon thread of its own, not a worker: it runs as long as the screen is shown, and
            # waiting for the workers to finish (tests, refresh) must not wait for it.
            threading.Thread(target=self._watch, name="doctor-watch", daemon=True).start()

    def on_unmount(self) -> None:
        self._stop_watching.set()

    def action_reload(self) -> None:
        self._run(reload=True)

    def _run(self, reload: bool, why: str = "") -> None:
        self.runs += 1
        run, runtime = self.runs, self.runtime
        summary = "Reading the files and stores again…" if reload else "Checking every component, reference and store…"
        self.query_one("#doctor-summary", Static).update(Text(f"{why}{summary}", style="dim"))

        def diagnose() -> None:
            try:
                if reload:
                    runtime.refresh()
                found = runtime.doctor()
                error = ""
            except Exception as failure:  # noqa: BLE001 - show it instead of crashing
                found, error = [], f"the doctor failed: unexpected {type(failure).__name__}"
            self.app.call_from_thread(self._finished, run, reload, found, error)

        self.run_worker(diagnose, thread=True, group="doctor", exit_on_error=False, description="doctor")

    def _finished(self, run: int, reloaded: bool, found: list[Diagnostic], error: str) -> None:
        if reloaded and self.reloaded is not None:
            self.reloaded(self.runtime)
        if run == self.runs:  # an older run's answer is out of date
            self._show(found, error)

    def _watch(self) -> None:
        """Poll the watched files; run the doctor again once they have stayed unchanged for DEBOUNCE."""
        last = watched_files(self.runtime.options)
        changed_at: float | None = None
        while not self._stop_watching.wait(self.POLL_INTERVAL if changed_at is None else min(self.POLL_INTERVAL, self.DEBOUNCE)):
            now = watched_files(self.runtime.options)
            if now != last:
                last, changed_at = now, time.monotonic()
            elif changed_at is not None and time.monotonic() - changed_at >= self.DEBOUNCE:
                changed_at = None
                try:
                    self.app.call_from_thread(self._run, True, "Files changed. ")
                except RuntimeError:  # the app is gone
                    return

    def action_edit(self) -> None:
        table = self.query_one(DiagnosticTable)
        if 0 <= table.cursor_row < len(self.diagnostics):
            open_in_editor(self.app, self.diagnostics[table.cursor_row].source)

    def _show(self, diagnostics: list[Diagnostic], error: str) -> None:
        order = list(Severity)  # parked first (the worst), then errors, notes last; otherwise in the doctor's order
        diagnostics = sorted(diagnostics, key=lambda d: (order.index(d.severity), d.code != "parked-forever"))
        self.diagnostics = diagnostics
        self.shown_runs = self.runs
        table = self.query_one(DiagnosticTable)
        row = table.cursor_row
        table.clear()
        for index, diagnostic in enumerate(diagnostics):
            word, style = SEVERITY_STYLE[diagnostic.severity]
            if diagnostic.code == "parked-forever":  # the worst: the sidebar's loudest mark here too
                word, style = f"{GLYPHS[State.WAITING][0]} parked", GLYPHS[State.WAITING][1]
            where = diagnostic.component or ""
            if diagnostic.secret:
                where += f" / {diagnostic.secret}"
            source = short_source(diagnostic.source)
            table.add_row(Text(word, style=style), safe_text(where), safe_text(source, "dim"), safe_text(shown_message(diagnostic)),
                          key=str(index))
        counts = {s: sum(d.severity == s for d in diagnostics) for s in Severity}
        if error:
            summary = error
        elif diagnostics:
            summary = f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} note(s)"
        else:
            summary = "No problems found."
        self.query_one("#doctor-summary", Static).update(Text(summary, style="bold red" if error else ""))
        table.focus()
        if diagnostics:
            table.move_cursor(row=min(row, len(diagnostics) - 1))  # where it was, after a refresh
        self._show_hint(table.cursor_row)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_hint(event.cursor_row)

    def _show_hint(self, row: int, stayed: bool = False) -> None:
        """The highlighted problem in full; `stayed`: enter found nothing to jump to, so say where to go."""
        if not 0 <= row < len(self.diagnostics):
            self.query_one("#doctor-hint", Static).update("")
            return
        diagnostic = self.diagnostics[row]
        lines = [self._nowhere_to_jump(diagnostic)] if stayed else []
        lines.append(Text.assemble(("problem: ", "dim"), escape_control(shown_message(diagnostic))))
        if diagnostic.hint:
            lines.append(Text.assemble(("hint: ", "dim"), (escape_control(diagnostic.hint), "italic")))
        if diagnostic.source:
            lines.append(Text.assemble(("where: ", "dim"), escape_control(str(diagnostic.source))))
        lines.append(Text(f"code: {diagnostic.code}", style="dim"))
        self.query_one("#doctor-hint", Static).update(Text("\n").join(lines))

    def _nowhere_to_jump(self, diagnostic: Diagnostic) -> Text:
        where = f"fix it in {diagnostic.source}" if diagnostic.source else "nothing on screen shows it"
        if diagnostic.component:
            what = f"{escape_control(diagnostic.component)} was never loaded (daprd skips it), so there is nothing to jump to"
        else:
            what = "This is about a file, not a loaded component"
        return Text(f"{what}: {escape_control(where)}.", style="bold yellow")

    def can_jump(self, diagnostic: Diagnostic) -> bool:
        name = diagnostic.component or ""
        return bool(name) and (self.runtime.component(name) or self.runtime.scoped_out_component(name)) is not None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = int(event.row_key.value or 0)
        if index >= len(self.diagnostics):
            return
        if self.can_jump(self.diagnostics[index]):
            self.dismiss(self.diagnostics[index])
        else:
            self._show_hint(index, stayed=True)


def short_source(source: Source | None) -> str:
    """`file.yaml:13` for the table (the hint below it shows the whole path)."""
    if source is None:
        return ""
    return str(Source(os.path.basename(source.file.rstrip("/")) or source.file, source.line))


def shown_message(diagnostic: Diagnostic) -> str:
    """The message, with the names it quotes Go-style (%q, as daprd) written like the where column
    writes them."""
    message = diagnostic.message
    for name in filter(None, (diagnostic.component, diagnostic.secret)):
        quoted = go_quote(name)
        if quoted[1:-1] != escape_control(name):
            message = message.replace(quoted, f'"{escape_control(name)}"')
    return message
