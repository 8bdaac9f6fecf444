"""`d`: everything `dapr-secrets doctor` finds. `enter` closes the screen with the diagnostic, and the
app jumps to its component or secret; when there is nothing to jump to (a component daprd never
loads, a file-level problem), the screen stays and says where to fix it.

Names are written with one escaper (tui.escape.escape_control) in every column, also where the
message quotes them the way daprd does (Go's %q)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from dapr_secrets.components.golang import go_quote
from dapr_secrets.components.model import Diagnostic, Severity
from dapr_secrets.tui.safe_text import escape_control, safe_text

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
    ]

    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self.runtime = runtime
        self.diagnostics: list[Diagnostic] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="doctor-body"):
            yield Static(Text("Checking every component, reference and store…", style="dim"), id="doctor-summary")
            table = DiagnosticTable(id="diagnostics", cursor_type="row")
            table.add_column("severity", key="severity")
            table.add_column("where", key="where")
            table.add_column("problem", key="problem")
            yield table
            yield Static(id="doctor-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#doctor-body").border_title = "Doctor"
        self.run_worker(self._diagnose, thread=True, exit_on_error=False, description="doctor")

    def _diagnose(self) -> None:
        try:
            found = self.runtime.doctor()
            error = ""
        except Exception as failure:  # noqa: BLE001 - show it instead of crashing
            found, error = [], f"the doctor failed: unexpected {type(failure).__name__}"
        self.app.call_from_thread(self._show, found, error)

    def _show(self, diagnostics: list[Diagnostic], error: str) -> None:
        order = list(Severity)  # errors first, notes last; otherwise in the doctor's order
        diagnostics = sorted(diagnostics, key=lambda d: order.index(d.severity))
        self.diagnostics = diagnostics
        table = self.query_one(DiagnosticTable)
        for index, diagnostic in enumerate(diagnostics):
            word, style = SEVERITY_STYLE[diagnostic.severity]
            where = diagnostic.component or (str(diagnostic.source) if diagnostic.source else "")
            if diagnostic.secret:
                where += f" / {diagnostic.secret}"
            table.add_row(Text(word, style=style), safe_text(where), safe_text(shown_message(diagnostic)), key=str(index))
        counts = {s: sum(d.severity == s for d in diagnostics) for s in Severity}
        if error:
            summary = error
        elif diagnostics:
            summary = f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} note(s)"
        else:
            summary = "No problems found."
        self.query_one("#doctor-summary", Static).update(Text(summary, style="bold red" if error else ""))
        table.focus()
        self._show_hint(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_hint(event.cursor_row)

    def _show_hint(self, row: int, stayed: bool = False) -> None:
        """The highlighted problem in full; `stayed`: enter found nothing to jump to, so say where to go."""
        if not 0 <= row < len(self.diagnostics):
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
        return bool(diagnostic.component) and self.runtime.component(diagnostic.component) is not None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = int(event.row_key.value or 0)
        if index >= len(self.diagnostics):
            return
        if self.can_jump(self.diagnostics[index]):
            self.dismiss(self.diagnostics[index])
        else:
            self._show_hint(index, stayed=True)


def shown_message(diagnostic: Diagnostic) -> str:
    """The message, with the names it quotes Go-style (%q, as daprd) written like the where column
    writes them."""
    message = diagnostic.message
    for name in filter(None, (diagnostic.component, diagnostic.secret)):
        quoted = go_quote(name)
        if quoted[1:-1] != escape_control(name):
            message = message.replace(quoted, f'"{escape_control(name)}"')
    return message
