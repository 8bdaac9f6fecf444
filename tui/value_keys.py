"""The main screen's value keys: x (reveal), c (copy), = (verify), v (next version), y (the copy
menu) and the copy variants of the palette. The screen only says what the cursor points at; the pane that shows the
value acts on it (tui/widgets/value_actions.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.formats import api_url, secret_key_ref_yaml
from dapr_secrets.tui.screens.copy_menu import FOR_SECRET, VALUE, CopyChoice, CopyMenu
from dapr_secrets.tui.widgets.component_view import ComponentView
from dapr_secrets.tui.widgets.detail import DetailPane, ValueTable
from dapr_secrets.tui.widgets.secret_tree import NodeKind
from dapr_secrets.tui.widgets.shown_secret import ValueTarget

if TYPE_CHECKING:
    from dapr_secrets.tui.app import DaprSecretsApp
    from dapr_secrets.tui.screens.main import MainScreen


class ValueKeys:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    @property
    def app(self) -> DaprSecretsApp:
        return self.screen.dapr_app

    @property
    def detail(self) -> DetailPane:
        return self.screen.query_one(DetailPane)

    # ----- what the cursor points at

    def value_target(self) -> ValueTarget | None:
        detail = self.detail
        focused = self.screen.focused
        if isinstance(focused, ValueTable) and detail.target is not None and detail.values:
            if focused.row_count:
                row = str(focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value)
                return ValueTarget(detail.target.store, detail.target.name, row)
        tree = self.screen.current_tree()
        node = tree.cursor_node if tree is not None else None
        if tree is None or node is None or node.data is None or node.data.kind not in (NodeKind.SECRET, NodeKind.KEY):
            return None
        key = node.data.secret_key if node.data.kind == NodeKind.KEY else None
        return ValueTarget(tree.store, node.data.path, key)

    def _need_target(self) -> ValueTarget | None:
        target = self.value_target()
        if target is None:
            self.app.notify("Highlight a secret (or one of its keys) first.", severity="warning", markup=False)
        return target

    # ----- the keys

    def reveal_off(self) -> None:
        self.app.notify("Reveal is off (--no-reveal). c still copies.", severity="warning", markup=False)

    def values_elsewhere(self) -> None:
        """x, c or y where nothing shown holds a value: say where the values are."""
        view = self.screen.current_view()
        if isinstance(view, ComponentView) and any(item.secret_key_ref for item in view.component.metadata):
            text = (f"{escape_control(view.component.name)} has no value written in its file: its secretKeyRefs read them "
                    "from a store. enter on one jumps to that secret, where x, c and y work.")
        elif isinstance(view, ComponentView):
            text = f"{escape_control(view.component.name)} holds no secret value to reveal or copy."
        else:
            text = "Pick a secret store (or a component) on the left first."
        self.app.notify(text, severity="warning", markup=False)

    def reveal(self) -> None:
        if self.app.settings.no_reveal:
            self.reveal_off()
            return
        view = self.screen.current_view()
        if isinstance(view, ComponentView):
            view.actions.reveal()
        elif (target := self._need_target()) is not None:
            self.detail.actions.reveal(target)

    def next_version(self) -> None:
        """Read the next older version of the highlighted secret (where the store keeps versions)."""
        if self._need_target() is not None:  # on a folder: ask for a secret, not "this secret has no versions"
            self.detail.actions.next_version()

    def verify(self) -> None:
        """"matches" or "does not match", never a value."""
        if (target := self._need_target()) is not None:
            self.detail.actions.verify(target)

    def copy(self) -> None:
        view = self.screen.current_view()
        if isinstance(view, ComponentView):
            view.actions.copy()
        elif (target := self._need_target()) is not None:
            self.detail.actions.copy(target)

    def copy_name(self) -> None:
        target = self._need_target()
        if target is not None:
            self.app.clipboard_service.copy_and_tell(target.name, f"the name {escape_control(target.name)}", secret=False)

    def copy_reference(self) -> None:
        target = self._need_target()
        if target is not None:
            snippet = secret_key_ref_yaml(target.store, target.name, target.key)
            self.app.clipboard_service.copy_and_tell(snippet, f"a secretKeyRef to {target.label()}", secret=False)

    def copy_url(self) -> None:
        target = self._need_target()
        if target is not None:
            detail = self.detail
            version = detail.version if detail.target is not None and detail.target.name == target.name else None
            url = api_url(target.store, target.name, version, self.app.runtime.options.sidecar_url, detail.version_key)
            self.app.clipboard_service.copy_and_tell(url, f"the Dapr API URL of {target.label()}", secret=False)

    def copy_menu(self) -> None:
        """y: value, name, secretKeyRef snippet or API URL (a component's plain value: the value only)."""
        view = self.screen.current_view()
        choices: tuple[CopyChoice, ...] = FOR_SECRET
        if isinstance(view, ComponentView):
            _, item = view.highlighted_plain_row()
            if item is None:
                self.app.notify("Highlight a masked plain value first.", severity="warning", markup=False)
                return
            what, choices = escape_control(f"{view.component.name}/{item.name}"), (VALUE,)
        elif (target := self._need_target()) is not None:
            what = target.label()
        else:
            return
        self.app.push_screen(CopyMenu(what, choices), self._copy_picked)

    def _copy_picked(self, action: str | None) -> None:
        """The menu's pick runs the main screen's action of that name (tui/actions.py)."""
        if action is not None:
            getattr(self.screen, f"action_{action}")()
