"""Palette "Compare with…": the shown store against another store of this setup, or against the same
store in another resources folder or (Kubernetes mode) another namespace. The comparison is
backends/compare.py, run in a thread; this screen shows its rows: a filterable table, a colour per
status, `enter` jumps to the secret. Nothing here can reveal or copy a value: the screen holds
names and statuses only (the app's x / c / = are off while it is on top).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Provider
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from dapr_secrets.backends.base import LastChanged, StoreError
from dapr_secrets.backends.compare import (
    DIFFERENT,
    ONLY_LEFT,
    ONLY_RIGHT,
    SAME,
    UNREADABLE_LEFT,
    UNREADABLE_RIGHT,
    CompareError,
    Comparison,
    Row,
    compare,
)
from dapr_secrets.backends.runtime import Runtime
from dapr_secrets.tui.ages import age
from dapr_secrets.tui.commands import NAMESPACE_NAME, highlighted
from dapr_secrets.tui.safe_text import escape_control, safe_text

if TYPE_CHECKING:
    from dapr_secrets.tui.app import DaprSecretsApp

STATUS_STYLE = {
    SAME: "green", DIFFERENT: "bold yellow", ONLY_LEFT: "cyan", ONLY_RIGHT: "magenta",
    UNREADABLE_LEFT: "bold red", UNREADABLE_RIGHT: "bold red",
}
MAX_SHOWN = 2_000  # rows in the table at once; the filter narrows the rest
FILL_STEP = 250  # rows looked at between two chances for the screen to draw


@dataclass(frozen=True)
class CompareTarget:
    """The other side: a store of this setup, or `store` in another environment."""

    store: str
    resources_path: str | None = None
    namespace: str | None = None

    @property
    def other_environment(self) -> bool:
        return self.resources_path is not None or self.namespace is not None

    def label(self) -> str:
        if self.resources_path is not None:
            return f"{self.store} (from {self.resources_path})"
        if self.namespace is not None:
            return f"{self.store} (in namespace {self.namespace})"
        return self.store

    def runtime(self, runtime: Runtime) -> Runtime:
        """The other side's runtime: this one, or one built by the same rules for the other place."""
        if self.resources_path is not None:
            return Runtime.load(runtime.options.replace(resources_paths=(self.resources_path,), resources_from_cluster=False))
        if self.namespace is not None:
            return Runtime.load(runtime.options.replace(namespace=self.namespace))
        return runtime


class CompareProvider(Provider):
    """The other stores of this setup; a typed folder path; in Kubernetes mode, a typed namespace."""

    @property
    def dapr_app(self) -> DaprSecretsApp:
        return cast("DaprSecretsApp", self.app)

    def _stores(self) -> list[str]:
        app = self.dapr_app
        return [c.name for c in app.runtime.secret_stores() if c.name != app.main_screen.current]

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        app = self.dapr_app
        for store in self._stores():
            yield DiscoveryHit(highlighted(None, "store ", store), partial(app.main_screen.compare_with, CompareTarget(store)), text=store)
        hint = "type a folder path to compare with the same store there"
        if app.kubernetes_mode:
            hint += ", or a namespace"
        yield DiscoveryHit(Text(hint, style="dim italic"), _nothing, text="hint")

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        app = self.dapr_app
        current = app.main_screen.current or ""
        for store in self._stores():
            score = matcher.match(store)
            if score > 0:
                yield Hit(score, highlighted(matcher, "store ", store), partial(app.main_screen.compare_with, CompareTarget(store)),
                          text=store, help="compare with this store")
        typed = query.strip()
        folder = os.path.expanduser(typed)
        if typed and os.path.isdir(folder):
            yield Hit(0.9, highlighted(None, "folder ", typed).append(f"  ({escape_control(current)} there)", style="dim"),
                      partial(app.main_screen.compare_with, CompareTarget(current, resources_path=folder)), text=typed)
        if app.kubernetes_mode and NAMESPACE_NAME.fullmatch(typed):
            yield Hit(0.5, highlighted(None, "namespace ", typed).append(f"  ({escape_control(current)} there)", style="dim"),
                      partial(app.main_screen.compare_with, CompareTarget(current, namespace=typed)), text=typed)


def _nothing() -> None:
    """What choosing an information line does."""


