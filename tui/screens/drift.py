"""Prediction vs sidecar (issue #18): what the component files say daprd loads and answers, next to
what the running sidecar really does, one row per difference (`dapr-secrets drift` in the UI).
Value-blind: rows say "values differ", never a value. `enter` jumps to the component or secret
when the sidecar has it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from dapr_secrets.tui.safe_text import escape_control, safe_text
from dapr_secrets.tui.screens.doctor import DiagnosticTable as DriftTable  # the same row table, j/k included

if TYPE_CHECKING:
    from dapr_secrets.backends.drift import DriftRow
    from dapr_secrets.backends.sidecar import SidecarRuntime


class DriftScreen(Screen["DriftRow | None"]):
    BINDINGS = [
        Binding("escape", "dismiss", "Back"),
        Binding("q", "dismiss", "Back", show=False),
    ]

    def __init__(self, sidecar: SidecarRuntime) -> None:
        super().__init__()
        self.sidecar = sidecar
        self.rows: list[DriftRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="drift-body"):
            yield Static(Text("Reading the files and asking the sidecar…", style="dim"), id="drift-summary")
            table = DriftTable(id="drift-rows", cursor_type="row")
            table.add_column("difference", key="kind")
            table.add_column("where", key="where")
            table.add_column("detail", key="detail")
            yield table
            yield Static(id="drift-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#drift-body").border_title = "Prediction vs sidecar"
        self.run_worker(self._compare, thread=True, exit_on_error=False, description="drift")

    def _compare(self) -> None:
        from dapr_secrets.backends.base import StoreError
        from dapr_secrets.backends.drift import compare
        from dapr_secrets.backends.runtime import Runtime

        prediction = self.sidecar.prediction_options()
        try:
            predicted = Runtime.load(prediction)
            try:
                rows, error = compare(predicted, self.sidecar), ""
            finally:
                predicted.close()
        except StoreError as failure:
            rows, error = [], failure.message
        except Exception as failure:  # noqa: BLE001 - show it instead of crashing
            rows, error = [], f"the comparison failed: unexpected {type(failure).__name__}"
        self.app.call_from_thread(self._show, rows, error, ", ".join(prediction.resources_paths) or "the cluster")

    def _show(self, rows: list[DriftRow], error: str, where: str) -> None:
        self.rows = rows
        table = self.query_one(DriftTable)
        for index, row in enumerate(rows):
            kind = Text(row.kind, style="bold red" if row.drift else "dim")
            place = f"{row.component}/{row.secret}" if row.secret else row.component
            table.add_row(kind, safe_text(place), safe_text(row.detail), key=str(index))
        drifting = sum(r.drift for r in rows)
        if error:
            summary = Text(error, style="bold red")
        elif drifting:
            summary = Text(f"{drifting} difference(s) between {escape_control(where)} and the sidecar at "
                           f"{escape_control(self.sidecar.describe_source())}", style="bold")
        else:
            summary = Text(f"No drift: the sidecar answers as {escape_control(where)} predict.", style="green")
        self.query_one("#drift-summary", Static).update(summary)
        table.focus()
        self._show_detail(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        place = f"{row.component}/{row.secret}" if row.secret else row.component
        jump = "enter: show it" if self.sidecar.component(row.component) is not None else "the sidecar has no such component"
        self.query_one("#drift-detail", Static).update(Text.assemble(
            (f"{row.kind}: ", "bold"), escape_control(place), "\n", escape_control(row.detail), "\n", (jump, "dim"),
        ))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = int(event.row_key.value or 0)
        if index < len(self.rows) and self.sidecar.component(self.rows[index].component) is not None:
            self.dismiss(self.rows[index])
