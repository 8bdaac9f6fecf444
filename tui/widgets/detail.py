"""The detail pane: the highlighted secret's keys with masked values, and what the store says
about it without the value: notes (Dapr's surprises), the identity we read it as, attributes and
the versions the store keeps.

Values live here only while their secret is highlighted. They are fetched in a thread worker by
(store, name[, version]), never passed as worker arguments, and shown only for keys the user revealed.
Any version the store lists can be picked (highlight or enter in the versions list, or `v`); x and c
then act on that version.

What is shown is one immutable ShownSecret (widgets/shown_secret.py), replaced whole; what is
revealed is a RevealState (tui/reveal.py); x, c, = and v are the pane's SecretActions
(widgets/value_actions.py); the texts come from widgets/detail_text.py.

The keys table is laid out per secret: the key column as wide as the longest key, at most
KEY_SHARE of the pane (longer keys end in "…"), so the value column is always there. Every revealed
value is also shown in full below the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from dapr_secrets.backends.base import SecretDetails
from dapr_secrets.backends.versions import VersionChange, version_changes
from dapr_secrets.tui.reveal import RevealState
from dapr_secrets.tui.safe_text import safe_text
from dapr_secrets.tui.widgets import detail_text
from dapr_secrets.tui.widgets.shown_secret import (
    ReadResult,
    SecretRef,
    ShownSecret,
    ValueTarget,
    read_secret,
    read_version,
)
from dapr_secrets.tui.widgets.value_actions import SecretActions, ValueServices

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dapr_secrets.backends.runtime import Runtime

FETCH_DELAY = 0.12  # seconds of cursor rest before a secret (or a version) is read (debounce)
VALUE_WIDTH = 24  # cells of the value column (less in a narrow pane); revealed values are shown in full below
MIN_VALUE_WIDTH = 12  # the mask and a little more: the value column never gets narrower
KEY_SHARE = 0.4  # of the pane's width, at most, for the key column
CELL_PADDING = 2  # cells a DataTable column adds around its content
ASSUMED_ROOM = 60  # the pane's width before it has been laid out


class ValueTable(DataTable[Text]):
    """Keys and (masked) values. Not selectable: a revealed value must not leave through a mouse
    selection and ctrl+c, only through the clipboard service."""

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class VersionTable(DataTable[Text]):
    """The versions the store keeps, newest first. Highlighting a row reads that version; x and c act
    on it (and say why when it cannot be read)."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    VersionTable {
        height: auto;
        max-height: 9;
        margin: 1 0 0 0;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("x", "reveal_version", "Reveal"),
        Binding("c", "copy_version", "Copy"),
    ]

    class Wanted(Message):
        """The user wants to reveal or copy the picked version ("reveal" or "copy")."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """x and c here are the app's x and c: offered when the app offers them (not x with --no-reveal)."""
        app_action = {"reveal_version": "reveal", "copy_version": "copy"}.get(action)
        return self.screen.check_action(app_action, parameters) if app_action else True

    class Opened(Message):
        """The user moved into the versions list: time to say what each version changed."""

    def on_focus(self) -> None:
        self.post_message(self.Opened())

    def action_reveal_version(self) -> None:
        self.post_message(self.Wanted("reveal"))

    def action_copy_version(self) -> None:
        self.post_message(self.Wanted("copy"))


class RevealedValue(Static):
    """Revealed values in full. Focusable (tab) while shown, so a long or multi-line value can be
    scrolled with the keys (the pane scrolls; the mouse wheel works anywhere in it)."""

    ALLOW_SELECT = False
    can_focus = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll('down')", "Scroll", show=False),
        Binding("up,k", "scroll('up')", "Scroll", show=False),
        Binding("pagedown", "scroll('page_down')", "Page", show=False),
        Binding("pageup", "scroll('page_up')", "Page", show=False),
        Binding("home,g", "scroll('top')", "Top", show=False),
        Binding("end,G", "scroll('bottom')", "End", show=False),
    ]

    def action_scroll(self, where: str) -> None:
        pane = self.parent
        if not isinstance(pane, DetailPane):
            return
        if where == "top":  # of the revealed values, not of the pane
            pane.scroll_to(y=self.virtual_region.y, animate=False)
        elif where == "bottom":
            pane.scroll_to(y=max(0, self.virtual_region.bottom - pane.scrollable_content_region.height), animate=False)
        else:
            getattr(pane, f"scroll_{where}")(animate=False)


