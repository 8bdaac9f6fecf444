"""Palette "Audit log": the audit trail of this machine (backends/audit.py), newest first, the same
lines `dapr-secrets audit` prints. Names and outcomes only: the log never holds a value."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from dapr_secrets.backends.audit import AuditEntry, read_entries
from dapr_secrets.tui.safe_text import escape_control, safe_text

COLUMNS = ("time", "user", "action", "store", "secret", "key", "version", "outcome", "other")
MAX_SHOWN = 2_000


class AuditScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Back")]

    def __init__(self, path: Path | None) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="audit-body"):
            yield Static(Text("Reading the audit log…", style="dim"), id="audit-summary")
            table: DataTable[object] = DataTable(id="audit-rows", cursor_type="row")
            for column in COLUMNS:
                table.add_column(column, key=column)
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#audit-body").border_title = "Audit log"
        self.run_worker(self._read, thread=True, exit_on_error=False, description="read the audit log")

    def _read(self) -> None:
        entries = list(read_entries(self.path)) if self.path is not None else []
        self.app.call_from_thread(self._show, entries)

    def _show(self, entries: list[AuditEntry]) -> None:
        if self.path is None:
            summary = "No audit log: it is off (--no-audit-log)."
        else:
            shown = f", the newest {MAX_SHOWN:,} shown" if len(entries) > MAX_SHOWN else ""
            summary = f"{len(entries):,} entries in {escape_control(str(self.path))} (and its rotated files){shown}."
        self.query_one("#audit-summary", Static).update(Text(summary))
        table = self.query_one(DataTable)
        for entry in reversed(entries[-MAX_SHOWN:]):
            table.add_row(*(safe_text("" if entry.fields.get(c) is None else str(entry.fields[c])) for c in COLUMNS))
        table.focus()
