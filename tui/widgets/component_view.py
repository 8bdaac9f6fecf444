"""What a component that is not a secret store needs: its status, its metadata fields, and for each
secretKeyRef whether daprd would resolve it. `enter` on a reference jumps to that secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from components.model import Component, MetadataItem, Reference
from components.references import looks_like_secret_field
from tui.messages import JumpToSecret
from tui.safe_text import masked_value, safe_text
from tui.widgets.references import status_cell
from tui.widgets.status import status_line

if TYPE_CHECKING:
    from backends.runtime import ComponentStatus, ReferenceStatus, Runtime



class MetadataTable(DataTable):
    ALLOW_SELECT = False
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class ComponentView(Vertical):
    """One component's metadata and references."""

    def __init__(self, runtime: Runtime, component: Component, **kwargs) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        self.component = component
        self._references: dict[str, Reference] = {}  # row key -> reference
        self._composed = False  # statuses that arrive before on_mount are read again there

    def compose(self) -> ComposeResult:
        yield Static(id="component-status")
        table = MetadataTable(id="metadata", cursor_type="row")
        table.add_column("field", key="field")
        table.add_column("value", key="value")
        table.add_column("status", key="status")
        table.add_column("why", key="message")
        yield table

    def on_mount(self) -> None:
        self._composed = True
        component = self.component
        self.border_title = safe_text(f"{component.name}  {component.type}")  # Text: never markup
        table = self.query_one(MetadataTable)
        references = {(ref.field, ref.secret): ref for ref in self.runtime.references() if ref.component == component.name}
        for index, item in enumerate(component.metadata):
            row = str(index)
            ref = references.get((item.name, item.secret_key_ref.name)) if item.secret_key_ref else None
            if ref is not None:
                self._references[row] = ref
            table.add_row(
                safe_text(item.name), self._value_cell(item, ref), status_cell(None) if ref else Text(""), Text(""),
                key=row,
            )
        self.update_status(self.runtime.status(component.name))
        if self._references:
            self._check()

    def _value_cell(self, item: MetadataItem, ref: Reference | None) -> Text:
        if item.secret_key_ref is not None:
            store = ref.store if ref is not None else (self.component.auth_secret_store or "?")
            return Text.assemble(
                ("secretKeyRef ", "dim"), safe_text(f"{store or '(no auth.secretStore)'}/{item.secret_key_ref.name}"),
                ("[", "dim"), safe_text(item.secret_key_ref.effective_key), ("]", "dim"),
            )
        if item.env_ref is not None and item.value is None:
            return Text.assemble(("envRef ", "dim"), safe_text(item.env_ref))
        if item.value is None:
            return Text("(no value)", style="dim")
        if looks_like_secret_field(item.name):  # a plain value that names itself a secret: mask it
            return Text.assemble(masked_value(), ("  plain value in the file", "yellow"))
        return safe_text(item.value)

    def update_status(self, status: ComponentStatus) -> None:
        if not self._composed:
            return
        where = f"{self.component.source}"
        self.query_one("#component-status", Static).update(
            Text.assemble(status_line(status), ("\n", ""), (where, "dim"))
        )

    def _check(self) -> None:
        references = dict(self._references)

        def check() -> None:
            for row, ref in references.items():
                self.app.call_from_thread(self._checked, row, self.runtime.check_reference(ref))

        self.run_worker(check, thread=True, group="references", exclusive=True, exit_on_error=False,
                        description=f"check references of {self.component.name}")

    def _checked(self, row: str, status: ReferenceStatus) -> None:
        table = self.query_one(MetadataTable)
        try:
            table.update_cell(row, "status", status_cell(status), update_width=True)
            table.update_cell(row, "message", safe_text("" if status.ok else status.message, "dim"), update_width=True)
        except CellDoesNotExist:
            pass

    def recheck(self) -> None:
        if self._references:
            self._check()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        ref = self._references.get(str(event.row_key.value))
        if ref is not None and ref.store:
            self.post_message(JumpToSecret(ref.store, ref.secret, ref.key))
