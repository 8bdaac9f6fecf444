"""The dapr-secrets terminal UI: wiring of the sidebar, the store views, the detail and references
panes, the palette, the doctor, the clipboard service and the keys.

The CLI calls `run_app(runtime, settings)`. Textual is imported only here and below.

In Kubernetes mode one runtime serves one namespace of one context, like one daprd. Switching
namespace or context loads a new runtime in a thread and swaps it in only if the cluster could be
read; otherwise the current one keeps working and the reason shows in the header and a notification.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandInput, CommandPalette, Provider
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static, Tree

from dapr_secrets.backends.audit import AuditLog
from dapr_secrets.backends.base import StoreError
from dapr_secrets.backends.runtime import ComponentStatus, Runtime, RuntimeOptions, State
from dapr_secrets.components.model import Diagnostic, Severity
from dapr_secrets.tui.ages import utc_now
from dapr_secrets.tui.clipboard import ClipboardService, NativeClipboard
from dapr_secrets.tui.commands import (
    ActionsProvider,
    ComponentsProvider,
    ContextProvider,
    NamespaceProvider,
    SecretsProvider,
)
from dapr_secrets.tui.formats import api_url, secret_key_ref_yaml
from dapr_secrets.tui.messages import JumpToComponent, JumpToSecret
from dapr_secrets.tui.name_index import NameIndex
from dapr_secrets.tui.safe_text import escape_control
from dapr_secrets.tui.screens.audit import AuditScreen
from dapr_secrets.tui.screens.compare import CompareProvider, CompareScreen, CompareTarget
from dapr_secrets.tui.screens.doctor import DoctorScreen
from dapr_secrets.tui.screens.help import HelpScreen
from dapr_secrets.tui.threads import DaemonThreadExecutor
from dapr_secrets.tui.widgets.component_view import ComponentView
from dapr_secrets.tui.widgets.detail import DetailPane, ValueTable
from dapr_secrets.tui.widgets.filter import FilterInput, FilterResults
from dapr_secrets.tui.widgets.references import ReferencesPane
from dapr_secrets.tui.widgets.secret_tree import NodeData, NodeKind, SecretTree
from dapr_secrets.tui.widgets.shown_secret import ValueTarget
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.status import WORDS
from dapr_secrets.tui.widgets.store_view import StoreView
from dapr_secrets.tui.widgets.value_actions import ValueServices

if TYPE_CHECKING:
    from textual.timer import Timer

    from dapr_secrets.backends.drift import DriftRow
    from dapr_secrets.backends.kubernetes_resources import KubeContext

# Diagnostics of a cluster that could not be read at all: a switch that meets one is not made.
CLUSTER_UNREADABLE = frozenset({"kube-unauthorized", "kube-unreachable", "kube-timeout", "kube-config"})
SEARCH_REFRESH = 0.3  # seconds between two updates of the filter / palette while names arrive


@dataclass(frozen=True)
class UiSettings:
    reveal_timeout: float = 30.0  # --reveal-timeout seconds
    clipboard_timeout: float = 30.0  # --clipboard-timeout seconds
    no_reveal: bool = False  # --no-reveal
    clipboard_mode: str = "auto"  # auto | osc52 | native | off


def cluster_problems(runtime: Runtime) -> list[Diagnostic]:
    """Errors from reading the cluster (credentials, reachability, RBAC, Dapr not installed)."""
    return [
        d for d in runtime.diagnostics
        if d.severity == Severity.ERROR and (d.code.startswith("kube-") or d.code == "dapr-not-installed")
    ]


def daprd_options(options: RuntimeOptions, namespace: str | None, context: str | None) -> RuntimeOptions:
    """The options of a daprd in `namespace` of kubeconfig `context` (the runtime gives its stores
    NAMESPACE=namespace, as a sidecar's environment has it: the built-in store reads it, §3.3)."""
    return replace(options, namespace=namespace, kube_context=context)


class DaprSecretsApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it too
    TITLE = "dapr-secrets"
    COMMANDS = App.COMMANDS | {SecretsProvider, ComponentsProvider, ActionsProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "reveal", "Reveal"),
        Binding("x", "reveal_off", show=False),  # --no-reveal: x is not offered, but says why
        Binding("c", "copy", "Copy"),
        Binding("equals_sign", "verify", "Verify", show=False),  # in help and the palette; the footer is full
        Binding("v", "version", "Version", show=False),
        Binding("slash", "filter", "Filter"),
        Binding("a", "sort_by_age", "Age", show=False),  # in help and the palette; the footer is full
        Binding("ctrl+r", "refresh", "Refresh"),
        Binding("n", "switch_namespace", "Namespace"),  # hidden outside Kubernetes mode (check_action)
        Binding("d", "doctor", "Doctor"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", show=False, priority=True),  # quits like q, even from the filter
        Binding("escape", "close_filter", "Close filter", show=False),
    ]
    MAIN_SCREEN_ACTIONS = frozenset(
        {"reveal", "reveal_off", "copy", "version", "filter", "doctor", "close_filter", "switch_namespace", "switch_context",
         "verify", "compare", "sort_by_age"}
    )
    KUBERNETES_ACTIONS = frozenset({"switch_namespace", "switch_context"})
    SECRET_ACTIONS = frozenset(  # need a store shown
        {"version", "copy_name", "copy_reference", "copy_url", "verify", "compare", "sort_by_age"}
    )

    def __init__(self, runtime: Runtime, settings: UiSettings = UiSettings(), native_clipboard: NativeClipboard | None = None,
                 audit: AuditLog | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        self.runtime = runtime
        self.clock = clock  # "now", for ages: tests and snapshots fix it
        self.by_age = False  # `a`: the trees show an age column, newest first
        self.settings = settings
        self.audit = audit if audit is not None else AuditLog(None)  # None: no trail (tests, embedding)
        self.clipboard_service = ClipboardService(self, settings.clipboard_mode, settings.clipboard_timeout, native_clipboard)
        self.value_services = ValueServices(self.clipboard_service, self.audit_value, settings.reveal_timeout)  # for the panes' x, c, =
        self.views: dict[str, Widget] = {}  # component name -> its view, created when first shown
        self.current: str | None = None
        self._view_ids = 0
        self._cluster_note: Text | None = None  # in the header: a switch under way, or why one failed
        self._switches = 0  # the latest switch; older results are dropped
        self._told_store_errors: dict[str, str] = {}  # store -> the failure notified: not said twice
        self.palette_searching = False  # the palette's secret search is open (it lists stores too)
        self._search_refresh: Timer | None = None  # a pending update of the filter / palette

    @property
    def main_screen(self) -> Screen:
        """The screen with the main layout. `App.query_one` searches only the active screen, and a
        worker's result may arrive while the palette, the doctor or help is on top."""
        return self.screen_stack[0]

    @property
    def kubernetes_mode(self) -> bool:
        return self.runtime.options.kubernetes

    @property
    def current_context(self) -> str | None:
        """The kubeconfig context in use, when known."""
        return self.runtime.cluster_info.get("context") or self.runtime.options.kube_context

    # ----- layout

    def compose(self) -> ComposeResult:
        yield Static(self._header_text(), id="header")
        with Horizontal(id="main"):
            yield Sidebar(id="sidebar")
            with Vertical(id="content"):
                yield FilterInput(placeholder="filter the names of every ready store", id="filter")
                with ContentSwitcher(id="views", initial="welcome"):
                    yield Static(self._welcome_text(), id="welcome")
                    yield FilterResults(id="filter-results")
                with Horizontal(id="lower"):
                    yield DetailPane(self.runtime, self.scope_text, self.value_services, id="detail")
                    yield ReferencesPane(self.runtime, id="refs")
        yield Footer()

    def _header_text(self) -> Text:
        options = self.runtime.options
        where = self.runtime.describe_source()
        mode = "sidecar" if options.sidecar_url else "kubernetes" if options.kubernetes else "self-hosted"
        text = Text.assemble(("dapr-secrets", "bold"), "  ", escape_control(where), ("  ", ""), (mode, "cyan"), end="")
        if options.kubernetes and self.current_context:
            text.append(f"  context: {escape_control(self.current_context)}", style="cyan")
        namespace = options.daprd_namespace()
        if namespace:
            text.append(f"  ns: {escape_control(namespace)}", style="cyan")
        if self._cluster_note is not None:
            text.append("  ")
            text.append_text(self._cluster_note)
        if options.app_id:
            text.append(f"  app: {escape_control(options.app_id)}", style="cyan")
        if self.settings.no_reveal:
            text.append("  reveal off", style="yellow")
        return text  # the footer shows ^p palette and ? help

    def _welcome_text(self) -> Text:
        if not self.runtime.components:
            where = ", ".join(self.runtime.options.resources_paths)
            return Text(
                f"No components found in {escape_control(where)}.\n"
                "Point --resources-path at a folder of Dapr component YAML files.",
                style="dim",
            )
        return Text("Pick a component on the left.", style="dim")

    def on_load(self) -> None:
        # Workers in daemon threads that quitting does not wait for (tui/threads.py).
        asyncio.get_running_loop().set_default_executor(DaemonThreadExecutor())

    def call_from_thread(self, callback, *args, **kwargs):  # type: ignore[override]
        """A worker that finishes after quitting (tui/threads.py) hands its result to nobody."""
        if self._loop is not None and self._loop.is_closed():
            return None
        return super().call_from_thread(callback, *args, **kwargs)

    def on_mount(self) -> None:
        self._clear_clipboard_on_signals()
        self.main_screen.query_one(Sidebar).border_title = "Components"
        self.main_screen.query_one("#filter").display = False
        self._show_lower(False)
        self.main_screen.query_one(Sidebar).set_components(self.runtime.components, self._group_by_namespace())
        self.main_screen.query_one(Sidebar).focus()
        self.call_after_refresh(self._open_all)  # first frame first: opening competes for the GIL
        unreadable = [d for d in cluster_problems(self.runtime) if d.code in CLUSTER_UNREADABLE]
        if unreadable:
            self._set_cluster_note(Text(f"✗ {escape_control(unreadable[0].message)}", style="bold red"))
        self._notify_problems()

    def _notify_problems(self) -> None:
        """Cluster problems one by one, with their hint; other configuration errors counted."""
        cluster = cluster_problems(self.runtime)
        for problem in cluster[:2]:
            text = escape_control(problem.message) + (f"\nhint: {escape_control(problem.hint)}" if problem.hint else "")
            self.notify(text, severity="error", markup=False, timeout=10)
        errors = [d for d in self.runtime.diagnostics if d.severity == Severity.ERROR and d not in cluster]
        if errors:
            self.notify(
                f"{len(errors)} configuration error(s): daprd would not start like this. Press d for details.",
                severity="error", markup=False, timeout=8,
            )

    def _group_by_namespace(self) -> bool:
        """Namespace headings in the sidebar: always for a cluster, and when files span namespaces."""
        options = self.runtime.options
        spread = len({c.namespace for c in self.runtime.components}) > 1
        return options.kubernetes and (options.resources_from_cluster or spread)

    def _set_cluster_note(self, note: Text | None) -> None:
        self._cluster_note = note
        self.main_screen.query_one("#header", Static).update(self._header_text())

    # ----- opening components (in parallel threads)

    def _open_all(self) -> None:
        components = sorted(self.runtime.components, key=lambda c: not c.is_secret_store)
        for component in components:
            self._status_changed(component.name, self.runtime.status(component.name))
            self._open(component.name)

    def _open(self, name: str) -> None:
        runtime = self.runtime

        def open_component() -> None:
            status = runtime.open(name)
            self.call_from_thread(self._opened, runtime, name, status)

        self.run_worker(open_component, thread=True, group="open", exit_on_error=False, description=f"open {name}")

    def _opened(self, runtime: Runtime, name: str, status: ComponentStatus) -> None:
        if runtime is self.runtime:
            self._status_changed(name, status)
        else:  # switched away meanwhile: close what this late open created
            self._close_later(runtime)

    def _status_changed(self, name: str, status: ComponentStatus) -> None:
        self.main_screen.query_one(Sidebar).set_status(name, status)
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
            if self._searching():
                self._ensure_view(name)  # listed for the open filter / palette
        detail = self.main_screen.query_one(DetailPane)
        if status.state == State.READY and detail.target is not None and detail.target.store == name:
            detail.reload()  # after a refresh: the store object is new
            self.main_screen.query_one(ReferencesPane).recheck()

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
        self.show_component(event.component)
        if event.chosen:
            self._focus_view()

    def show_component(self, name: str) -> None:
        component = self.runtime.component(name)
        if component is None:
            return
        self.close_filter()
        previous = self.views.get(self.current or "")
        if isinstance(previous, ComponentView) and self.current != name:
            previous.mask()
        view = self._ensure_view(name)
        self.current = name
        self.main_screen.query_one("#views", ContentSwitcher).current = view.id
        self._show_lower(component.is_secret_store)
        self._highlight_changed()
        self.refresh_bindings()  # x and c depend on what is shown

    def _ensure_view(self, name: str) -> Widget:
        """The component's view, created (hidden) the first time; a store view lists its names
        as soon as the store is ready."""
        view = self.views.get(name)
        component = self.runtime.component(name)
        if view is None and component is not None:
            self._view_ids += 1
            view_id = f"view-{self._view_ids}"
            if component.is_secret_store:
                view = StoreView(self.runtime, component, self.scope_mark, id=view_id, classes="view")
            else:
                view = ComponentView(self.runtime, component, self.value_services, id=view_id, classes="view")
            self.views[name] = view
            view.display = False  # until the switcher shows it
            self.main_screen.query_one("#views", ContentSwitcher).mount(view)
        assert view is not None
        return view

    def _show_lower(self, show: bool) -> None:
        self.main_screen.query_one("#lower").display = show

    def _focus_view(self) -> None:
        """Focus the shown component's tree or table (after the refresh that composes a new view)."""

        def focus() -> None:
            view = self.views.get(self.current or "")
            if isinstance(view, StoreView):
                view.focus_tree()
            elif isinstance(view, ComponentView):
                view.query(DataTable).focus()

        self.call_after_refresh(focus)

    def current_tree(self) -> SecretTree | None:
        view = self.views.get(self.current or "")
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
            detail = self.main_screen.query_one(DetailPane)
            key = str(event.row_key.value)
            detail.narrow_reveal({key})
            if detail.target is not None:
                self.main_screen.query_one(ReferencesPane).show_for(detail.target.store, detail.target.name, key)

    def _highlight_changed(self) -> None:
        """Point the detail and references panes at the tree cursor; re-mask what it left."""
        detail = self.main_screen.query_one(DetailPane)
        refs = self.main_screen.query_one(ReferencesPane)
        tree = self.current_tree()
        node = tree.cursor_node if tree is not None else None
        data = node.data if node is not None else None
        if tree is None or node is None or data is None or data.kind not in (NodeKind.SECRET, NodeKind.KEY):
            detail.show_message(self._summary(data, node.is_expanded) if node is not None and data is not None
                                else "Highlight a secret to see its keys.")
            refs.show_store_users(self.current if isinstance(self.views.get(self.current or ""), StoreView) else None)
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

    def value_target(self) -> ValueTarget | None:
        detail = self.main_screen.query_one(DetailPane)
        if isinstance(self.focused, ValueTable) and detail.target is not None and detail.values:
            table = self.focused
            if table.row_count:
                key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
                return ValueTarget(detail.target.store, detail.target.name, key)
        tree = self.current_tree()
        node = tree.cursor_node if tree is not None else None
        if tree is None or node is None or node.data is None or node.data.kind not in (NodeKind.SECRET, NodeKind.KEY):
            return None
        key = node.data.secret_key if node.data.kind == NodeKind.KEY else None
        return ValueTarget(tree.store, node.data.path, key)

    def _need_target(self) -> ValueTarget | None:
        target = self.value_target()
        if target is None:
            self.notify("Highlight a secret (or one of its keys) first.", severity="warning", markup=False)
        return target

    # ----- scopes (--config / --app-id)

    def _scopes_shown(self) -> bool:
        options = self.runtime.options
        return bool(options.app_id or options.config_files)

    def scope_text(self, store: str, name: str) -> Text | None:
        """'API for app orders: allowed (rule)' for the detail pane."""
        if not self._scopes_shown():
            return None
        from dapr_secrets.components.config import SECRETS_GET_ENDPOINT, is_endpoint_allowed

        app_id = self.runtime.options.app_id or "any app"
        if self.runtime.options.sidecar_url:
            return Text.assemble(("Dapr API for ", "dim"), escape_control(app_id), ": ", ("the sidecar decides", "cyan"),
                                 ("  a secret its scopes deny answers 403 when opened", "dim"))
        decision = self.runtime.scope_decision(store, name)
        verdict = ("allowed", "green") if decision.allowed else ("denied (403)", "bold red")
        rule = decision.rule
        if not is_endpoint_allowed(self.runtime.configuration, SECRETS_GET_ENDPOINT):  # §4 R4
            verdict, rule = ("not served (404)", "bold red"), "spec.api removes the secrets endpoints"
        return Text.assemble(
            ("Dapr API for ", "dim"), escape_control(app_id), ": ", verdict, (f"  {escape_control(rule)}", "dim")
        )

    def scope_mark(self, store: str, name: str) -> Text | None:
        """A short mark after a secret's name in the tree: denied by scopes, or a store note."""
        parts = Text(end="")
        if self._scopes_shown() and not self.runtime.scope_decision(store, name).allowed:
            parts.append("  ⊘ API denied", style="red")
        view = self.views.get(store)
        if isinstance(view, StoreView) and view.index is not None and name in view.index.notes:
            parts.append(f"  {escape_control(view.index.notes[name])}", style="yellow")
        return parts if parts.plain else None

    # ----- audit trail (names and outcomes only, never a value)

    def audit_value(self, action: str, store: str, name: str | None, key: str | None = None,
                    version: str | None = None, outcome: str = "ok", other: str | None = None) -> None:
        component = self.runtime.component(store)
        self.audit.record(action, store, component.type if component is not None else "", name, key, version, outcome, other)
        failure = self.audit.take_failure()  # said once; the action itself went on
        if failure:
            self.notify(escape_control(failure), title="Audit log", severity="warning", markup=False)

    def action_audit_log(self) -> None:
        self.mask_values()
        self.push_screen(AuditScreen(self.audit.path))

    # ----- reveal

    def action_reveal_off(self) -> None:
        self.notify("Reveal is off (--no-reveal). c still copies.", severity="warning", markup=False)

    def action_reveal(self) -> None:
        if self.settings.no_reveal:
            self.action_reveal_off()
            return
        view = self.views.get(self.current or "")
        if isinstance(view, ComponentView):
            view.actions.reveal()
        elif (target := self._need_target()) is not None:
            self.main_screen.query_one(DetailPane).actions.reveal(target)

    def action_version(self) -> None:
        """Read the next older version of the highlighted secret (where the store keeps versions)."""
        self.main_screen.query_one(DetailPane).actions.next_version()

    # ----- verify (=): "matches" or "does not match", never a value

    def action_verify(self) -> None:
        if (target := self._need_target()) is not None:
            self.main_screen.query_one(DetailPane).actions.verify(target)

    # ----- compare (palette "Compare with…"): names and statuses only

    def action_compare(self) -> None:
        if not isinstance(self.views.get(self.current or ""), StoreView):
            self.notify("Show a secret store first, then compare it.", severity="warning", markup=False)
            return
        if not CommandPalette.is_open(self):
            self.mask_values()
            where = "a store, a folder path" + (" or a namespace" if self.kubernetes_mode else "")
            self.push_screen(CommandPalette(providers=[CompareProvider], placeholder=f"Compare {escape_control(self.current or '')} with… ({where})"))

    def compare_with(self, target: CompareTarget) -> None:
        if self.current is None:
            return
        self.mask_values()
        self.push_screen(CompareScreen(self.runtime, self.current, target), self._compare_closed)

    async def _compare_closed(self, jump: tuple[str, str] | None) -> None:
        if jump is not None:
            await self.jump_to_secret(*jump)

    # ----- copy

    def action_copy(self) -> None:
        view = self.views.get(self.current or "")
        if isinstance(view, ComponentView):
            view.actions.copy()
        elif (target := self._need_target()) is not None:
            self.main_screen.query_one(DetailPane).actions.copy(target)

    def action_copy_name(self) -> None:
        target = self._need_target()
        if target is not None:
            self.clipboard_service.copy_and_tell(target.name, f"the name {escape_control(target.name)}", secret=False)

    def action_copy_reference(self) -> None:
        target = self._need_target()
        if target is not None:
            snippet = secret_key_ref_yaml(target.store, target.name, target.key)
            self.clipboard_service.copy_and_tell(snippet, f"a secretKeyRef to {target.label()}", secret=False)

    def action_copy_url(self) -> None:
        target = self._need_target()
        if target is not None:
            detail = self.main_screen.query_one(DetailPane)
            version = detail.version if detail.target is not None and detail.target.name == target.name else None
            url = api_url(target.store, target.name, version, self.runtime.options.sidecar_url, detail.version_key)
            self.clipboard_service.copy_and_tell(url, f"the Dapr API URL of {target.label()}", secret=False)

    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52 for any text, binary values included: undecodable bytes (kept as surrogate
        escapes) go out as the original bytes instead of failing to encode."""
        self._clipboard = text
        if self._driver is not None:
            payload = base64.b64encode(text.encode("utf-8", "surrogateescape")).decode("ascii")
            self._driver.write(f"\x1b]52;c;{payload}\a")

    # ----- filter

    def loaded_indexes(self) -> dict[str, NameIndex]:
        return {name: view.index for name, view in self.views.items() if isinstance(view, StoreView) and view.index is not None}

    def action_sort_by_age(self) -> None:
        """a: every tree shows how long ago each secret changed, newest first; again: by name."""
        self.by_age = not self.by_age
        for view in self.views.values():
            if isinstance(view, StoreView):
                view.set_by_age(self.by_age)

    def action_filter(self) -> None:
        field = self.main_screen.query_one("#filter", FilterInput)
        field.display = True
        field.focus()
        self.main_screen.query_one("#views", ContentSwitcher).current = "filter-results"
        self._show_lower(False)
        self.index_ready_stores()
        self._update_filter(field.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._update_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.main_screen.query_one(FilterResults).choose(0)

    def _filter_shown(self) -> bool:
        return bool(self.main_screen.query_one("#filter").display)

    def _update_filter(self, query: str) -> None:
        listing, unsearched = self.search_progress()
        self.main_screen.query_one(FilterResults).show_matches(query, self.loaded_indexes(), listing, unsearched)

    # ----- searching every store: `/` and the palette list the stores nobody opened yet

    def _searching(self) -> bool:
        return self._filter_shown() or self.palette_searching

    def index_ready_stores(self) -> None:
        """List (in thread workers) every ready store not indexed yet, through its store view,
        created hidden when the store was never shown: flat stores whole, hierarchical ones their
        top level (folders the user opened are already in their index). Stores that are not ready
        are left alone."""
        for component in self.runtime.secret_stores():
            if self.runtime.status(component.name).state == State.READY:
                self._ensure_view(component.name)

    def search_progress(self) -> tuple[list[str], list[tuple[str, str]]]:
        """Stores whose names are still arriving, and (store, why) for those that cannot be searched."""
        listing: list[str] = []
        unsearched: list[tuple[str, str]] = []
        for component in self.runtime.secret_stores():
            name, view = component.name, self.views.get(component.name)
            state = self.runtime.status(name).state
            if state != State.READY:
                unsearched.append((name, WORDS[state]))
            elif isinstance(view, StoreView) and view.list_error and not view.listing:
                unsearched.append((name, "could not list names"))
            elif not isinstance(view, StoreView) or view.listing or not view.listed:
                listing.append(name)
        return listing, unsearched

    def on_store_view_index_changed(self, event: StoreView.IndexChanged) -> None:
        """More names: update the open filter or palette, at most every SEARCH_REFRESH seconds."""
        view = event.view
        if not self.screen_stack:  # the app is closing: the last page of a listing arrived too late
            return
        if self.views.get(view.store_name) is view:  # a listing ended: failed or not, the sidebar says
            self.main_screen.query_one(Sidebar).set_listing_failed(view.store_name, bool(view.list_error))
        if self._searching() and self._search_refresh is None:
            self._search_refresh = self.set_timer(SEARCH_REFRESH, self._refresh_searches)

    def _refresh_searches(self) -> None:
        self._search_refresh = None
        if self._filter_shown():
            self._update_filter(self.main_screen.query_one("#filter", FilterInput).value)
        if self.palette_searching and isinstance(self.screen, CommandPalette):
            # The palette searches again when its input changes: tell it so, with the same text.
            field = self.screen.query_one(CommandInput)
            if field.value.strip():
                field.post_message(Input.Changed(field, field.value))

    def action_close_filter(self) -> None:
        if self.main_screen.query_one("#filter").display:
            self.close_filter()
            self._focus_view()

    def close_filter(self) -> None:
        field = self.main_screen.query_one("#filter", FilterInput)
        if not field.display:
            return
        field.display = False
        view = self.views.get(self.current or "")
        self.main_screen.query_one("#views", ContentSwitcher).current = view.id if view is not None else "welcome"
        component = self.runtime.component(self.current or "")
        self._show_lower(bool(component and component.is_secret_store))

    # ----- jumps

    async def on_jump_to_secret(self, message: JumpToSecret) -> None:
        await self.jump_to_secret(message.store, message.secret, message.key)

    def on_jump_to_component(self, message: JumpToComponent) -> None:
        self.jump_to_component(message.component)

    def jump_to_component(self, name: str) -> None:
        if self.runtime.component(name) is None:
            self.notify(f"There is no component named {escape_control(name)}.", severity="warning", markup=False)
            return
        self.main_screen.query_one(Sidebar).highlight_component(name)
        self.show_component(name)
        self._focus_view()

    async def jump_to_secret(self, store: str, name: str, key: str | None = None) -> None:
        component = self.runtime.component(store)
        if component is None or not component.is_secret_store:
            self.notify(f"There is no secret store named {escape_control(store)}.", severity="warning", markup=False)
            return
        self.main_screen.query_one(Sidebar).highlight_component(store)
        self.show_component(store)
        view = self.views[store]
        assert isinstance(view, StoreView)
        await view.jump(name, key)
        self._focus_view()
        if key is not None:
            self.main_screen.query_one(DetailPane).show_secret(store, name, key)

    # ----- refresh

    def action_refresh(self) -> None:
        self.mask_values()
        for view in self.views.values():
            if isinstance(view, StoreView):
                view.refresh_listing()

        runtime = self.runtime

        def reload() -> None:
            runtime.refresh()
            self.call_from_thread(self._reloaded, runtime)

        self.run_worker(reload, thread=True, group="refresh", exclusive=True, exit_on_error=False, description="refresh")
        self.notify("Refreshing: reading the component files and stores again…", markup=False, timeout=3)

    def _reloaded(self, runtime: Runtime) -> None:
        if runtime is not self.runtime:  # switched namespace or context meanwhile
            return
        names = {c.name: c for c in self.runtime.components}
        for name, view in list(self.views.items()):
            component = names.get(name)
            if component is None or isinstance(view, ComponentView) or component.is_secret_store != isinstance(view, StoreView):
                del self.views[name]
                view.remove()
            elif isinstance(view, StoreView):
                view.component = component
        self.main_screen.query_one(Sidebar).set_components(self.runtime.components, self._group_by_namespace())
        current = self.current if self.current in names else None
        if current is not None:
            self.show_component(current)
        else:
            self.main_screen.query_one("#views", ContentSwitcher).current = "welcome"
            self.current = None
            self.refresh_bindings()
        self._open_all()

    # ----- Kubernetes: switching namespace or context

    def action_switch_namespace(self) -> None:
        self._pick(NamespaceProvider, "Switch to namespace… (or type any namespace name)")

    def action_switch_context(self) -> None:
        self._pick(ContextProvider, "Switch to kubeconfig context…")

    def _pick(self, provider: type[Provider], placeholder: str) -> None:
        if not self.kubernetes_mode:
            self.notify("Namespaces and contexts are for Kubernetes mode (--kubernetes).", severity="warning", markup=False)
            return
        if not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(providers=[provider], placeholder=placeholder))

    def switch_namespace(self, namespace: str) -> None:
        options = self.runtime.options
        if namespace == options.daprd_namespace():
            self.notify(f"Already showing namespace {escape_control(namespace)}.", markup=False)
            return
        self._switch(daprd_options(options, namespace, options.kube_context), f"namespace {namespace}")

    def switch_context(self, context: KubeContext) -> None:
        options = self.runtime.options
        if context.name == self.current_context:
            self.notify(f"Already using context {escape_control(context.name)}.", markup=False)
            return
        # From a cluster, a context brings its own namespace (kubectl's rule); files keep theirs.
        namespace = (context.namespace or "default") if options.resources_from_cluster else options.namespace
        self._switch(daprd_options(options, namespace, context.name), f"context {context.name}")

    def _switch(self, options: RuntimeOptions, what: str) -> None:
        """Load a runtime for `options` in a thread; swap it in when the cluster could be read."""
        self._switches += 1
        generation = self._switches
        self._set_cluster_note(Text(f"⋯ switching to {escape_control(what)}…", style="italic"))

        def load() -> None:
            try:
                runtime = Runtime.load(options)
            except StoreError as error:
                self.call_from_thread(self._switch_failed, generation, what, error.message, error.hint)
                return
            except Exception as error:  # noqa: BLE001 - a bug must not take the current view down
                self.call_from_thread(self._switch_failed, generation, what, f"unexpected {type(error).__name__}", "")
                return
            self.call_from_thread(self._switched, generation, what, runtime)

        self.run_worker(load, thread=True, group="switch", exit_on_error=False, description=f"switch to {what}")

    def _switched(self, generation: int, what: str, runtime: Runtime) -> None:
        if generation != self._switches:  # the user picked something else meanwhile
            self._close_later(runtime)
            return
        unreadable = [d for d in cluster_problems(runtime) if d.code in CLUSTER_UNREADABLE]
        if unreadable:
            self._close_later(runtime)
            self._switch_failed(generation, what, unreadable[0].message, unreadable[0].hint)
            return
        previous, self.runtime = self.runtime, runtime
        self._close_later(previous)
        self._cluster_note = None
        self._reset_views()
        self.notify(f"Switched to {escape_control(what)}.", markup=False, timeout=3)
        self._notify_problems()
        namespace = runtime.options.daprd_namespace()
        if namespace not in runtime.cluster_info.get("namespaces", [namespace]):  # a listed cluster, without it
            self.notify(
                f"Namespace {escape_control(namespace)} does not exist in context {escape_control(self.current_context or '')}: "
                "nothing to show there. Check the name (n lists the namespaces).",
                severity="warning", markup=False, timeout=10,
            )

    def _switch_failed(self, generation: int, what: str, message: str, hint: str) -> None:
        if generation != self._switches:
            return
        self._set_cluster_note(Text(f"✗ could not switch to {escape_control(what)}: {escape_control(message)}", style="bold red"))
        text = f"Could not switch to {escape_control(what)}: {escape_control(message)}"
        if hint:
            text += f"\nhint: {escape_control(hint)}"
        self.notify(text + "\nStill showing what was open.", severity="error", markup=False, timeout=10)

    def _reset_views(self) -> None:
        """Show the (new) runtime from scratch: no view, pane or status of the previous one survives."""
        self.close_filter()
        for view in self.views.values():
            view.remove()
        self.views.clear()
        self.current = None
        self._told_store_errors.clear()  # another runtime: its failures are news
        detail = self.main_screen.query_one(DetailPane)
        detail.runtime = self.runtime
        detail.show_message("Highlight a secret to see its keys.")
        refs = self.main_screen.query_one(ReferencesPane)
        refs.runtime = self.runtime
        refs.show_for(None, None)
        self.main_screen.query_one("#welcome", Static).update(self._welcome_text())
        self.main_screen.query_one("#views", ContentSwitcher).current = "welcome"
        self._show_lower(False)
        self.refresh_bindings()
        self.main_screen.query_one("#header", Static).update(self._header_text())
        sidebar = self.main_screen.query_one(Sidebar)
        sidebar.forget_statuses()
        sidebar.set_components(self.runtime.components, self._group_by_namespace())
        sidebar.focus()
        if sidebar.highlighted_component is not None:
            self.show_component(sidebar.highlighted_component)
        self._open_all()

    def _close_later(self, runtime: Runtime) -> None:
        self.run_worker(runtime.close, thread=True, group="close", exit_on_error=False, description="close a runtime")

    # ----- screens

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """x, c, / and d act on the main screen: hidden and off while the doctor or help is shown.
        Otherwise offered when they can work (see `can`)."""
        if action in self.MAIN_SCREEN_ACTIONS and len(self.screen_stack) > 1:
            return False
        return self.can(action)

    def can(self, action: str) -> bool:
        """Whether an action can do anything with what is shown: the footer and the palette offer
        only those. x and c need a store, or a component with a masked plain value; x also needs
        reveal on; n (namespace) exists only in Kubernetes mode."""
        view = self.views.get(self.current or "")
        if action in ("reveal", "reveal_off", "copy"):
            shows_values = isinstance(view, StoreView) or (isinstance(view, ComponentView) and view.has_plain_values)
            return shows_values and (action == "copy" or (action == "reveal_off") == self.settings.no_reveal)
        if action in self.SECRET_ACTIONS:
            return isinstance(view, StoreView)
        if action == "drift":
            return bool(self.runtime.options.sidecar_url)
        return not (action in self.KUBERNETES_ACTIONS and not self.kubernetes_mode)

    def mask_values(self) -> None:
        """Hide every revealed value (refresh, another screen on top)."""
        for pane in self.main_screen.query(DetailPane):  # none yet while the app starts
            pane.mask()
        for view in self.views.values():
            if isinstance(view, ComponentView):
                view.mask()

    def action_doctor(self) -> None:
        self.push_screen(DoctorScreen(self.runtime), self._doctor_closed)

    async def _doctor_closed(self, diagnostic: Diagnostic | None) -> None:
        if diagnostic is None or not diagnostic.component:
            return
        component = self.runtime.component(diagnostic.component)
        if diagnostic.secret and component is not None and component.is_secret_store:
            await self.jump_to_secret(component.name, diagnostic.secret)
        else:
            self.jump_to_component(diagnostic.component)

    def action_drift(self) -> None:
        from dapr_secrets.tui.screens.drift import DriftScreen

        self.push_screen(DriftScreen(self.runtime), self._drift_closed)  # type: ignore[arg-type]  # can() allows it only for a SidecarRuntime

    async def _drift_closed(self, row: DriftRow | None) -> None:
        component = self.runtime.component(row.component) if row is not None else None
        if component is None or row is None:
            return
        if row.secret and component.is_secret_store:
            await self.jump_to_secret(component.name, row.secret)
        else:
            self.jump_to_component(component.name)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.kubernetes_mode))

    def push_screen(self, *args, **kwargs):  # type: ignore[override]  # Textual's overloads, passed through
        """Nothing revealed stays visible behind another screen or modal (help, palette, doctor)."""
        self.mask_values()
        return super().push_screen(*args, **kwargs)

    def on_app_blur(self) -> None:
        """The terminal lost focus (another window, a screen share switched away): hide values."""
        self.mask_values()

    def _clear_clipboard_on_signals(self) -> None:
        """Closing the terminal (SIGHUP) or `kill` (SIGTERM) must not leave a copied secret behind."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGHUP):
            try:
                loop.add_signal_handler(number, self._terminated)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread (tests), or no such signal
                pass

    def _terminated(self) -> None:
        self.clipboard_service.clear()
        self.exit(return_code=143)

    async def action_quit(self) -> None:
        self.clipboard_service.clear()  # do not leave a copied secret behind
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's system commands without "Screenshot": a screenshot would capture whatever
        is revealed. Our own commands come from the providers."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command

    # ----- crash output without secrets

    def _fatal_error(self) -> None:
        """Textual's crash report prints every frame's local variables, and a local may hold a
        secret value. Print the traceback without them."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()


def run_app(runtime: Runtime, settings: UiSettings, audit: AuditLog | None = None) -> int:
    app = DaprSecretsApp(runtime, settings, audit=audit)
    try:
        app.run()
    finally:
        app.clipboard_service.clear()  # the native clipboard still works after the terminal is gone
    return app.return_code or 0
