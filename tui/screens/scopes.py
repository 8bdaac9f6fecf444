"""The secret-scope rules in force: one row per secret store, what the secrets API gives the app
from it, the lists as written and the file:line of each entry. `enter` closes the screen with the
store's name, and the app selects that store.

Read-only, names only (never a value); every name goes through the one escaper."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from dapr_secrets.components.scope_rules import ScopeRow, scope_rows
from dapr_secrets.tui.safe_text import escape_control, safe_text

if TYPE_CHECKING:
    from dapr_secrets.backends.runtime import Runtime

LISTED = 3  # names shown per list in the table; the panel below shows them all
WHERE_SCOPES_APPLY = (
    "Scopes apply to the secrets API only (GET answers 403, bulk leaves the name out); "
    "a component's secretKeyRef ignores them."
)


class ScopeTable(DataTable):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class ScopesScreen(Screen[str | None]):
    DEFAULT_CSS = """
    #scopes-body { border: round $border; height: 1fr; }
    #scopes-summary { padding: 0 1; height: auto; }
    #scope-rows { height: 1fr; }
    #scope-detail { height: auto; min-height: 4; padding: 0 1; border-top: solid $border-blurred; }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "Back"),
        Binding("q,S", "dismiss", "Back", show=False),  # S again closes it, as d the doctor and ? help
    ]

    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        stores = [component.name for component in runtime.secret_stores()]
        self.rows: list[ScopeRow] = scope_rows(runtime.configuration, stores)
        self.config_files = [str(source) for source in runtime.configuration.sources]

    def compose(self) -> ComposeResult:
        with Vertical(id="scopes-body"):
            yield Static(self._summary(), id="scopes-summary")
            table = ScopeTable(id="scope-rows", cursor_type="row")
            for label in ("store", "where", "the app gets", "allowedSecrets", "deniedSecrets", "defaultAccess"):
                table.add_column(label, key=label)
            yield table
            yield Static(id="scope-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#scopes-body").border_title = "Secret scopes"
        table = self.query_one(ScopeTable)
        for index, row in enumerate(self.rows):
            style = "dim" if not row.store_loaded else ("bold" if row.source else "")
            table.add_row(
                safe_text(row.store, style=style),
                safe_text(str(row.source) if row.source else "", style="dim"),
                Text(row.effect, style="yellow" if not row.store_loaded else ""),
                safe_text(_listed(row.allowed)),
                safe_text(_listed(row.denied)),
                safe_text(row.default_access or ("allow (default)" if row.source else "")),
                key=str(index),
            )
        table.focus()
        self._show_detail(0)

    def _summary(self) -> Text:
        config = ", ".join(self.config_files) if self.config_files else "no --config file: every store gives every secret"
        return Text.assemble(("Configuration: ", "dim"), escape_control(config), "\n", (WHERE_SCOPES_APPLY, "dim"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        lines = [Text.assemble(("store: ", "dim"), escape_control(row.store), ("  gets: ", "dim"), row.effect)]
        for label, names in (("allowedSecrets", row.allowed), ("deniedSecrets", row.denied)):
            if names:
                lines.append(Text.assemble((f"{label}: ", "dim"), escape_control(", ".join(names))))
        if row.ignored:
            lines.append(Text(row.ignored, style="italic yellow"))
        if row.source:
            lines.append(Text.assemble(("where: ", "dim"), escape_control(str(row.source))))
        self.query_one("#scope-detail", Static).update(Text("\n").join(lines))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows[int(event.row_key.value or 0)]
        if row.store_loaded:
            self.dismiss(row.store)


def _listed(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:LISTED])
    return shown + (f" +{len(names) - LISTED}" if len(names) > LISTED else "")
