"""The main screen: the sidebar, the selected component's view, the filter, and the highlighted
secret's detail and references panes. It owns the layout and routes between the panes: what is
shown, what the cursor points at, jumps, the filter, refresh, and which actions can work now.

It shows the app's current runtime (`app.runtime`: switching namespace or context swaps it, then
calls `reset_views`). The keys come from the one table in tui/actions.py.

About 600 lines: every route between the panes is here on purpose, in one place; the value keys
(tui/value_keys.py), moving around (tui/navigation.py), scopes, search and the palette's facade live
in their own modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, OptionList, Static, Tree
from textual.worker import get_current_worker

from dapr_secrets.backends.runtime import ComponentStatus, Runtime, State
from dapr_secrets.tui.actions import ACTIONS_BY_NAME, Needs, main_screen_bindings
from dapr_secrets.tui.commands import ContextProvider, NamespaceProvider
from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.messages import JumpToComponent, JumpToSecret
from dapr_secrets.tui.navigation import Navigation
from dapr_secrets.tui.scopes import Scopes
from dapr_secrets.tui.screens.compare import CompareProvider, CompareScreen, CompareTarget
from dapr_secrets.tui.screens.doctor import DoctorScreen
from dapr_secrets.tui.screens.scopes import ScopesScreen
from dapr_secrets.tui.search import SearchService
from dapr_secrets.tui.value_keys import ValueKeys
from dapr_secrets.tui.widgets.component_view import ComponentView
from dapr_secrets.tui.widgets.copy_badge import CopyBadge
from dapr_secrets.tui.widgets.detail import DetailPane, ValueTable
from dapr_secrets.tui.widgets.filter import FilterInput, FilterResults
from dapr_secrets.tui.widgets.header import HeaderLine
from dapr_secrets.tui.widgets.references import ReferencesPane
from dapr_secrets.tui.widgets.secret_tree import NodeData, NodeKind, SecretTree
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView

if TYPE_CHECKING:
    from dapr_secrets.components.model import Diagnostic
    from dapr_secrets.tui.app import DaprSecretsApp


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(main_screen_bindings())

    def __init__(self) -> None:
        super().__init__()
        self.views: dict[str, Widget] = {}  # component name -> its view, created when first shown
        self.current: str | None = None
        self.by_age = False  # `a`: the trees show an age column, newest first
        self._view_ids = 0
        self._told_store_errors: dict[str, str] = {}  # store -> the failure notified: not said twice
        self.search = SearchService(self, self.set_timer)
        self.scopes = Scopes(self)
        self.values = ValueKeys(self)
        self.navigation = Navigation(self)  # back / forward, ] / [, the tree's keys, z
        self._lower_wanted = False  # the detail and references panes belong to what is shown

    @property
    def dapr_app(self) -> DaprSecretsApp:
        return cast("DaprSecretsApp", self.app)

    @property
    def runtime(self) -> Runtime:
        return self.dapr_app.runtime

    # ----- layout

    def compose(self) -> ComposeResult:
        app = self.dapr_app
        with Horizontal(id="top"):
            yield HeaderLine(id="header")
            yield CopyBadge(app.clipboard_service, self._badge_room, id="copy-badge")  # while a copied secret waits to be cleared
        with Horizontal(id="main"):
            yield Sidebar(id="sidebar")
            with Vertical(id="content"):
                yield FilterInput(placeholder="filter the names of every ready store", id="filter")
                with ContentSwitcher(id="views", initial="welcome"):
                    yield Static(self._welcome_text(), id="welcome")
                    yield FilterResults(id="filter-results")
                with Horizontal(id="lower"):
                    yield DetailPane(self.runtime, self.scopes.text, app.value_services, app.clock, id="detail")
                    yield ReferencesPane(self.runtime, id="refs")
        yield Footer()

    def _badge_room(self) -> int:
        """The copy badge takes what the header leaves: the app id stays whole at 80 columns."""
        return self.size.width - self.query_one(HeaderLine).essential_width()

    def _welcome_text(self) -> Text:
        if not self.runtime.components:
            where = ", ".join(self.runtime.options.resources_paths)
            return Text(
                f"No components found in {escape_control(where)}.\n"
                "Point --resources-path at a folder of Dapr component YAML files.",
                style="dim",
            )
        return Text("Pick a component on the left.", style="dim")

    def on_mount(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.border_title = "Components"
        self.query_one("#filter").display = False
        self._show_lower(False)
        sidebar.set_components(self.runtime.components, self._group_by_namespace(), self.runtime.scoped_out_components())
        sidebar.focus()
        self.update_header()
        self.call_after_refresh(self._open_all)  # first frame first: opening competes for the GIL

    def update_header(self) -> None:
        self.query_one(HeaderLine).show(*self.dapr_app.header_parts(), states=self.query_one(Sidebar).states())

    def on_sidebar_states_changed(self) -> None:
        self.update_header()  # the header counts what is wrong

    def _group_by_namespace(self) -> bool:
        """Namespace headings in the sidebar: always for a cluster, and when files span namespaces."""
        options = self.runtime.options
        spread = len({c.namespace for c in self.runtime.components}) > 1
        return options.kubernetes and (options.resources_from_cluster or spread)

    # ----- opening components (in parallel threads)

    def _open_all(self) -> None:
        components = sorted(self.runtime.components, key=lambda c: not c.is_secret_store)
        for component in components:
            self._status_changed(component.name, self.runtime.status(component.name))
            self._open(self.runtime, component.name)

    @work(thread=True, group="open", exit_on_error=False, description="open a component")
    def _open(self, runtime: Runtime, name: str) -> None:
        status = runtime.open(name)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._opened, runtime, name, status)

    def _opened(self, runtime: Runtime, name: str, status: ComponentStatus) -> None:
        if runtime is self.runtime:
            self._status_changed(name, status)
        else:  # switched away meanwhile: close what this late open created
            self.dapr_app.close_later(runtime)

    def _status_changed(self, name: str, status: ComponentStatus) -> None:
        self.query_one(Sidebar).set_status(name, status)
        view = self.views.get(name)
        if isinstance(view, (StoreView, ComponentView)):
            view.update_status(status)
        component = self.runtime.component(name)
        if component is None or not component.is_secret_store:
            return
        if status.state == State.ERROR:
            self._notify_store_error(name, status)
        elif status.state == State.READY:
            self._told_store_errors.pop(name, None)
            self.search.store_ready(name)  # listed for the open filter / palette
        detail = self.query_one(DetailPane)
        if status.state == State.READY and detail.target is not None and detail.target.store == name:
            detail.reload()  # after a refresh: the store object is new
            self.query_one(ReferencesPane).recheck()

    def _notify_store_error(self, name: str, status: ComponentStatus) -> None:
        """Say why a store failed to open; after a refresh, only if the reason changed."""
        text = f"Secret store {escape_control(name)} failed to open: {escape_control(status.message)}"
        if status.hint:
            text += f"\nhint: {escape_control(status.hint)}"
        if self._told_store_errors.get(name) != text:
            self._told_store_errors[name] = text
            self.notify(text, severity="error", markup=False, timeout=10)

    # ----- showing a component

    def on_sidebar_component_highlighted(self, event: Sidebar.ComponentHighlighted) -> None:
        if event.component == self.current and not event.chosen and self.query_one("#filter").display:
            return  # the list was rebuilt (refresh) under the open filter: nothing new to show
        self.show_component(event.component)
        if event.chosen:
            self._focus_view()

    def show_component(self, name: str) -> None:
        component = self.runtime.component(name) or self.runtime.scoped_out_component(name)  # other apps' too, greyed
        if component is None:
            return
        self.close_filter()
        previous = self.views.get(self.current or "")
        if isinstance(previous, ComponentView) and self.current != name:
            previous.mask()
        view = self.ensure_view(name)
        self.navigation.shown(name)
        self.current = name
        self.query_one("#views", ContentSwitcher).current = view.id
        self._show_lower(isinstance(view, StoreView))
        self._highlight_changed()
        self.refresh_bindings()  # x and c depend on what is shown

    def ensure_view(self, name: str) -> Widget:
        """The component's view, created (hidden) the first time; a store view lists its names
        as soon as the store is ready."""
        view = self.views.get(name)
        loaded = self.runtime.component(name)
        component = loaded or self.runtime.scoped_out_component(name)
        if view is None and component is not None:
            self._view_ids += 1
            view_id = f"view-{self._view_ids}"
            if loaded is not None and loaded.is_secret_store:  # a scoped-out store has nothing to list
                view = StoreView(self.runtime, component, self.navigation.decorate, self.dapr_app.clock, self.by_age,
                                 id=view_id, classes="view")
            else:
                view = ComponentView(self.runtime, component, self.dapr_app.value_services, id=view_id, classes="view")
            self.views[name] = view
            view.display = False  # until the switcher shows it
            self.query_one("#views", ContentSwitcher).mount(view)
        assert view is not None
        return view

    def _show_lower(self, show: bool) -> None:
        self._lower_wanted = show
        self.query_one("#lower").display = show and self.navigation.zoomed in (None, "detail", "refs")

    def zoom_changed(self) -> None:
        """`z` zoomed a pane or restored the layout (the classes in app.tcss hide the others)."""
        self._show_lower(self._lower_wanted)

    def _focus_view(self) -> None:
        """Focus the shown component's tree or table (after the refresh that composes a new view)."""

        def focus(tries: int = 5) -> None:
            view = self.views.get(self.current or "")
            if isinstance(view, StoreView):
                view.focus_tree()
            elif isinstance(view, ComponentView):
                tables = view.query(DataTable)
                if tables:
                    tables.focus()
                elif tries:  # a view this jump created is not composed yet: after its own first refresh
                    view.call_after_refresh(focus, tries - 1)

        self.call_after_refresh(focus)

    def current_view(self) -> Widget | None:
        return self.views.get(self.current or "")

    def current_tree(self) -> SecretTree | None:
        view = self.current_view()
        return view.secret_tree if isinstance(view, StoreView) else None

    # ----- the highlighted secret drives the detail and references panes

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        if isinstance(event.control, SecretTree) and event.control is self.current_tree():
            self._highlight_changed()

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        self._summary_may_change(event.control, event.node)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[NodeData]) -> None:
        self._summary_may_change(event.control, event.node)

    def _summary_may_change(self, tree: Tree[NodeData], node: object) -> None:
        """A group under the cursor opened or closed: its summary says "expand" only when closed."""
        if tree is self.current_tree() and tree.cursor_node is node:
            self._highlight_changed()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if isinstance(event.control, ValueTable) and event.control.has_focus:
            detail = self.query_one(DetailPane)
            key = str(event.row_key.value)
            detail.narrow_reveal({key})
            if detail.target is not None:
                self.query_one(ReferencesPane).show_for(detail.target.store, detail.target.name, key)

    def _highlight_changed(self) -> None:
        """Point the detail and references panes at the tree cursor; re-mask what it left."""
        detail = self.query_one(DetailPane)
        refs = self.query_one(ReferencesPane)
        tree = self.current_tree()
        node = tree.cursor_node if tree is not None else None
        data = node.data if node is not None else None
        if tree is None or node is None or data is None or data.kind not in (NodeKind.SECRET, NodeKind.KEY):
            detail.show_message(self._summary(data, node.is_expanded) if node is not None and data is not None
                                else "Highlight a secret to see its keys.")
            refs.show_store_users(self.current if isinstance(self.current_view(), StoreView) else None)
            return
        key = data.secret_key if data.kind == NodeKind.KEY else None
        detail.show_secret(tree.store, data.path, key)
        detail.narrow_reveal(detail.reveal_keys(key))
        refs.show_for(tree.store, data.path, key)

    def _summary(self, data: NodeData, expanded: bool) -> str:
        if data.kind in (NodeKind.GROUP, NodeKind.BUCKET) and data.count:
            text = f"{data.count:,} secret{'' if data.count == 1 else 's'} in here."
            return text if expanded else text + " Expand with enter or space."
        return "Highlight a secret to see its keys."

    # ----- value keys (x, c, =, v and the copy variants): tui/value_keys.py

    def action_reveal(self) -> None:
        self.values.reveal()

    def action_reveal_off(self) -> None:
        self.values.reveal_off()

    def action_values_elsewhere(self) -> None:
        self.values.values_elsewhere()

    def action_store_keys_elsewhere(self) -> None:
        self.notify("This key works in a secret store: pick one on the left, or press enter on a secretKeyRef to jump to its secret.",
                    severity="warning", markup=False)

    def action_copy(self) -> None:
        self.values.copy()

    def action_verify(self) -> None:
        self.values.verify()

    def action_version(self) -> None:
        self.values.next_version()

    def action_copy_name(self) -> None:
        self.values.copy_name()

    def action_copy_reference(self) -> None:
        self.values.copy_reference()

    def action_copy_url(self) -> None:
        self.values.copy_url()

    def mask_values(self) -> None:
        """Hide every revealed value (refresh, another screen on top)."""
        for pane in self.query(DetailPane):  # none yet while the screen starts
            pane.mask()
        for view in self.views.values():
            if isinstance(view, ComponentView):
                view.mask()

    # ----- filter

    def action_filter(self) -> None:
        self.mask_values()  # the filter takes the secret's place: closing it must not show a value again
        self.navigation.unzoom()
        field = self.query_one("#filter", FilterInput)
        field.display = True
        field.focus()
        self.query_one("#views", ContentSwitcher).current = "filter-results"
        self._show_lower(False)
        self.search.open("filter", self._update_filter)
        self._update_filter()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._update_filter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one(FilterResults).choose(0)

    def _update_filter(self) -> None:
        listing, unsearched = self.search.progress()
        query = self.query_one("#filter", FilterInput).value
        self.query_one(FilterResults).show_matches(query, self.search.indexes(), listing, unsearched, self.search.keys_read_only())

    def on_store_view_index_changed(self, event: StoreView.IndexChanged) -> None:
        """More names: the open filter or palette shows them (the search service paces it)."""
        view = event.view
        if not self.is_attached:  # the app is closing: the last page of a listing arrived too late
            return
        if self.views.get(view.store_name) is view:  # a listing ended: failed or not, the sidebar says
            self.query_one(Sidebar).set_listing_failed(view.store_name, bool(view.list_error))
        self.search.names_arrived()

    def action_close_filter(self) -> None:
        if self.query_one("#filter").display:
            self.close_filter()
            self._focus_view()

    def close_filter(self) -> None:
        field = self.query_one("#filter", FilterInput)
        if not field.display:
            return
        field.display = False
        self.search.close("filter")
        view = self.current_view()
        self.query_one("#views", ContentSwitcher).current = view.id if view is not None else "welcome"
        component = self.runtime.component(self.current or "")
        self._show_lower(bool(component and component.is_secret_store))

    # ----- jumps

    async def on_jump_to_secret(self, message: JumpToSecret) -> None:
        await self.jump_to_secret(message.store, message.secret, message.key)

    def on_jump_to_component(self, message: JumpToComponent) -> None:
        self.jump_to_component(message.component)

    def jump_to_component(self, name: str, record: bool = True) -> None:
        """Show a component (`record`: back returns to where this leaves)."""
        if self.runtime.component(name) is None and self.runtime.scoped_out_component(name) is None:
            self.notify(f"There is no component named {escape_control(name)}.", severity="warning", markup=False)
            return
        if record:
            self.navigation.record_jump()
        self.query_one(Sidebar).highlight_component(name)
        self.show_component(name)
        self._focus_view()

    async def jump_to_secret(self, store: str, name: str, key: str | None = None, record: bool = True) -> None:
        component = self.runtime.component(store)
        if component is None or not component.is_secret_store:
            self.notify(f"There is no secret store named {escape_control(store)}.", severity="warning", markup=False)
            return
        if record:
            self.navigation.record_jump()
        self.query_one(Sidebar).highlight_component(store)
        self.show_component(store)
        view = self.views[store]
        assert isinstance(view, StoreView)
        await view.jump(name, key)
        self._focus_view()
        if key is not None:
            self.query_one(DetailPane).show_secret(store, name, key)

    async def jump_to(self, component_name: str, secret: str | None) -> None:
        """Where the doctor's or the drift view's chosen row points: a secret, else its component."""
        component = self.runtime.component(component_name)
        if secret and component is not None and component.is_secret_store:
            await self.jump_to_secret(component.name, secret)
        else:
            self.jump_to_component(component_name)

    # ----- moving around (tui/navigation.py): back / forward, ] / [, the tree's keys, z, y

    async def action_back(self) -> None:
        await self.navigation.back()

    async def action_forward(self) -> None:
        await self.navigation.forward()

    async def action_step_back(self) -> None:
        """escape: leave the zoom, else back from a jump (k9s); the filter's escape comes first."""
        if not self.navigation.unzoom():
            await self.navigation.back()

    async def action_next_reference(self) -> None:
        await self.navigation.walk_references(1)

    async def action_previous_reference(self) -> None:
        await self.navigation.walk_references(-1)

    def action_tree_collapse(self) -> None:
        if (tree := self.navigation.focused_tree()) is not None:
            tree.collapse_or_parent()

    def action_tree_expand(self) -> None:
        if (tree := self.navigation.focused_tree()) is not None:
            tree.expand_or_child()

    def action_top(self) -> None:
        self.navigation.to_end(last=False)

    def action_bottom(self) -> None:
        self.navigation.to_end(last=True)

    def action_collapse_all(self) -> None:
        self.navigation.collapse_all()

    def action_zoom(self) -> None:
        self.navigation.toggle_zoom()

    def action_copy_menu(self) -> None:
        self.values.copy_menu()

    # ----- refresh (ctrl+r is app-wide: the app asks the main screen)

    def refresh_all(self) -> None:
        self.mask_values()
        for view in self.views.values():
            if isinstance(view, StoreView):
                view.refresh_listing()
        self._reload(self.runtime)
        self.notify("Refreshing: reading the component files and stores again…", markup=False, timeout=3)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False, description="refresh")
    def _reload(self, runtime: Runtime) -> None:
        runtime.refresh()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._reloaded, runtime)

    def _reloaded(self, runtime: Runtime) -> None:
        if runtime is not self.runtime:  # switched namespace or context meanwhile
            return
        names = {c.name: c for c in self.runtime.components}
        place = self.navigation.current_place()  # a component's view is built anew: its row and focus come back
        shown = self.current_view()
        had_focus = shown is not None and self.focused is not None and shown in (self.focused, *self.focused.ancestors)
        self.navigation.reset()  # the files were read again: who uses what may have changed
        for name, view in list(self.views.items()):
            component = names.get(name)
            if component is None or isinstance(view, ComponentView) or component.is_secret_store != isinstance(view, StoreView):
                del self.views[name]
                view.remove()
            elif isinstance(view, StoreView):
                view.component = component
                if view.secret_tree is not None:
                    view.secret_tree.relabel_secrets()  # "used by N" as the files now say
        self.query_one(Sidebar).set_components(self.runtime.components, self._group_by_namespace(), self.runtime.scoped_out_components())
        current = self.current if self.current in names else None
        filtering = bool(self.query_one("#filter").display)  # it stays open: its query runs again as names arrive
        if current is not None and filtering:
            self.ensure_view(current)  # shown again when the filter closes
        elif current is not None:
            self.show_component(current)
            if place is not None and place.row is not None:
                self.navigation.select_row_later(current, place.row)
            if had_focus:
                self._focus_view()
        else:
            if not filtering:
                self.query_one("#views", ContentSwitcher).current = "welcome"
            self.current = None
            self.refresh_bindings()
        self._open_all()
        if filtering:
            self._update_filter()

    def reset_views(self) -> None:
        """Show the (new) runtime from scratch: no view, pane or status of the previous one survives."""
        self.close_filter()
        self.navigation.unzoom()
        self.navigation.reset()
        self.navigation.history.clear()  # places of another runtime
        for view in self.views.values():
            view.remove()
        self.views.clear()
        self.current = None
        self._told_store_errors.clear()  # another runtime: its failures are news
        detail = self.query_one(DetailPane)
        detail.runtime = self.runtime
        detail.show_message("Highlight a secret to see its keys.")
        refs = self.query_one(ReferencesPane)
        refs.runtime = self.runtime
        refs.show_for(None, None)
        self.query_one("#welcome", Static).update(self._welcome_text())
        self.query_one("#views", ContentSwitcher).current = "welcome"
        self._show_lower(False)
        self.refresh_bindings()
        self.update_header()
        sidebar = self.query_one(Sidebar)
        sidebar.forget_statuses()
        sidebar.set_components(self.runtime.components, self._group_by_namespace(), self.runtime.scoped_out_components())
        sidebar.focus()
        if sidebar.highlighted_component is not None:
            self.show_component(sidebar.highlighted_component)
        self._open_all()

    # ----- which actions can work now (the footer and the palette offer only those)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Off while another screen or the palette is on top (nothing acts on a hidden screen);
        otherwise offered when they can work (see `can`)."""
        if self.app.screen is not self:
            return False
        return self.can(action)

    def can(self, action: str) -> bool:
        """Whether an action can do anything with what is shown (tui/actions.py says what each
        needs): x and c need a store, or a component with a masked plain value; x also needs reveal
        on; the secret actions need a store; n (namespace) exists only in Kubernetes mode."""
        row = ACTIONS_BY_NAME.get(action)
        needs = row.needs if row is not None else Needs.NOTHING
        view = self.current_view()
        shows_values = isinstance(view, StoreView) or (isinstance(view, ComponentView) and view.has_plain_values)
        if needs == Needs.NO_VALUES:
            return not shows_values
        if needs == Needs.NO_SECRET:
            return not isinstance(view, StoreView)
        if needs in (Needs.VALUES, Needs.NO_REVEAL):
            copies = action in ("copy", "copy_menu")  # copying works with reveal off too
            return shows_values and (copies or (needs == Needs.NO_REVEAL) == self.dapr_app.settings.no_reveal)
        if needs == Needs.TREE:
            return self.navigation.focused_tree() is not None
        if needs == Needs.LIST:
            return isinstance(self.focused, (Tree, DataTable, OptionList))
        if action == "close_filter":
            return bool(self.query_one("#filter").display)
        if action == "step_back":  # escape, only when nothing else takes it (the filter, above)
            return not self.query_one("#filter").display and (self.navigation.zoomed is not None or self.navigation.history.can_go_back)
        if needs == Needs.SECRET:
            return isinstance(view, StoreView)
        if needs == Needs.SIDECAR:
            return bool(self.runtime.options.sidecar_url)
        return needs != Needs.KUBERNETES or self.dapr_app.kubernetes_mode

    # ----- other screens

    def action_switch_namespace(self) -> None:
        self._pick(NamespaceProvider, "Switch to namespace… (or type any namespace name)")

    def action_switch_context(self) -> None:
        self._pick(ContextProvider, "Switch to kubeconfig context…")

    def _pick(self, provider: type[NamespaceProvider | ContextProvider], placeholder: str) -> None:
        if not self.dapr_app.kubernetes_mode:
            self.notify("Namespaces and contexts are for Kubernetes mode (--kubernetes).", severity="warning", markup=False)
            return
        if not CommandPalette.is_open(self.app):
            self.app.push_screen(CommandPalette(providers=[provider], placeholder=placeholder))

    def action_doctor(self) -> None:
        self.app.push_screen(DoctorScreen(self.runtime, self._reloaded), self._doctor_closed)

    async def _doctor_closed(self, diagnostic: Diagnostic | None) -> None:
        if diagnostic is not None and diagnostic.component:
            await self.jump_to(diagnostic.component, diagnostic.secret)

    def action_sort_by_age(self) -> None:
        """a: every tree shows how long ago each secret changed, newest first; again: by name."""
        self.by_age = not self.by_age
        for view in self.views.values():
            if isinstance(view, StoreView):
                view.set_by_age(self.by_age)

    def action_scopes(self) -> None:
        self.app.push_screen(ScopesScreen(self.runtime), self._scopes_closed)

    def _scopes_closed(self, store: str | None) -> None:
        if store is not None:
            self.jump_to_component(store)

    def action_compare(self) -> None:
        if not isinstance(self.current_view(), StoreView):
            self.notify("Show a secret store first, then compare it.", severity="warning", markup=False)
            return
        if not CommandPalette.is_open(self.app):
            self.mask_values()
            where = "a store, a folder path" + (" or a namespace" if self.dapr_app.kubernetes_mode else "")
            placeholder = f"Compare {escape_control(self.current or '')} with… ({where})"
            self.app.push_screen(CommandPalette(providers=[CompareProvider], placeholder=placeholder))

    def compare_with(self, target: CompareTarget) -> None:
        if self.current is None:
            return
        self.mask_values()
        self.app.push_screen(CompareScreen(self.runtime, self.current, target), self._compare_closed)

    async def _compare_closed(self, jump: tuple[str, str] | None) -> None:
        if jump is not None:
            await self.jump_to_secret(*jump)
