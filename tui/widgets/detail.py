"""The detail pane: the highlighted secret's keys with masked values, and what the store says
about it without the value: notes (Dapr's surprises), the identity we read it as, attributes and
the versions the store keeps.

Values live here only while their secret is highlighted. They are fetched in a thread worker by
(store, name[, version]), never passed as worker arguments, and shown only for keys the user revealed.
Any version the store lists can be picked (highlight or enter in the versions list, or `v`); x and c
then act on that version.

The keys table is laid out per secret: the key column as wide as the longest key, at most
KEY_SHARE of the pane (longer keys end in "…"), so the value column is always there. Every revealed
value is also shown in full below the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from dapr_secrets.backends.base import (
    SecretDetails,
    SecretStore,
    SecretVersion,
    StoreError,
    StoreTimeout,
    StoreUnreachable,
)
from dapr_secrets.backends.versions import VersionChange, version_changes
from dapr_secrets.tui.ages import last_changed_text
from dapr_secrets.tui.formats import api_url
from dapr_secrets.tui.name_index import natural_key
from dapr_secrets.tui.safe_text import (
    ValueKind,
    escape_control,
    masked_value,
    safe_text,
    value_display,
    value_kind,
    value_preview,
)

if TYPE_CHECKING:
    from dapr_secrets.backends.runtime import Runtime

FETCH_DELAY = 0.12  # seconds of cursor rest before a secret (or a version) is read (debounce)
VALUE_WIDTH = 24  # cells of the value column (less in a narrow pane); revealed values are shown in full below
MIN_VALUE_WIDTH = 12  # the mask and a little more: the value column never gets narrower
KEY_SHARE = 0.4  # of the pane's width, at most, for the key column
CELL_PADDING = 2  # cells a DataTable column adds around its content
ASSUMED_ROOM = 60  # the pane's width before it has been laid out
VERSION_ID_WIDTH = 12  # cells of the version column; longer ids (Key Vault's 32 hex digits) are cut
SUMMARY_VERSIONS = 8  # versions named in the one-line summary

# Why Dapr's GET with version_id fails for a version in this state (SecretVersion.state words).
UNREADABLE = {
    "destroyed": "it is destroyed: its value is gone for good",
    "deleted": "it is deleted: the store answers \"not found\" for it until it is undeleted there",
    "disabled": "it is disabled: the store refuses to read it until it is enabled there",
}

_RFC3339 = re.compile(r"(?P<date>\d{4}-\d\d-\d\d)[T ](?P<minute>\d\d:\d\d):\d\d(?:\.\d+)?(?P<zone>Z|[+-]\d\d:\d\d)?")


@dataclass(frozen=True)
class SecretRef:
    store: str
    name: str


def short_time(text: str) -> str:
    """An RFC 3339 time to the minute, to fit a narrow column ("2026-01-02T03:04:05.123456789Z" ->
    "2026-01-02 03:04Z"); anything else as it is."""
    match = _RFC3339.fullmatch(text)
    return f"{match['date']} {match['minute']}{match['zone'] or ''}" if match else text


def multiline_text(text: str, style: str = "") -> Text:
    """Untrusted text whose lines are kept (an error and its hint), each escaped."""
    return Text("\n", end="").join(safe_text(line, style) for line in text.split("\n"))


def version_states(version: SecretVersion) -> set[str]:
    """The words of a version's state ("current, expired" -> {"current", "expired"})."""
    return {word.strip() for word in version.state.split(",") if word.strip()}


def is_current(version: SecretVersion) -> bool:
    return "current" in version_states(version)


def unreadable_reason(version: SecretVersion) -> str:
    """Why this version cannot be read, or "" when it can."""
    states = version_states(version)
    return next((reason for state, reason in UNREADABLE.items() if state in states), "")


def _cut(text: Text, width: int) -> Text:
    """`text` in at most `width` cells, ending in "…" when cut."""
    if text.cell_len > width:
        text.truncate(width - 1)
        text.append("…", style="dim")
    return text


def _full_value(value: str) -> Text:
    return value_display(value) if value else Text("(empty)", style="dim italic")


