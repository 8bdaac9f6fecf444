"""The main screen's value keys: x (reveal), c (copy), = (verify), v (next version) and the copy
variants of the palette, on what the cursor points at. Values go to the clipboard service and the
panes, never to a notification; every reveal, copy and verify goes to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dapr_secrets.backends.base import StoreError
from dapr_secrets.backends.verify import ERROR, MATCH, verify_values
from dapr_secrets.components.values import go_json
from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.formats import api_url, secret_key_ref_yaml
from dapr_secrets.tui.screens.verify import VerifyScreen
from dapr_secrets.tui.widgets.component_view import ComponentView
from dapr_secrets.tui.widgets.detail import DetailPane, SecretRef, ValueTable
from dapr_secrets.tui.widgets.secret_tree import NodeKind

if TYPE_CHECKING:
    from dapr_secrets.tui.app import DaprSecretsApp
    from dapr_secrets.tui.screens.main import MainScreen


@dataclass(frozen=True)
class ValueTarget:
    """What `x` and `c` act on: one key of a secret, or the whole secret (key None)."""

    store: str
    name: str
    key: str | None

    def label(self) -> str:
        text = f"{self.store}/{self.name}"
        if self.key is not None and self.key != self.name:
            text += f" [{self.key}]"
        return escape_control(text)


class ValueKeys:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._told_native_problem = False  # "no native clipboard" is said once per session

    @property
    def app(self) -> DaprSecretsApp:
        return self.screen.dapr_app

    @property
    def detail(self) -> DetailPane:
        return self.screen.query_one(DetailPane)

    def notify_warning(self, text: str) -> None:
        self.app.notify(text, severity="warning", markup=False)

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
            self.notify_warning("Highlight a secret (or one of its keys) first.")
        return target

    # ----- reveal and versions

    def reveal_off(self) -> None:
        self.notify_warning("Reveal is off (--no-reveal). c still copies.")

    def reveal(self) -> None:
        if self.app.settings.no_reveal:
            self.reveal_off()
            return
        view = self.screen.current_view()
        if isinstance(view, ComponentView):
            if not view.toggle_reveal():
                self.notify_warning("Highlight a masked plain value first.")
            elif view.revealed is not None and (item := view.highlighted_plain_value()) is not None:
                self.app.audit_value("reveal", view.component.name, item.name)
            return
        target = self._need_target()
        if target is None:
            return
        detail = self.detail
        detail.show_secret(target.store, target.name, target.key)
        detail.toggle_reveal(target.key)

    def next_version(self) -> None:
        """Read the next older version of the highlighted secret (where the store keeps versions)."""
        detail = self.detail
        if detail.target is None or not (detail.details and detail.details.versions):
            self.notify_warning("This secret has no versions to pick from.")
            return
        version = detail.next_version()
        self.app.notify(f"Showing {'version ' + escape_control(version) if version else 'the current version'}.", markup=False)

    # ----- verify (=): "matches" or "does not match", never a value

    def verify(self) -> None:
        target = self._need_target()
        if target is None:
            return
        detail = self.detail
        if detail.target != SecretRef(target.store, target.name) or not detail.read_done:
            self.notify_warning("The secret is still being read: press = again in a moment.")
            return
        if detail.unreadable or detail.values is None:
            self.notify_warning(f"Nothing to verify: {detail.version_label()} cannot be read.")
            return
        if target.key is None and len(detail.values) != 1:
            self.notify_warning(f"{target.label()} has {len(detail.values)} keys: highlight one (in the tree or the Secret pane), "
                                "then press =.")
            return
        version = detail.version
        label = target.label() + (f" version {escape_control(version)}" if version is not None else "")
        self.screen.mask_values()  # another screen on top: nothing stays revealed under it
        self.app.push_screen(VerifyScreen(label, lambda candidate: self._verify(target, version, label, candidate)))

    def _verify(self, target: ValueTarget, version: str | None, label: str, candidate: str) -> None:
        detail = self.detail
        same = detail.target == SecretRef(target.store, target.name) and detail.version == version
        verdict = verify_values(detail.values if same else None, target.key, candidate)
        del candidate
        self.app.audit_value("verify", target.store, target.name, verdict.key or target.key, version, verdict.outcome)
        if verdict.outcome == ERROR:
            reason = verdict.message if same else "the secret shown changed meanwhile"
            self.app.notify(f"Could not verify {label}: {escape_control(reason)}", severity="error", markup=False)
        elif verdict.outcome == MATCH:
            self.app.notify(f"{label}: matches", title="Verify", markup=False)
        else:
            self.app.notify(f"{label}: does not match", title="Verify", severity="warning", markup=False)

    # ----- copy

    def copy(self) -> None:
        view = self.screen.current_view()
        if isinstance(view, ComponentView):
            self._copy_plain_value(view)
            return
        target = self._need_target()
        if target is None:
            return
        detail = self.detail
        if detail.target != SecretRef(target.store, target.name):
            self._read_then_copy(target)
        elif detail.unreadable:  # the version shown, never another one instead
            self.notify_warning(f"Nothing to copy: {detail.version_label()} cannot be read: {escape_control(detail.unreadable)}.")
        elif not detail.read_done:
            detail.copy_when_read()
        elif detail.values is None:
            self.app.notify(f"Nothing to copy: {detail.version_label()} could not be read.", severity="error", markup=False)
        else:
            self._copy_from(target, detail.values, detail.version)

    def _copy_plain_value(self, view: ComponentView) -> None:
        item = view.highlighted_plain_value()
        if item is None or item.value is None:
            self.notify_warning("Highlight a masked plain value first.")
            return
        what = escape_control(f"{view.component.name}/{item.name}") + " (plain value in the component file)"
        copied = self._copy_text(item.value, what, secret=True)
        self.app.audit_value("copy", view.component.name, item.name, outcome="ok" if copied else "error")

    def _read_then_copy(self, target: ValueTarget) -> None:
        """Read the secret in a thread; the value goes straight to the clipboard, never to the worker."""
        app = self.app

        def read() -> None:
            store = app.runtime.store(target.store)
            try:
                if store is None:
                    raise StoreError(f"store {target.store!r} is not open")
                values = store.get_secret(target.name, {}) or {}
            except StoreError as failure:
                app.call_from_thread(self._copy_failed, target, failure.message)
                return
            except Exception as failure:  # noqa: BLE001 - a bug must not take the app down
                app.call_from_thread(self._copy_failed, target, f"unexpected {type(failure).__name__}")
                return
            app.call_from_thread(self._copy_from, target, values)

        self.screen.run_worker(read, thread=True, group="copy", exit_on_error=False,
                               description=f"read {target.store}/{target.name} to copy")

    def _copy_failed(self, target: ValueTarget, message: str) -> None:
        self.app.audit_value("copy", target.store, target.name, target.key, outcome="error")
        self.app.notify(f"Could not copy {target.label()}: {escape_control(message)}", severity="error", markup=False)

    def _copy_from(self, target: ValueTarget, values: dict[str, str], version: str | None = None) -> None:
        label = target.label() + (f" version {escape_control(version)}" if version is not None else "")
        if target.key is not None:
            if target.key not in values:
                self._copy_failed(target, "the key is gone")
                return
            value, what = values[target.key], label
        elif len(values) == 1:
            value, what = next(iter(values.values())), label
        else:
            value, what = go_json(values), f"{label} ({len(values)} keys, as Dapr's JSON)"
        copied = self._copy_text(value, what, secret=True)
        self.app.audit_value("copy", target.store, target.name, target.key, version, "ok" if copied else "error")

    def _copy_text(self, text: str, what: str, secret: bool) -> bool:
        service = self.app.clipboard_service
        result = service.copy(text, secret=secret)
        if not result.copied:
            self.app.notify(f"Could not copy {what}: {result.native_problem or 'no clipboard'}", severity="error", markup=False)
            return False
        message = f"Copied {what} ({result.channels()})"
        if result.clears_in:
            message += f"; cleared in {result.clears_in:g} s"
        if result.native_problem and service.mode == "auto" and not self._told_native_problem:
            self._told_native_problem = True  # once per session: it will not change by itself
            message += f"\nnative clipboard: {result.native_problem}"
        self.app.notify(message, markup=False)
        return True

    def copy_name(self) -> None:
        target = self._need_target()
        if target is not None:
            self._copy_text(target.name, f"the name {escape_control(target.name)}", secret=False)

    def copy_reference(self) -> None:
        target = self._need_target()
        if target is not None:
            snippet = secret_key_ref_yaml(target.store, target.name, target.key)
            self._copy_text(snippet, f"a secretKeyRef to {target.label()}", secret=False)

    def copy_url(self) -> None:
        target = self._need_target()
        if target is not None:
            detail = self.detail
            version = detail.version if detail.target is not None and detail.target.name == target.name else None
            url = api_url(target.store, target.name, version, self.app.runtime.options.sidecar_url, detail.version_key)
            self._copy_text(url, f"the Dapr API URL of {target.label()}", secret=False)
