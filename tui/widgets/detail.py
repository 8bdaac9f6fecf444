"""The detail pane: the highlighted secret's keys with masked values, and what the store says
about it without the value.

Values live here only while their secret is highlighted. They are fetched in a thread worker by
(store, name), never passed as worker arguments, and shown only for keys the user revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from backends.base import SecretDetails, StoreError
from tui.formats import api_url
from tui.safe_text import (
    ValueKind,
    masked_value,
    safe_text,
    value_display,
    value_kind,
    value_preview,
)

if TYPE_CHECKING:
    from backends.runtime import Runtime

FETCH_DELAY = 0.12  # seconds of cursor rest before a secret is read (debounce)
VALUE_WIDTH = 24  # cells of the value column; longer revealed values are shown in full below


@dataclass(frozen=True)
class SecretRef:
    store: str
    name: str


class ValueTable(DataTable):
    """Keys and (masked) values. Not selectable: a revealed value must not leave through a mouse
    selection and ctrl+c, only through the clipboard service."""

    ALLOW_SELECT = False
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class RevealedValue(Static):
    ALLOW_SELECT = False


class DetailPane(VerticalScroll):
    ALLOW_SELECT = False
    can_focus = False

    def __init__(
        self, runtime: Runtime, scope_text: Callable[[str, str], Text | None], reveal_timeout: float, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        self.scope_text = scope_text  # "may app X read it through the API", or None without --app-id
        self.reveal_timeout = reveal_timeout
        self.target: SecretRef | None = None
        self.values: dict[str, str] | None = None  # the target's values, once read
        self.read_done = False  # the read of the target finished (with values, None or an error)
        self.details: SecretDetails | None = None
        self.error: str = ""
        self.revealed: set[str] = set()
        self._generation = 0
        self._fetch_timer: Timer | None = None
        self._reveal_timer: Timer | None = None
        self._focus_key: str | None = None
        self._pending_reveal: tuple[str | None] | None = None  # `x` pressed while the secret was read
        self.version: str | None = None  # a version picked with `v`; None reads the current one

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        table = ValueTable(id="values", cursor_type="row", show_cursor=True)
        table.add_column("key", key="key")
        table.add_column("value", key="value", width=VALUE_WIDTH)  # fixed: the width never hints at a length
        yield table
        yield RevealedValue(id="revealed")
        yield Static(id="detail-info")

    def on_mount(self) -> None:
        self.border_title = "Secret"
        self.query_one("#revealed").display = False
        self.show_message("Highlight a secret to see its keys.")

    # ----- what is shown

    def show_message(self, text: str | Text) -> None:
        """No secret: a hint or a summary (e.g. of a group) instead."""
        self._set_target(None)
        self.query_one("#detail-title", Static).update(text if isinstance(text, Text) else Text(text, style="dim"))
        self.query_one("#values", ValueTable).display = False
        self.query_one("#detail-info", Static).update("")

    def show_secret(self, store: str, name: str, focus_key: str | None = None) -> None:
        """Show secret `name`; read it after the cursor rests for FETCH_DELAY."""
        target = SecretRef(store, name)
        self._focus_key = focus_key
        if target == self.target:
            self._focus_row()
            return
        self._set_target(target)
        title = Text.assemble(safe_text(name, "bold"), ("  in ", "dim"), safe_text(store))
        self.query_one("#detail-title", Static).update(title)
        table = self.query_one("#values", ValueTable)
        table.clear()
        table.display = True
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
        self.error = ""
        if self._fetch_timer is not None:
            self._fetch_timer.stop()
            self._fetch_timer = None

    def reload(self) -> None:
        """Read the current secret again (after a refresh)."""
        target = self.target
        if target is not None:
            self.target = None
            self.show_secret(target.store, target.name, self._focus_key)

    # ----- reading, in a thread

    def next_version(self) -> str | None:
        """`v`: read the next older version the store listed, then back to the current one."""
        listed = self.details.versions if self.details else ()
        versions = [version.id for version in listed if version.state != "current"]
        if self.target is None or not versions:
            return None
        position = versions.index(self.version) + 1 if self.version in versions else 0
        version = versions[position] if position < len(versions) else None
        target, details = self.target, self.details
        self.target = None
        self.show_secret(target.store, target.name, self._focus_key)
        self.version, self.details = version, details
        return version

    def _fetch(self) -> None:
        target, generation, version = self.target, self._generation, self.version
        if target is None:
            return
        metadata = {"version_id": version} if version is not None else {}

        def read() -> None:
            values: dict[str, str] | None = None
            details = SecretDetails()
            error = ""
            store = self.runtime.store(target.store)
            if store is None:
                error = f"store {target.store!r} is not open"
            else:
                try:
                    values = store.get_secret(target.name, metadata)
                    details = store.describe(target.name)
                except StoreError as failure:
                    error = failure.message + (f"\nhint: {failure.hint}" if failure.hint else "")
                except Exception as failure:  # noqa: BLE001 - a backend bug must not crash the app
                    error = f"unexpected {type(failure).__name__} while reading the secret"
            self.app.call_from_thread(self._loaded, generation, values, details, error)

        self.run_worker(
            read, thread=True, group="value", exclusive=True, exit_on_error=False,
            description=f"read {target.store}/{target.name}" + (f" version {version}" if version else ""),
        )

    def _loaded(self, generation: int, values: dict[str, str] | None, details: SecretDetails, error: str) -> None:
        if generation != self._generation:
            return  # the cursor moved on
        self.read_done = True
        self.values = values if not error else None
        self.details = details
        self.error = error
        self._render_rows()
        self._render_info()
        self._focus_row()
        if self._pending_reveal is not None:
            (key,), self._pending_reveal = self._pending_reveal, None
            self.toggle_reveal(key)

    # ----- rendering

    def _render_rows(self) -> None:
        table = self.query_one("#values", ValueTable)
        table.clear()
        for key in self._keys():
            table.add_row(safe_text(key), self._value_cell(key), key=key)
        self._render_revealed()

    def _keys(self) -> list[str]:
        return sorted(self.values or {}, key=str.casefold)

    def _value_cell(self, key: str) -> Text:
        value = self.values[key] if self.values else ""
        if key in self.revealed:
            return value_preview(value, VALUE_WIDTH)
        kind = value_kind(value)  # what to expect once revealed; never the length
        return masked_value() if kind == ValueKind.TEXT else Text.assemble(masked_value(), (f"  {kind.value}", "dim"))

    def _render_revealed(self) -> None:
        """Revealed values that do not fit one line (multi-line, JSON, binary), in full."""
        view = self.query_one("#revealed", RevealedValue)
        parts = []
        for key in self._keys():
            if key in self.revealed and self.values is not None:
                value = self.values[key]
                if value_kind(value) != ValueKind.TEXT or cell_len(value) > VALUE_WIDTH:
                    parts.append(Text.assemble(safe_text(key, "bold"), ("\n", ""), value_display(value)))
        view.update(Text("\n").join(parts) if parts else "")
        view.display = bool(parts)

    def _render_info(self) -> None:
        target = self.target
        if target is None:
            return
        lines: list[Text] = []
        if self.error:
            lines.append(Text.assemble(("could not read it: ", "bold red"), safe_text(self.error)))
        elif self.values is None:
            lines.append(Text("Dapr answers 204 No Content: the store returned no data", style="yellow"))
        elif not self.values:
            lines.append(Text("no keys", style="dim"))
        scope = self.scope_text(target.store, target.name)
        if scope is not None:
            lines.append(scope)
        details = self.details or SecretDetails()
        if details.attributes:
            attributes = Text("  ·  ", style="dim").join(
                Text.assemble((f"{name} ", "dim"), safe_text(str(value))) for name, value in details.attributes.items()
            )
            lines.append(attributes)
        if details.versions:
            shown = ", ".join(
                version.id + (f" ({version.state})" if version.state else "") for version in details.versions[:8]
            )
            more = f" and {len(details.versions) - 8} more" if len(details.versions) > 8 else ""
            lines.append(Text.assemble(("versions: ", "dim"), safe_text(shown + more)))
        for note in details.notes:
            lines.append(Text.assemble(("note: ", "yellow"), safe_text(note)))
        if self.version is not None:
            lines.append(Text.assemble(("showing version ", "yellow"), safe_text(self.version), ("  (v: next)", "dim")))
        elif len(details.versions) > 1:
            lines.append(Text("v: read an older version", style="dim"))
        lines.append(Text.assemble(("GET ", "dim"), safe_text(api_url(target.store, target.name, self.version))))
        self.query_one("#detail-info", Static).update(Text("\n").join(lines))

    def _focus_row(self) -> None:
        key = self._focus_key
        table = self.query_one("#values", ValueTable)
        if key is not None and self.values and key in self.values:
            table.move_cursor(row=table.get_row_index(key), animate=False)

    # ----- reveal / mask

    def reveal_keys(self, key: str | None) -> set[str]:
        """The keys `x` acts on: one key, or every key of the secret."""
        return {key} if key is not None else set(self.values or {})

    def toggle_reveal(self, key: str | None) -> None:
        """Reveal one key (or all, for None), or hide it if shown. If the secret is still being
        read, the reveal happens when it arrives."""
        if self.target is not None and not self.read_done:
            self._pending_reveal = (key,)
            return
        keys = self.reveal_keys(key)
        if not keys:
            return
        if keys <= self.revealed:
            self.revealed -= keys
        else:
            self.revealed |= keys
        self._restart_reveal_timer()
        self._refresh_values()

    def narrow_reveal(self, keys: set[str]) -> None:
        """The cursor moved: keep revealed only what it still points at."""
        if self.revealed - keys:
            self.revealed &= keys
            self._refresh_values()

    def mask(self) -> None:
        """Hide every value (cursor left, timeout, refresh, screen change)."""
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