class DetailPane(VerticalScroll):
    ALLOW_SELECT = False
    can_focus = False

    def __init__(self, runtime: Runtime, scope_text: Callable[[str, str], Text | None], services: ValueServices,
                 clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        self.clock = clock  # "now", for "changed 3h ago" (tests and snapshots fix it)
        self.scope_text = scope_text  # "may app X read it through the API", or None without --app-id
        self.shown: ShownSecret | None = None  # replaced whole, never changed in place
        self.reveal: RevealState[str] = RevealState(self, services.reveal_timeout, self._refresh_values)
        self.actions = SecretActions(self, services)  # x, c, = and v
        self._reads = 0  # the latest read asked for: older results are dropped
        self._fetch_timer: Timer | None = None
        self._pick_timer: Timer | None = None
        self._focus_key: str | None = None  # the key the app pointed at (the tree's), if any
        self._widths: tuple[int, int] = (0, 0)  # of the key and value columns, as laid out

    # ----- the shown secret, read-only (tests and the app look)

    @property
    def target(self) -> SecretRef | None:
        return self.shown.ref if self.shown is not None else None

    @property
    def values(self) -> Mapping[str, str] | None:
        return self.shown.values if self.shown is not None else None

    @property
    def version(self) -> str | None:
        return self.shown.version if self.shown is not None else None

    @property
    def read_done(self) -> bool:
        return self.shown is not None and self.shown.read_done

    @property
    def error(self) -> str:
        return self.shown.error if self.shown is not None else ""

    @property
    def details(self) -> SecretDetails | None:
        return self.shown.details if self.shown is not None else None

    @property
    def changes(self) -> tuple[VersionChange, ...] | None:
        return self.shown.changes if self.shown is not None else None

    @property
    def version_key(self) -> str:
        return self.shown.version_key if self.shown is not None else ShownSecret.version_key

    @property
    def revealed(self) -> frozenset[str]:
        return self.reveal.shown

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield ValueTable(id="values", cursor_type="row", show_cursor=True)  # columns: _render_rows
        yield RevealedValue(id="revealed")
        # Next to the values: a picked version's values show right above the list.
        versions = VersionTable(id="versions", cursor_type="row", show_cursor=True)
        versions.add_column("version", key="version")
        versions.add_column("state", key="state")
        versions.add_column("created", key="created")
        yield versions
        yield Static(id="detail-info")

    def on_mount(self) -> None:
        self.border_title = "Secret"
        self.query_one("#revealed").display = False
        self.query_one("#versions").display = False
        self.show_message("Highlight a secret to see its keys.")

    # ----- what is shown

    def show_message(self, text: str | Text) -> None:
        """No secret: a hint or a summary (e.g. of a group) instead."""
        self._show(None)
        self.query_one("#detail-title", Static).update(text if isinstance(text, Text) else Text(text, style="dim"))
        self.query_one("#values", ValueTable).display = False
        self.query_one("#detail-info", Static).update("")
        self.query_one("#versions", VersionTable).display = False

    def show_secret(self, store: str, name: str, focus_key: str | None = None) -> None:
        """Show secret `name`; read it after the cursor rests for FETCH_DELAY."""
        self._focus_key = focus_key
        if self.target == SecretRef(store, name):
            self._focus_row()
            return
        self._show(ShownSecret(store, name))
        self._render_title()
        table = self.query_one("#values", ValueTable)
        table.clear()
        table.display = True
        versions = self.query_one("#versions", VersionTable)
        versions.clear()
        versions.display = False
        self.query_one("#detail-info", Static).update(Text("reading…", style="dim"))
        self._fetch_timer = self.set_timer(FETCH_DELAY, self._fetch)

    def _show(self, shown: ShownSecret | None) -> None:
        """Another secret, or another version of it: nothing revealed or waiting survives."""
        self.mask()
        self.actions.shown_changed()
        self._reads += 1
        self.shown = shown
        for timer in (self._fetch_timer, self._pick_timer):
            if timer is not None:
                timer.stop()
        self._fetch_timer = self._pick_timer = None

    def reload(self) -> None:
        """Read the current secret again (after a refresh)."""
        shown = self.shown
        if shown is not None:
            self.shown = None
            self.show_secret(shown.store, shown.name, self._focus_key)

    def acting_target(self) -> ValueTarget | None:
        """What x and c act on from inside this pane: the keys table's row when it has the focus,
        else the key the app pointed at (or the whole secret)."""
        shown = self.shown
        if shown is None:
            return None
        table = self.query_one("#values", ValueTable)
        if table.has_focus and shown.values and table.row_count:
            return ValueTarget(shown.store, shown.name, str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))
        return ValueTarget(shown.store, shown.name, self._focus_key)

    def focus_first_key(self) -> None:
        table = self.query_one("#values", ValueTable)
        table.focus()
        table.move_cursor(row=0, animate=False)

    # ----- versions

    def pick_version(self, version: str | None) -> None:
        """Show version `version` of the secret (None: the current one); values are read in a worker,
        unless the store says that version cannot be read."""
        shown = self.shown
        if shown is None or shown.details is None or version == shown.version:
            return
        picked = shown.with_version(version)
        self._show(picked)
        self._render_title()
        self._render_rows()
        self._render_info()
        if not picked.unreadable:
            self._fetch_version()

    def sync_version_cursor(self) -> None:
        shown = self.shown
        if shown is None:
            return
        table = self.query_one("#versions", VersionTable)
        row = shown.version if shown.version is not None else shown.current_version()
        if row is None:
            return
        try:
            table.move_cursor(row=table.get_row_index(row), animate=False)
        except RowDoesNotExist:
            pass

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not isinstance(event.control, VersionTable):
            return  # the values table: the app follows it
        event.stop()
        if not event.control.has_focus or event.row_key.value is None or self.shown is None:
            return
        version = self.shown.row_version(str(event.row_key.value))
        if self._pick_timer is not None:
            self._pick_timer.stop()
        self._pick_timer = self.set_timer(FETCH_DELAY, lambda: self.pick_version(version))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.control, VersionTable) and event.row_key.value is not None and self.shown is not None:
            event.stop()
            self.pick_version(self.shown.row_version(str(event.row_key.value)))

    def on_version_table_wanted(self, event: VersionTable.Wanted) -> None:
        """x or c in the versions list: act on the version under the cursor, read or not."""
        event.stop()
        table = self.query_one("#versions", VersionTable)
        if table.row_count and self.shown is not None:
            row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.pick_version(self.shown.row_version(str(row_key)))
        self.actions.on_version(event.action)

    def on_version_table_opened(self, event: VersionTable.Opened) -> None:
        """Old versions' values are read only now that the user opened the versions: compared key
        by key in a thread (backends/versions.py), only key names come back."""
        event.stop()
        shown = self.shown
        if shown is None or shown.changes is not None or len(shown.versions) < 2:
            return
        self.shown = replace(shown, changes=())  # asked once per secret shown
        target, versions = shown.ref, shown.versions

        def read() -> None:
            store = self.runtime.store(target.store)
            try:
                changes = version_changes(store, target.name, versions) if store is not None else []
            except Exception:  # noqa: BLE001 - the changes are extra: the versions list still works
                changes = []
            self.app.call_from_thread(self._changes_loaded, target, changes)

        self.run_worker(read, thread=True, group="changes", exclusive=True, exit_on_error=False,
                        description=f"compare the versions of {target.store}/{target.name}")

    def _changes_loaded(self, target: SecretRef, changes: list[VersionChange]) -> None:
        if self.shown is not None and self.shown.ref == target:
            self.shown = replace(self.shown, changes=tuple(changes))
            self._render_info()

    # ----- reading, in a thread

    def _fetch(self) -> None:
        """Read the secret's current values, what the store says about it, and who we read it as."""
        shown, reads = self.shown, self._reads
        if shown is None:
            return

        def read() -> None:
            result = read_secret(self.runtime.store(shown.store), shown.store, shown.name)
            self.app.call_from_thread(self._loaded, reads, result)

        self.run_worker(read, thread=True, group="value", exclusive=True, exit_on_error=False,
                        description=f"read {shown.store}/{shown.name}")

    def _fetch_version(self) -> None:
        shown, reads = self.shown, self._reads
        if shown is None:
            return
        version = shown.version

        def read() -> None:
            result = read_version(self.runtime.store(shown.store), shown.store, shown.name, version)
            self.app.call_from_thread(self._loaded, reads, result)

        self.run_worker(read, thread=True, group="value", exclusive=True, exit_on_error=False,
                        description=f"read {shown.store}/{shown.name}" + (f" version {version}" if version else ""))

    def _loaded(self, reads: int, result: ReadResult) -> None:
        if reads != self._reads or self.shown is None:
            return  # the cursor moved on
        self.shown = self.shown.with_read(result)
        if result.details is not None:
            self._render_versions()
        self._render_rows()
        self._render_info()
        self._focus_row()
        self.actions.read_arrived()

    # ----- rendering

    def _render_title(self) -> None:
        if self.shown is not None:
            self.query_one("#detail-title", Static).update(detail_text.title(self.shown))

    def _render_rows(self) -> None:
        table = self.query_one("#values", ValueTable)
        cursor = table.cursor_row
        keys = self.shown.keys() if self.shown is not None else []
        key_width, value_width = self._widths = self._column_widths(keys)
        table.clear(columns=True)  # the column widths are this secret's, not the widest seen so far
        table.add_column("key", key="key", width=key_width)
        table.add_column("value", key="value", width=value_width)  # never as wide as a value: no length hint
        for key in keys:
            table.add_row(detail_text.cut(safe_text(key), key_width), self._value_cell(key), key=key)
        if 0 < cursor < len(keys):
            table.move_cursor(row=cursor, animate=False)
        self._render_revealed()

    def _column_widths(self, keys: list[str]) -> tuple[int, int]:
        """(key, value) widths: keys as wide as the longest, capped at KEY_SHARE of the pane; values
        VALUE_WIDTH, or what is left when the pane is narrow."""
        room = self.scrollable_content_region.width or ASSUMED_ROOM
        longest = max((safe_text(key).cell_len for key in keys), default=0)
        key_width = max(3, min(longest, int(room * KEY_SHARE) - CELL_PADDING))
        value_width = max(MIN_VALUE_WIDTH, min(VALUE_WIDTH, room - key_width - 2 * CELL_PADDING))
        return key_width, value_width

    def on_resize(self) -> None:
        if self.shown is not None and self.shown.values and self._column_widths(self.shown.keys()) != self._widths:
            self._render_rows()

    def _value_cell(self, key: str) -> Text:
        values = self.shown.values if self.shown is not None else None
        return detail_text.value_cell(values[key] if values else "", key in self.reveal, self._widths[1])

    def _render_revealed(self) -> None:
        view = self.query_one("#revealed", RevealedValue)
        text = detail_text.revealed_values(self.shown, self.reveal.shown) if self.shown is not None else None
        view.update(text or "")
        view.display = text is not None

    def _render_versions(self) -> None:
        """The versions list, when there is more than one version to pick from."""
        table = self.query_one("#versions", VersionTable)
        table.clear()
        versions = self.shown.versions if self.shown is not None else ()
        for version in versions:
            table.add_row(*detail_text.version_cells(version), key=version.id)
        table.display = len(versions) > 1
        self.sync_version_cursor()

    def _render_info(self) -> None:
        shown = self.shown
        if shown is not None:
            info = detail_text.information(shown, self.scope_text(shown.store, shown.name), self.runtime.options.sidecar_url,
                                           self.clock())
            self.query_one("#detail-info", Static).update(info)

    def _focus_row(self) -> None:
        key = self._focus_key
        table = self.query_one("#values", ValueTable)
        if key is not None and self.shown is not None and self.shown.values and key in self.shown.values:
            table.move_cursor(row=table.get_row_index(key), animate=False)

    # ----- reveal / mask (x and the timer: self.reveal, self.actions)

    def reveal_keys(self, key: str | None) -> set[str]:
        """The keys shown while the cursor is on one key, or on the whole secret (None)."""
        return {key} if key is not None else set(self.values or {})

    def narrow_reveal(self, keys: set[str]) -> None:
        """The cursor moved: keep revealed only what it still points at."""
        self.reveal.keep_only(keys)

    def mask(self) -> None:
        """Hide every value (cursor left, timeout, refresh, screen change, another version)."""
        self.actions.masked()
        self.reveal.mask()

    def _refresh_values(self) -> None:
        table = self.query_one("#values", ValueTable)
        for key in self.shown.keys() if self.shown is not None else ():
            try:
                table.update_cell(key, "value", self._value_cell(key))
            except CellDoesNotExist:  # rows not drawn yet; _render_rows will use the new state
                pass
        self._render_revealed()