class CompareTable(DataTable):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class CompareScreen(Screen[tuple[str, str] | None]):
    """Dismissed with (store, secret name) to jump to, or None."""

    BINDINGS = [
        Binding("escape", "dismiss_screen", "Back"),
        Binding("slash", "focus_filter", "Filter"),
        Binding("a", "toggle_same", "Same rows"),
        Binding("o", "jump_other", "Other side"),
    ]

    def __init__(self, runtime: Runtime, store: str, target: CompareTarget) -> None:
        super().__init__()
        self.runtime = runtime
        self.store = store
        self.target = target
        self.result: Comparison | None = None
        self.error = ""
        self.show_same = False
        self.shown: list[Row] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-body"):
            yield Static(Text(f"Comparing {escape_control(self.store)} with {escape_control(self.target.label())}…", style="dim"),
                         id="compare-summary")
            yield Input(placeholder="filter by secret, key or status", id="compare-filter")
            table = CompareTable(id="compare-rows", cursor_type="row")
            table.add_column("status", key="status")
            table.add_column("secret", key="secret")
            table.add_column("key", key="key")
            table.add_column("changed (left / right)", key="changed")
            table.add_column("note", key="note")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#compare-body").border_title = "Compare (values are never shown)"
        self.run_worker(self._compare, thread=True, exit_on_error=False, description=f"compare {self.store}")

    def _compare(self) -> None:
        other: Runtime | None = None
        try:
            other = self.target.runtime(self.runtime)
            result = compare(self.runtime, self.store, other, self.target.store, left_label=self.store,
                             right_label=self.target.label(), across_environments=self.target.other_environment)
            error = ""
        except (CompareError, StoreError) as failure:
            result, error = None, failure.message
        except Exception as failure:  # noqa: BLE001 - show it instead of crashing (never the locals)
            result, error = None, f"unexpected {type(failure).__name__}"
        finally:
            if other is not None and other is not self.runtime:
                other.close()
        self.app.call_from_thread(self._show, result, error)

    def _show(self, result: Comparison | None, error: str) -> None:
        self.result, self.error = result, error
        outcome = "error" if result is None else ("same" if result.identical else "different")
        app = cast("DaprSecretsApp", self.app)
        app.audit_value("compare", self.store, None, outcome=outcome, other=self.target.label())
        self._show_rows()
        self.query_one(CompareTable).focus()

    def _summary(self) -> Text:
        if self.result is None:
            return Text(f"Cannot compare: {escape_control(self.error)}", style="bold red")
        result = self.result
        text = Text.assemble(("left ", "dim"), escape_control(result.left), ("  right ", "dim"), escape_control(result.right), "\n")
        for status, count in result.counts().items():
            if count:
                text.append(f"{count:,} {status}  ", style=STATUS_STYLE[status])
        if result.shared:
            text.append(f"\n⚠ {len(result.shared):,} value(s) are the same in both environments "
                        "(a credential shared between environments)", style="bold yellow")
        if not self.show_same:
            text.append("\nsame rows hidden: a shows them", style="dim")
        return text

    def _show_rows(self) -> None:
        self.query_one("#compare-summary", Static).update(self._summary())
        self._fill_rows()

    @work(exclusive=True, group="compare-rows")
    async def _fill_rows(self) -> None:
        """The rows that pass the filter, in steps: 100,000 compared names and 2,000 table rows at once
        stalled the screen for ~200 ms. A new filter or toggle cancels the fill under way."""
        table = self.query_one(CompareTable)
        table.clear()
        self.shown = []
        if self.result is None:
            return
        query = self.query_one("#compare-filter", Input).value.strip().lower()
        now = cast("DaprSecretsApp", self.app).clock()

        def ago(changed: LastChanged | None) -> str:
            return f"{age(changed.when, now)} ago" if changed is not None else "-"

        for index, row in enumerate(self.result.rows):
            if index % FILL_STEP == 0:
                await asyncio.sleep(0)  # let the screen draw and keys arrive between steps
            if row.status == SAME and not (self.show_same or row.shared):
                continue
            if query and query not in row.name.lower() and query not in (row.key or "").lower() and query not in row.status:
                continue
            if len(self.shown) >= MAX_SHOWN:
                break
            self.shown.append(row)
            note = "same value in both environments" if row.shared else row.reason
            table.add_row(Text(row.status, style=STATUS_STYLE[row.status]), safe_text(row.name),
                          safe_text(row.key or "—"), Text(f"{ago(row.left_changed)} / {ago(row.right_changed)}", style="dim"),
                          safe_text(note), key=str(len(self.shown) - 1))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(CompareTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#compare-filter", Input).focus()

    def action_toggle_same(self) -> None:
        self.show_same = not self.show_same
        self._show_rows()

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """enter: jump to the secret, on the side that has it (left unless only the right has it)."""
        event.stop()
        row = self.shown[int(event.row_key.value or 0)]
        self._jump(row, right=row.status in (ONLY_RIGHT, UNREADABLE_LEFT))

    def action_jump_other(self) -> None:
        """o: jump to the right side's secret (a store of this setup; another environment is not
        loaded in this window)."""
        table = self.query_one(CompareTable)
        if self.shown and table.row_count:
            self._jump(self.shown[table.cursor_row], right=True)

    def _jump(self, row: Row, right: bool) -> None:
        if not right:
            if row.status == ONLY_RIGHT:
                self.app.notify(f"{escape_control(row.name)} is not in {escape_control(self.store)}.", severity="warning", markup=False)
                return
            self.dismiss((self.store, row.name))
        elif row.status == ONLY_LEFT:
            missing = f"{escape_control(row.name)} is not in {escape_control(self.target.label())}."
            self.app.notify(missing, severity="warning", markup=False)
        elif self.target.other_environment:
            self.app.notify(f"{escape_control(self.target.label())} is another environment: open it with "
                            "--resources-path / --namespace to see its secrets.", severity="warning", markup=False)
        else:
            self.dismiss((self.target.store, row.name))