class ValueTable(DataTable):
    """Keys and (masked) values. Not selectable: a revealed value must not leave through a mouse
    selection and ctrl+c, only through the clipboard service."""

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class VersionTable(DataTable):
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
        return self.app.check_action(app_action, parameters) if app_action else True

    class Opened(Message):
        """The user moved into the versions list: time to say what each version changed."""

    def on_focus(self) -> None:
        self.post_message(self.Opened())

    def action_reveal_version(self) -> None:
        self.post_message(self.Wanted("reveal"))

    def action_copy_version(self) -> None:
        self.post_message(self.Wanted("copy"))


class RevealedValue(Static):
    ALLOW_SELECT = False


@dataclass(frozen=True)
class _Read:
    """What one worker read: the values (or why not) and, for a new secret, what the store says."""

    values: dict[str, str] | None = None
    error: str = ""
    details: SecretDetails | None = None  # None: not asked (a version read)
    details_error: str = ""
    identity: str = ""


def _read_values(store: SecretStore, name: str, metadata: Mapping[str, str]) -> tuple[dict[str, str] | None, str, bool]:
    """The secret's values (or why not), and whether the store answered at all."""
    try:
        return store.get_secret(name, metadata), "", True
    except (StoreUnreachable, StoreTimeout) as failure:
        return None, _error_text(failure), False
    except StoreError as failure:
        return None, _error_text(failure), True
    except Exception as failure:  # noqa: BLE001 - a backend bug must not crash the app
        return None, f"unexpected {type(failure).__name__} while reading the secret", True


def _describe(store: SecretStore, name: str) -> tuple[SecretDetails, str]:
    try:
        return store.describe(name), ""
    except StoreError as failure:
        return SecretDetails(), _error_text(failure)
    except Exception as failure:  # noqa: BLE001
        return SecretDetails(), f"unexpected {type(failure).__name__} while describing the secret"


def _identity(store: SecretStore) -> str:
    try:
        return store.identity()
    except Exception as failure:  # noqa: BLE001 - who we are is a nicety: never fail the read for it
        return f"(unknown: {type(failure).__name__})"


def _error_text(failure: StoreError) -> str:
    return failure.message + (f"\nhint: {failure.hint}" if failure.hint else "")


