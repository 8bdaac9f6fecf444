"""What a component that is not a secret store needs: its status, its metadata fields, and for each
secretKeyRef whether daprd would resolve it. `enter` on a reference jumps to that secret.

A plain value written in the file under a credential-like name (looks_like_secret_field) is masked
like a secret: x reveals it (re-masked when the cursor leaves and after the reveal timeout) and c
copies it (widgets/value_actions.py: PlainValueActions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from dapr_secrets.components.model import Component, MetadataItem, Reference
from dapr_secrets.components.references import looks_like_secret_field
from dapr_secrets.tui.messages import JumpToSecret
from dapr_secrets.tui.reveal import RevealState
from dapr_secrets.tui.safe_text import masked_value, safe_text, value_preview
from dapr_secrets.tui.widgets.detail_text import cut
from dapr_secrets.tui.widgets.references import status_cell
from dapr_secrets.tui.widgets.status import status_line
from dapr_secrets.tui.widgets.value_actions import PlainValueActions, ValueServices

if TYPE_CHECKING:
    from dapr_secrets.backends.runtime import ComponentStatus, ReferenceStatus, Runtime

PLAIN_VALUE_NOTE = "plain value in the component file: doctor suggests secretKeyRef"
COLUMNS = ("field", "value", "status", "message")
FIELD_SHARE = 0.3  # of the table's width, at most, for the field names
MIN_WHY = 24  # cells the "why" column keeps when a row has one: it wraps, the status stays in sight
NARROW = 40  # cells left for value and why below which the why goes under the value
ASSUMED_WIDTH = 76  # the table's width before it has been laid out
CELL_PADDING = 2  # cells a DataTable column adds around its content
PLAIN_VALUE_CELL = "plain value in the file"  # the row's short form; the note is above the table
REVEALED_WIDTH = 40  # cells of a revealed plain value in the table


class MetadataTable(DataTable[Text]):
    ALLOW_SELECT = False
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class ComponentView(Vertical):
    """One component's metadata and references."""

    BINDINGS = [Binding("e", "edit", "Edit file")]  # the file at the highlighted field's line

    def __init__(self, runtime: Runtime, component: Component, services: ValueServices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        self.component = component
        self._references: dict[str, Reference] = {}  # row key -> reference
        self._plain: dict[str, MetadataItem] = {  # row key -> a credential written in the file: masked
            str(index): item for index, item in enumerate(component.metadata) if _is_plain_credential(item)
        }
        self.reveal: RevealState[str] = RevealState(self, services.reveal_timeout, self._show_plain_values)  # row keys
        self.actions = PlainValueActions(self, services)  # x and c
        self._composed = False  # statuses that arrive before on_mount are read again there
        self._cells: dict[str, list[Text]] = {}  # row key -> field, value, status, why (uncut)
        self._widths: tuple[int, ...] = ()  # of the columns, as laid out

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="component-status-box", can_focus=False):  # a long why and hint scroll, the table stays
            yield Static(id="component-status")
        yield MetadataTable(id="metadata", cursor_type="row")  # columns: _layout

    def on_mount(self) -> None:
        self._composed = True
        component = self.component
        self.border_title = safe_text(f"{component.name}  {component.type}")  # Text: never markup
        references = {(ref.field, ref.secret): ref for ref in self.runtime.references()
                      if ref.component == component.name and ref.kind == component.kind}
        for index, item in enumerate(component.metadata):
            row = str(index)
            ref = references.get((item.name, item.secret_key_ref.name)) if item.secret_key_ref else None
            if ref is not None:
                self._references[row] = ref
            note = Text(PLAIN_VALUE_CELL, style="yellow") if row in self._plain else Text("")
            self._cells[row] = [safe_text(item.name), self._value_cell(item, ref), status_cell(None) if ref else Text(""), note]
        self._layout()
        self.update_status(self.runtime.status(component.name))
        if self._references:
            self._check()

    def _value_cell(self, item: MetadataItem, ref: Reference | None) -> Text:
        if item.secret_key_ref is not None:
            store = ref.store if ref is not None else (self.component.auth_secret_store or "?")
            # Without `key`, daprd reads the key named like the secret (§2.6): "[=name]" says so.
            key = safe_text(item.secret_key_ref.key) if item.secret_key_ref.key else Text("=name", style="italic")
            return Text.assemble(
                ("secretKeyRef ", "dim"), safe_text(f"{store or '(no auth.secretStore)'}/{item.secret_key_ref.name}"),
                ("[", "dim"), key, ("]", "dim"),
            )
        if item.env_ref is not None and item.value is None:
            return Text.assemble(("envRef ", "dim"), safe_text(item.env_ref))
        if item.value is None:
            return Text("(no value)", style="dim")
        if _is_plain_credential(item):  # a plain value that names itself a secret: masked until revealed
            return masked_value()
        return safe_text(item.value)

    def update_status(self, status: ComponentStatus) -> None:
        if not self._composed:
            return
        where = f"{self.component.source}"
        text = Text.assemble(status_line(status), ("\n", ""), (where, "dim"))
        if self._plain:
            fields = ", ".join(item.name for item in self._plain.values())
            text.append("\n⚠ ", style="yellow")
            text.append_text(safe_text(fields, "bold"))
            text.append(f": {PLAIN_VALUE_NOTE}", style="yellow")
            text.append("  (x reveals, c copies)", style="dim")
        self.query_one("#component-status", Static).update(text)

    def _check(self) -> None:
        references = dict(self._references)

        def check() -> None:
            for row, ref in references.items():
                self.app.call_from_thread(self._checked, row, self.runtime.check_reference(ref))

        self.run_worker(check, thread=True, group="references", exclusive=True, exit_on_error=False,
                        description=f"check references of {self.component.name}")

    def _checked(self, row: str, status: ReferenceStatus) -> None:
        if row in self._cells:
            self._cells[row][2:] = [status_cell(status), safe_text("" if status.ok else status.message, "dim")]
            self._layout(force=True)

    # ----- the table: the field cut with "…", the status always in sight, the value and the why wrapped

    def _column_widths(self) -> tuple[int, ...]:
        """(field, value, status, why) widths; why is 0 when it goes under the value (narrow)."""
        room = self.query_one(MetadataTable).scrollable_content_region.width or ASSUMED_WIDTH
        room -= CELL_PADDING * len(COLUMNS)

        def longest(column: int) -> int:
            return max((cells[column].cell_len for cells in self._cells.values()), default=0)

        field = max(5, min(longest(0), int(room * FIELD_SHARE)))
        values = max(longest(1), REVEALED_WIDTH if self._plain else 0)  # room for a plain value once revealed
        status = max(6, longest(2))
        rest = max(8, room - field - status)
        if not longest(3) or rest < NARROW:
            return field, max(8, min(values, rest) if longest(3) == 0 else rest), status, 0
        value = max(8, min(values, rest - MIN_WHY))
        return field, value, status, rest - value

    def _layout(self, force: bool = False) -> None:
        """(Re)build the table for its width: every row as tall as its wrapped value and why."""
        widths = self._column_widths()
        if widths == self._widths and not force:
            return
        self._widths = widths
        table = self.query_one(MetadataTable)
        cursor = table.cursor_row
        with table.prevent(DataTable.RowHighlighted):  # the same rows again: nothing revealed is re-masked
            self._fill(table, widths, cursor)

    def _fill(self, table: MetadataTable, widths: tuple[int, ...], cursor: int) -> None:
        table.clear(columns=True)
        field, value, status, why_width = widths
        for column, label, width in zip(COLUMNS, ("field", "value", "status", "why"), widths, strict=True):
            if width:  # narrow: no why column, the why is under the value
                table.add_column(label, key=column, width=width)
        for row, (name, shown, state, why) in self._cells.items():  # the value and the why wrap, in a taller row
            if row in self._plain:
                shown = cut(shown.copy(), value)
            elif why and not why_width:  # narrow: the why under the value, the status still in sight
                shown = Text("\n", end="").join([shown, why])
                why = Text("")
            tall = why.cell_len > why_width or shown.cell_len > value or "\n" in shown.plain
            cells = [cut(name.copy(), field), shown, cut(state.copy(), status)] + ([why] if why_width else [])
            table.add_row(*cells, key=row, height=None if tall else 1)
        if 0 < cursor < table.row_count:
            table.move_cursor(row=cursor, animate=False)

    def on_resize(self) -> None:
        if self._composed:
            self.call_after_refresh(self._layout)  # once the table has its new width

    def recheck(self) -> None:
        if self._references:
            self._check()

    # ----- plain credentials: x and c (self.actions)

    @property
    def has_plain_values(self) -> bool:
        return bool(self._plain)

    def highlighted_plain_row(self) -> tuple[str | None, MetadataItem | None]:
        """The row and plain credential under the cursor, if the cursor is on one."""
        row = self._cursor_row()
        item = self._plain.get(row or "")
        return (row, item) if item is not None else (None, None)

    def mask(self) -> None:
        self.reveal.mask()

    def _show_plain_values(self) -> None:
        """Each plain credential's cell: revealed or masked, as `reveal` says."""
        for row, item in self._plain.items():
            text = value_preview(item.value or "", REVEALED_WIDTH) if row in self.reveal else masked_value()
            self._cells[row][1] = text
            try:
                self.query_one(MetadataTable).update_cell(row, "value", cut(text.copy(), self._widths[1]))
            except (CellDoesNotExist, IndexError):
                pass

    def _cursor_row(self) -> str | None:
        table = self.query_one(MetadataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_edit(self) -> None:
        from dapr_secrets.components.model import Source
        from dapr_secrets.tui.editor import open_in_editor

        row = self._cursor_row()
        item = self.component.metadata[int(row)] if row is not None else None
        source = self.component.source
        open_in_editor(self.app, Source(source.file, item.line) if item is not None and item.line else source)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.reveal.keep_only({str(event.row_key.value)})  # the cursor left the revealed value

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        ref = self._references.get(str(event.row_key.value))
        if ref is not None and ref.store:
            self.post_message(JumpToSecret(ref.store, ref.secret, ref.key))


def _is_plain_credential(item: MetadataItem) -> bool:
    """A value written in the file (no secretKeyRef, no envRef in use) under a credential-like name:
    what the doctor flags as plain-secret-value."""
    return item.secret_key_ref is None and bool(item.value) and looks_like_secret_field(item.name)
