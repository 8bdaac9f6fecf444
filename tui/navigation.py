"""The main screen's moving-around keys, k9s / lazygit style: back and forward after a jump
(tui/history.py), `]` / `[` through the components that use a secret, the tree's h / l / g / G /
collapse-all, and `z` (zoom the focused pane). The screen only calls these; the keys are rows of
tui/actions.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual.widgets import DataTable, Input, OptionList, Tree
from textual.widgets.data_table import RowDoesNotExist

from dapr_secrets.tui.history import History, Place
from dapr_secrets.tui.safe_text import safe_text
from dapr_secrets.tui.used_by import UsedBy
from dapr_secrets.tui.widgets.component_view import ComponentView, MetadataTable
from dapr_secrets.tui.widgets.secret_tree import NodeKind, SecretTree
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView

if TYPE_CHECKING:
    from rich.text import Text

    from dapr_secrets.components.model import Reference
    from dapr_secrets.tui.screens.main import MainScreen

PANES = ("sidebar", "view", "detail", "refs")  # what `z` can zoom


@dataclass
class Walk:
    """`]` / `[` from a secret: its users in order, and which one is shown."""

    store: str
    secret: str
    key: str | None
    refs: list[Reference]
    index: int = 0

    @property
    def ref(self) -> Reference:
        return self.refs[self.index]


class Navigation:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.history = History()
        self.walk: Walk | None = None
        self.zoomed: str | None = None  # the pane `z` zoomed, one of PANES
        self._used_by: UsedBy | None = None
        self._walk_view: ComponentView | None = None  # the view whose subtitle says where the walk is

    def reset(self) -> None:
        """Another runtime, or the files were read again: places and users are rebuilt."""
        self.walk = None
        self._used_by = None

    # ----- used by N

    @property
    def used_by(self) -> UsedBy:
        if self._used_by is None:
            self._used_by = UsedBy(self.screen.runtime)
        return self._used_by

    def decorate(self, store: str, name: str) -> Text | None:
        """What follows a secret's name in the tree: the scopes' mark, then "used by N"."""
        mark = self.screen.scopes.mark(store, name)
        badge = self.used_by.badge(store, name)
        if mark is None or badge is None:
            return mark or badge
        return mark.append_text(badge)

    # ----- places: back and forward

    def current_place(self) -> Place | None:
        place = self._view_place()
        field = self.screen.query_one("#filter", Input)
        if field.display:  # a jump from the filter: back returns to it, its query as typed
            return replace(place or Place(""), query=field.value)
        return place

    def _view_place(self) -> Place | None:
        screen = self.screen
        view = screen.current_view()
        if screen.current is None or view is None:
            return None
        if isinstance(view, StoreView):
            tree = view.secret_tree
            node = tree.cursor_node if tree is not None else None
            data = node.data if node is not None else None
            if data is not None and data.kind in (NodeKind.SECRET, NodeKind.KEY):
                return Place(screen.current, data.path, data.secret_key if data.kind == NodeKind.KEY else None)
            return Place(screen.current)
        if isinstance(view, ComponentView):
            return Place(screen.current, row=_cursor_row(view.query_one(MetadataTable)))
        return Place(screen.current)

    def record_jump(self) -> None:
        """A jump is about to leave the current place: back will come here."""
        self.unzoom()
        self.history.record(self.current_place())

    async def back(self) -> bool:
        place = self.history.back(self.current_place())
        if place is None:
            self.screen.notify("Nothing to go back to: no jump yet.", severity="warning", markup=False, timeout=3)
            return False
        await self._go(place)
        return True

    async def forward(self) -> None:
        place = self.history.forward(self.current_place())
        if place is None:
            self.screen.notify("Nothing to go forward to.", severity="warning", markup=False, timeout=3)
            return
        await self._go(place)

    async def _go(self, place: Place) -> None:
        self.unzoom()
        screen = self.screen
        if place.query is not None:
            if screen.runtime.component(place.component) is not None or screen.runtime.scoped_out_component(place.component):
                screen.query_one(Sidebar).highlight_component(place.component)
                screen.show_component(place.component)  # under the filter; the focus stays in it
            screen.action_filter()
            screen.query_one("#filter", Input).value = place.query
            return
        component = screen.runtime.component(place.component)
        if place.secret is not None and component is not None and component.is_secret_store:
            await screen.jump_to_secret(place.component, place.secret, place.key, record=False)
        else:
            screen.jump_to_component(place.component, record=False)
            if place.row is not None:
                self.select_row_later(place.component, place.row)

    def select_row_later(self, component: str, row: str) -> None:
        """Once the view has its rows (a view the jump created gets them when it mounts)."""
        view = self.screen.views.get(component)
        if not isinstance(view, ComponentView):
            return

        def select() -> None:
            tables = view.query(MetadataTable)
            try:
                if tables:
                    tables.first().move_cursor(row=tables.first().get_row_index(row), animate=False)
            except RowDoesNotExist:
                pass

        view.call_after_refresh(select)

    # ----- ] and [: the users of a secret, or a component's secretKeyRefs

    async def walk_references(self, step: int) -> None:
        screen = self.screen
        view = screen.current_view()
        walk = self.walk
        if isinstance(view, ComponentView) and walk is not None and walk.ref.component == screen.current:
            walk.index = (walk.index + step) % len(walk.refs)  # the next user: back still returns to the secret
            self._land(walk)
        elif isinstance(view, ComponentView):
            self._next_reference_row(view, step)
        elif isinstance(view, StoreView):
            await self._walk_from_secret(step)
        else:
            screen.notify("Highlight a secret (or show a component) first.", severity="warning", markup=False)

    async def _walk_from_secret(self, step: int) -> None:
        screen = self.screen
        target = screen.values.value_target()
        if target is None:
            screen.notify("Highlight a secret (or one of its keys) first.", severity="warning", markup=False)
            return
        refs = self.used_by.references(target.store, target.name, target.key)
        if not refs:
            screen.notify(f"No component references {target.label()}.", markup=False, timeout=3)
            return
        walk = self.walk
        if walk is not None and (walk.store, walk.secret, walk.key) == (target.store, target.name, target.key) and walk.refs == refs:
            walk.index = (walk.index + step) % len(refs)  # back here, then on: the next user
        else:
            walk = self.walk = Walk(target.store, target.name, target.key, refs, 0 if step > 0 else len(refs) - 1)
        self.record_jump()
        self._land(walk)

    def _land(self, walk: Walk) -> None:
        """Show the component of the walk's current reference, with its row under the cursor."""
        ref = walk.ref
        self.screen.jump_to_component(ref.component, record=False)
        row = _reference_row(self.screen, ref)
        if row is not None:
            self.select_row_later(ref.component, row)
        view = self.screen.views.get(ref.component)
        if isinstance(view, ComponentView):  # where the walk is, on screen as long as the view shows it
            what = f"{walk.store}/{walk.secret}" + (f"[{walk.key}]" if walk.key else "")
            view.border_subtitle = safe_text(f"user {walk.index + 1} of {len(walk.refs)} of {what} · ] next · [ previous · esc back")
            self._walk_view = view

    def shown(self, component: str) -> None:
        """Another component is shown: the walk's note leaves the view it was on."""
        view = self._walk_view
        if view is not None and self.screen.views.get(component) is not view:
            view.border_subtitle = ""
            self._walk_view = None

    def _next_reference_row(self, view: ComponentView, step: int) -> None:
        """In a component reached otherwise: the cursor to its next (previous) secretKeyRef row."""
        rows = [str(index) for index, item in enumerate(view.component.metadata) if item.secret_key_ref is not None]
        if not rows:
            self.screen.notify("This component has no secretKeyRef.", markup=False, timeout=3)
            return
        table = view.query_one(MetadataTable)
        current = _cursor_row(table)
        order = rows if step > 0 else list(reversed(rows))
        position = int(current) if current is not None else -1
        later = [row for row in order if (int(row) > position if step > 0 else int(row) < position)]
        table.move_cursor(row=table.get_row_index((later or order)[0]), animate=False)
        table.focus()

    # ----- the tree's keys: h / l, g / G, collapse-all

    def focused_tree(self) -> SecretTree | None:
        focused = self.screen.focused
        return focused if isinstance(focused, SecretTree) else None

    def to_end(self, last: bool) -> None:
        """g / G in whatever list has the focus."""
        focused = self.screen.focused
        if isinstance(focused, SecretTree):
            focused.cursor_to_end(last)
        elif isinstance(focused, Tree):
            focused.action_scroll_end() if last else focused.action_scroll_home()
        elif isinstance(focused, OptionList):
            focused.action_last() if last else focused.action_first()
        elif isinstance(focused, DataTable):
            focused.action_scroll_bottom() if last else focused.action_scroll_top()

    def collapse_all(self) -> None:
        tree = self.focused_tree() or self.screen.current_tree()
        if tree is not None:
            tree.collapse_everything()

    # ----- z: zoom the focused pane

    def focused_pane(self) -> str | None:
        focused = self.screen.focused
        for node in (focused, *focused.ancestors) if focused is not None else ():
            if node.id in ("sidebar", "detail", "refs"):
                return node.id
            if node.id == "views":
                return "view"
        return None

    def toggle_zoom(self) -> None:
        if self.zoomed is not None:
            self.unzoom()
            return
        pane = self.focused_pane()
        if pane is None:
            self.screen.notify("Focus a pane first (tab), then z zooms it.", severity="warning", markup=False, timeout=3)
            return
        self.zoomed = pane
        self.screen.add_class(f"-zoom-{pane}")
        self.screen.zoom_changed()

    def unzoom(self) -> bool:
        """Back to the full layout; False if nothing was zoomed."""
        if self.zoomed is None:
            return False
        self.screen.remove_class(f"-zoom-{self.zoomed}")
        self.zoomed = None
        self.screen.zoom_changed()
        return True


def _cursor_row(table: DataTable[Any]) -> str | None:
    if not table.row_count:
        return None
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


def _reference_row(screen: MainScreen, ref: Reference) -> str | None:
    """The metadata row of `ref` in its component's view (row keys are the items' indexes)."""
    component = screen.runtime.component(ref.component) or screen.runtime.scoped_out_component(ref.component)
    if component is None:
        return None
    for index, item in enumerate(component.metadata):
        if item.name == ref.field and item.secret_key_ref is not None and item.secret_key_ref.name == ref.secret:
            return str(index)
    return None