class DetailPane(VerticalScroll):
    ALLOW_SELECT = False
    can_focus = False

    class Revealed(Message):
        """A value was revealed (for the audit trail: names only, never the value)."""

        def __init__(self, target: SecretRef, key: str, version: str | None) -> None:
            super().__init__()
            self.target, self.key, self.version = target, key, version

    def __init__(
        self, runtime: Runtime, scope_text: Callable[[str, str], Text | None], reveal_timeout: float, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        self.scope_text = scope_text  # "may app X read it through the API", or None without --app-id
        self.reveal_timeout = reveal_timeout
        self.target: SecretRef | None = None
        self.values: dict[str, str] | None = None  # the target's values (of `version`), once read
        self.read_done = False  # the read of the target finished (with values, None or an error)
        self.details: SecretDetails | None = None
        self.details_error = ""  # describe() failed: the values may still be there
        self.identity = ""  # who the store read it as (token, credential)
        self.error: str = ""
        self.unreadable = ""  # the picked version cannot be read: why
        self.revealed: set[str] = set()
        self.version: str | None = None  # the picked version; None reads the current one
        self.version_key = SecretStore.version_key  # the store's (Tencent: VersionID), set by the read
        self.changes: list[VersionChange] | None = None  # what each version changed (keys only), once asked
        self._generation = 0
        self._fetch_timer: Timer | None = None
        self._pick_timer: Timer | None = None
        self._reveal_timer: Timer | None = None
        self._focus_key: str | None = None
        self._pending_reveal: tuple[str | None] | None = None  # `x` pressed while the secret was read
        self._pending_copy = False  # `c` pressed while the secret (or the picked version) was read
        self._widths: tuple[int, int] = (0, 0)  # of the key and value columns, as laid out

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
        self._set_target(None)
        self.query_one("#detail-title", Static).update(text if isinstance(text, Text) else Text(text, style="dim"))
        self.query_one("#values", ValueTable).display = False
        self.query_one("#detail-info", Static).update("")
        self.query_one("#versions", VersionTable).display = False

    def show_secret(self, store: str, name: str, focus_key: str | None = None) -> None:
        """Show secret `name`; read it after the cursor rests for FETCH_DELAY."""
        target = SecretRef(store, name)
        self._focus_key = focus_key
        if target == self.target:
            self._focus_row()
            return
        self._set_target(target)
        self._render_title()
        table = self.query_one("#values", ValueTable)
        table.clear()
        table.display = True
        versions = self.query_one("#versions", VersionTable)
        versions.clear()
        versions.display = False
        self.query_one("#detail-info", Static).update(Text("reading…", style="dim"))
        self._fetch_timer = self.set_timer(FETCH_DELAY, self._fetch)

    def _set_target(self, target: SecretRef | None) -> None:
        self.mask()
        self._generation += 1
        self.target = target
        self.read_done = False
        self.version = None
        self.values = None
        self.details = None
        self.details_error = ""
        self.identity = ""
        self.error = ""
        self.unreadable = ""
        self.changes = None
        self._pending_copy = False
        self._stop_timers()

    def _stop_timers(self) -> None:
        for timer in (self._fetch_timer, self._pick_timer):
            if timer is not None:
                timer.stop()
        self._fetch_timer = self._pick_timer = None

    def reload(self) -> None:
        """Read the current secret again (after a refresh)."""
        target = self.target
        if target is not None:
            self.target = None
            self.show_secret(target.store, target.name, self._focus_key)

    # ----- versions

    def next_version(self) -> str | None:
        """`v`: read the next older readable version the store listed, then back to the current one."""
        listed = self.details.versions if self.details else ()  # newest first
        if self.target is None or not listed:
            return None
        ids = [v.id for v in listed]
        start = ids.index(self.version) + 1 if self.version in ids else 0
        version = next((v.id for v in listed[start:] if not is_current(v) and not unreadable_reason(v)), None)
        self.pick_version(version)
        self._sync_version_cursor()
        return version

    def pick_version(self, version: str | None) -> None:
        """Show version `version` of the secret (None: the current one); values are read in a worker,
        unless the store says that version cannot be read."""
        if self.target is None or self.details is None or version == self.version:
            return
        self.mask()
        self._generation += 1
        self._stop_timers()
        self.version = version
        self.values = None
        self.error = ""
        self.unreadable = self._unreadable(version)
        self.read_done = bool(self.unreadable)
        self._pending_copy = False
        self._render_title()
        self._render_rows()
        self._render_info()
        if not self.unreadable:
            self._fetch_version()

    def _unreadable(self, version: str | None) -> str:
        listed = self._listed(version)
        reason = unreadable_reason(listed) if listed is not None else ""
        return f"{reason}, so Dapr's GET with version_id={version} fails" if reason else ""

    def _listed(self, version: str | None) -> SecretVersion | None:
        return next((v for v in (self.details.versions if self.details else ()) if v.id == version), None)

    def _row_version(self, row_key: str) -> str | None:
        """The version a row of the list stands for: None for the current one (Dapr's default read)."""
        listed = self._listed(row_key)
        return None if listed is not None and is_current(listed) else row_key

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not isinstance(event.control, VersionTable):
            return  # the values table: the app follows it
        event.stop()
        if not event.control.has_focus or event.row_key.value is None:
            return
        version = self._row_version(str(event.row_key.value))
        if self._pick_timer is not None:
            self._pick_timer.stop()
        self._pick_timer = self.set_timer(FETCH_DELAY, lambda: self.pick_version(version))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.control, VersionTable) and event.row_key.value is not None:
            event.stop()
            self.pick_version(self._row_version(str(event.row_key.value)))

    async def on_version_table_wanted(self, event: VersionTable.Wanted) -> None:
        """x or c in the versions list: act on the version under the cursor, read or not."""
        event.stop()
        table = self.query_one("#versions", VersionTable)
        if table.row_count:
            row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.pick_version(self._row_version(str(row_key)))
        if self.unreadable:
            self.app.notify(f"Version {escape_control(self.version or '')} cannot be read: "
                            f"{escape_control(self.unreadable)}.", severity="warning", markup=False)
        else:
            await self.app.run_action(event.action)  # the app copies the picked version, once read

    def on_version_table_opened(self, event: VersionTable.Opened) -> None:
        """Old versions' values are read only now that the user opened the versions: compared key
        by key in a thread (backends/versions.py), only key names come back."""
        event.stop()
        target, versions = self.target, self.details.versions if self.details else ()
        if target is None or self.changes is not None or len(versions) < 2:
            return
        self.changes = []  # asked once per secret shown

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
        if target == self.target:
            self.changes = changes
            self._render_info()

    def copy_when_read(self) -> None:
        """`c` before the shown secret (or picked version) arrived: the app copies it on arrival."""
        self._pending_copy = True

    def version_label(self) -> str:
        return f"version {escape_control(self.version)}" if self.version is not None else "the current version"

    def _sync_version_cursor(self) -> None:
        table = self.query_one("#versions", VersionTable)
        current = next((v.id for v in (self.details.versions if self.details else ()) if is_current(v)), None)
        row = self.version if self.version is not None else current
        if row is None:
            return
        try:
            table.move_cursor(row=table.get_row_index(row), animate=False)
        except RowDoesNotExist:
            pass

    # ----- reading, in a thread

    def _fetch(self) -> None:
        """Read the secret's current values, what the store says about it, and who we read it as."""
        target, generation = self.target, self._generation
        if target is None:
            return

        def read() -> None:
            store = self.runtime.store(target.store)
            if store is None:
                result = _Read(error=f"store {target.store!r} is not open", details=SecretDetails())
            else:
                self.version_key = store.version_key
                values, error, answered = _read_values(store, target.name, {})
                # Even when the read failed (the store's notes say why), unless the store is not there.
                details, details_error = _describe(store, target.name) if answered else (SecretDetails(), "")
                result = _Read(values, error, details, details_error, _identity(store))
            self.app.call_from_thread(self._loaded, generation, result)

        self.run_worker(
            read, thread=True, group="value", exclusive=True, exit_on_error=False,
            description=f"read {target.store}/{target.name}",
        )

    def _fetch_version(self) -> None:
        target, generation, version = self.target, self._generation, self.version
        if target is None:
            return

        def read() -> None:
            store = self.runtime.store(target.store)
            if store is None:
                result = _Read(error=f"store {target.store!r} is not open")
            else:
                metadata = {store.version_key: version} if version is not None else {}
                values, error, _ = _read_values(store, target.name, metadata)
                result = _Read(values, error)
            self.app.call_from_thread(self._loaded, generation, result)

        self.run_worker(
            read, thread=True, group="value", exclusive=True, exit_on_error=False,
            description=f"read {target.store}/{target.name}" + (f" version {version}" if version else ""),
        )

    async def _loaded(self, generation: int, result: _Read) -> None:
        if generation != self._generation:
            return  # the cursor moved on
        self.read_done = True
        self.values = result.values if not result.error else None
        self.error = result.error
        if result.details is not None:
            self.details, self.details_error, self.identity = result.details, result.details_error, result.identity
            self._render_versions()
        self._render_rows()
        self._render_info()
        self._focus_row()
        if self._pending_reveal is not None:
            (key,), self._pending_reveal = self._pending_reveal, None
            self.toggle_reveal(key)
        if self._pending_copy:
            self._pending_copy = False
            await self.app.run_action("copy")

    # ----- rendering

    def _render_title(self) -> None:
        target = self.target
        if target is None:
            return
        title = Text.assemble(safe_text(target.name, "bold"), ("  in ", "dim"), safe_text(target.store))
        if self.version is not None:
            title.append_text(Text.assemble(("  version ", "yellow"), safe_text(self.version, "bold yellow")))
        self.query_one("#detail-title", Static).update(title)

    def _render_rows(self) -> None:
        table = self.query_one("#values", ValueTable)
        cursor = table.cursor_row
        keys = self._keys()
        key_width, value_width = self._widths = self._column_widths(keys)
        table.clear(columns=True)  # the column widths are this secret's, not the widest seen so far
        table.add_column("key", key="key", width=key_width)
        table.add_column("value", key="value", width=value_width)  # never as wide as a value: no length hint
        for key in keys:
            table.add_row(_cut(safe_text(key), key_width), self._value_cell(key), key=key)
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
        if self.values and self._column_widths(self._keys()) != self._widths:
            self._render_rows()

    def _keys(self) -> list[str]:
        return sorted(self.values or {}, key=natural_key)

    def _value_cell(self, key: str) -> Text:
        value = self.values[key] if self.values else ""
        if key in self.revealed:
            return value_preview(value, self._widths[1])
        kind = value_kind(value)  # what to expect once revealed; never the length
        return masked_value() if kind == ValueKind.TEXT else Text.assemble(masked_value(), (f"  {kind.value}", "dim"))

    def _render_revealed(self) -> None:
        """Every revealed value in full (the table cell may be cut): JSON pretty, lines kept."""
        view = self.query_one("#revealed", RevealedValue)
        parts = [
            Text.assemble(safe_text(key, "bold"), ("\n", ""), _full_value(self.values[key]))
            for key in self._keys()
            if key in self.revealed and self.values is not None
        ]
        view.update(Text("\n").join(parts) if parts else "")
        view.display = bool(parts)

    def _render_versions(self) -> None:
        """The versions list, when there is more than one version to pick from."""
        table = self.query_one("#versions", VersionTable)
        table.clear()
        versions = self.details.versions if self.details else ()
        for version in versions:
            table.add_row(*self._version_cells(version), key=version.id)
        table.display = len(versions) > 1
        self._sync_version_cursor()

    def _version_cells(self, version: SecretVersion) -> tuple[Text, Text, Text]:
        label = _cut(safe_text(version.id), VERSION_ID_WIDTH)  # in full in the title and the API URL once picked
        style = "red" if unreadable_reason(version) else "green" if is_current(version) else ""
        return label, safe_text(version.state or "-", style), safe_text(short_time(version.created), "dim")

    def _render_info(self) -> None:
        target = self.target
        if target is None:
            return
        details = self.details or SecretDetails()
        # Dapr's surprises first: they explain what follows (a failed read, most often).
        lines = [Text.assemble(("⚠ note: ", "bold yellow"), safe_text(note, "yellow")) for note in details.notes]
        if self.unreadable:
            lines.append(Text.assemble((f"version {escape_control(self.version or '')} cannot be read: ", "bold red"),
                                       safe_text(self.unreadable)))
        elif self.error:
            lines.append(Text.assemble(("could not read it: ", "bold red"), multiline_text(self.error)))
        elif not self.read_done:
            lines.append(Text("reading…", style="dim"))
        elif self.values is None:
            lines.append(Text("Dapr answers 204 No Content: the store returned no data", style="yellow"))
        elif not self.values:
            lines.append(Text("no keys", style="dim"))
        if self.identity:
            lines.append(Text.assemble(("as ", "dim"), safe_text(self.identity)))
        scope = self.scope_text(target.store, target.name)
        if scope is not None:
            lines.append(scope)
        if self.details_error:
            lines.append(Text.assemble(("no details from the store: ", "dim"), multiline_text(self.details_error)))
        if details.attributes:
            lines.append(Text("  ·  ", style="dim").join(
                Text.assemble((f"{name} ", "dim"), safe_text(str(value))) for name, value in details.attributes.items()
            ))
        if details.last_changed is not None:
            lines.append(last_changed_text(details.last_changed, self.app.clock()))
        if self.version is not None:
            lines.append(Text.assemble(("showing version ", "yellow"), safe_text(self.version), ("  (v: next)", "dim")))
        lines.append(Text.assemble(("GET ", "dim"), safe_text(api_url(target.store, target.name, self.version, self.runtime.options.sidecar_url,
                                                                  self.version_key))))
        if self.version is not None:
            lines.append(Text("A secretKeyRef in a component always reads the current version "
                              "(it has no version field).", style="dim"))
        if details.versions:
            lines.append(self._versions_summary(details.versions))
        if self.changes:
            lines.append(Text("what each version changed (keys only):", style="dim"))
            lines += [Text.assemble(("  ", ""), safe_text(change.version), ("  " + short_time(change.created) + "  ", "dim"),
                                    safe_text(change.summary())) for change in self.changes[:SUMMARY_VERSIONS]]
        self.query_one("#detail-info", Static).update(Text("\n").join(lines))

    def _versions_summary(self, versions: tuple[SecretVersion, ...]) -> Text:
        shown = ", ".join(v.id + (f" ({v.state})" if v.state else "") for v in versions[:SUMMARY_VERSIONS])
        more = f" and {len(versions) - SUMMARY_VERSIONS} more" if len(versions) > SUMMARY_VERSIONS else ""
        summary = Text.assemble(("versions: ", "dim"), safe_text(shown + more))
        if len(versions) > 1:
            summary.append("\nin the list above: highlight a version to read it, then x or c  ·  v: next older",
                           style="dim")
        return summary

    def _focus_row(self) -> None:
        key = self._focus_key
        table = self.query_one("#values", ValueTable)
        if key is not None and self.values and key in self.values:
            table.move_cursor(row=table.get_row_index(key), animate=False)

    # ----- reveal / mask

    def reveal_keys(self, key: str | None) -> set[str]:
        """The keys shown while the cursor is on one key, or on the whole secret (None)."""
        return {key} if key is not None else set(self.values or {})

    def toggle_reveal(self, key: str | None) -> None:
        """Reveal one key, or hide it if shown. For the whole secret (None): its only key; with
        several, never all of them at once (DESIGN.md: reveal is per value). If the
        secret is still being read, this happens when it arrives."""
        if self.target is not None and not self.read_done:
            self._pending_reveal = (key,)
            return
        if key is None:
            key = self._key_for_whole_secret()
        if key is None:
            return
        if key in self.revealed:
            self.revealed.discard(key)
        else:
            self.revealed.add(key)
            if self.target is not None:
                self.post_message(self.Revealed(self.target, key, self.version))
        self._restart_reveal_timer()
        self._refresh_values()

    def _key_for_whole_secret(self) -> str | None:
        """`x` on a secret: its only key. With several keys, hide what is shown, or else move the
        cursor to the first key of the keys table (focused) and reveal that one."""
        keys = self._keys()
        if len(keys) <= 1:
            return keys[0] if keys else None
        if self.revealed:
            self.mask()
            return None
        table = self.query_one("#values", ValueTable)
        table.focus()
        table.move_cursor(row=0, animate=False)
        assert self.target is not None
        self.app.notify(
            f"{escape_control(self.target.name)} has {len(keys)} keys: showing {escape_control(keys[0])}. "
            "Move in the Secret pane to pick another key; x reveals it.",
            markup=False,
        )
        return keys[0]

    def narrow_reveal(self, keys: set[str]) -> None:
        """The cursor moved: keep revealed only what it still points at."""
        if self.revealed - keys:
            self.revealed &= keys
            self._refresh_values()

    def mask(self) -> None:
        """Hide every value (cursor left, timeout, refresh, screen change, another version)."""
        self._pending_reveal = None
        if self._reveal_timer is not None:
            self._reveal_timer.stop()
            self._reveal_timer = None
        if self.revealed:
            self.revealed = set()
            self._refresh_values()

    def _restart_reveal_timer(self) -> None:
        if self._reveal_timer is not None:
            self._reveal_timer.stop()
            self._reveal_timer = None
        if self.revealed and self.reveal_timeout > 0:
            self._reveal_timer = self.set_timer(self.reveal_timeout, self.mask, name="reveal-timeout")

    def _refresh_values(self) -> None:
        table = self.query_one("#values", ValueTable)
        for key in self._keys():
            try:
                table.update_cell(key, "value", self._value_cell(key))
            except CellDoesNotExist:  # rows not drawn yet; _render_rows will use the new state
                pass
        self._render_revealed()
