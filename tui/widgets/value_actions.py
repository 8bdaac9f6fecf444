"""x, c, = and v, with the pane that shows the value: each pane that can reveal a value holds one
value-actions object, and the app only tells it what the user pointed at.

The Secret pane's actions follow the phase of its shown secret (widgets/shown_secret.py):

    nothing shown --show--> READING --read arrives--> READ, NO_DATA or FAILED
                               ^                          |
                               +-- another version (v) ---+--> UNREADABLE (the store says so: not asked)

x or c pressed while reading waits and happens when the read arrives; another secret or version
drops a waiting c, a re-mask drops a waiting x. c asks the clipboard service itself; every reveal,
copy and verify goes to the audit trail (names and outcomes only, never a value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from dapr_secrets.backends.base import StoreError
from dapr_secrets.backends.verify import ERROR, MATCH, verify_values
from dapr_secrets.components.golang import go_json
from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.screens.verify import VerifyScreen
from dapr_secrets.tui.widgets.shown_secret import Phase, ValueTarget

if TYPE_CHECKING:
    from dapr_secrets.tui.clipboard import ClipboardService
    from dapr_secrets.tui.widgets.component_view import ComponentView
    from dapr_secrets.tui.widgets.detail import DetailPane


class AuditValue(Protocol):
    """Appends one line to the audit trail (the app's `audit_value`)."""

    def __call__(self, action: str, store: str, name: str | None, key: str | None = None,
                 version: str | None = None, outcome: str = "ok", other: str | None = None) -> None: ...


@dataclass(frozen=True)
class ValueServices:
    """What a pane needs to act on values: given by the app, shared by every pane."""

    clipboard: ClipboardService
    audit: AuditValue
    reveal_timeout: float = 30.0  # seconds; 0: no automatic re-mask


class SecretActions:
    """The Secret pane's x, c, = and v."""

    def __init__(self, pane: DetailPane, services: ValueServices) -> None:
        self._pane = pane
        self._services = services
        self._pending_reveal: tuple[str | None] | None = None  # x pressed while the secret was read
        self._pending_copy = False  # c pressed while the secret (or the picked version) was read

    # ----- what the pane reports

    def masked(self) -> None:
        self._pending_reveal = None

    def shown_changed(self) -> None:
        """Another secret or version: a waiting c was meant for the previous one."""
        self._pending_copy = False

    def read_arrived(self) -> None:
        if self._pending_reveal is not None:
            (key,), self._pending_reveal = self._pending_reveal, None
            self.toggle_reveal(key)
        if self._pending_copy:
            self._pending_copy = False
            if self._pane.screen.is_active:  # not into the clipboard from under another screen
                target = self._pane.acting_target()
                if target is not None:
                    self.copy(target)

    # ----- x

    def reveal(self, target: ValueTarget) -> None:
        self._pane.show_secret(target.store, target.name, target.key)
        self.toggle_reveal(target.key)

    def toggle_reveal(self, key: str | None) -> None:
        """Reveal one key, or hide it if shown. For the whole secret (None): its only key; with
        several, never all of them at once (DESIGN.md: reveal is per value). If the secret is
        still being read, this happens when it arrives."""
        shown = self._pane.shown
        if shown is not None and shown.phase is Phase.READING:
            self._pending_reveal = (key,)
            return
        if key is None:
            key = self._key_for_whole_secret()
        if key is None:
            return
        if self._pane.reveal.toggle(key) and shown is not None:
            self._services.audit("reveal", shown.store, shown.name, key, shown.version)

    def _key_for_whole_secret(self) -> str | None:
        """`x` on a secret: its only key. With several keys, hide what is shown, or else move the
        cursor to the first key of the keys table (focused) and reveal that one."""
        shown = self._pane.shown
        keys = shown.keys() if shown is not None else []
        if len(keys) <= 1:
            return keys[0] if keys else None
        assert shown is not None
        if self._pane.reveal:
            self._pane.mask()
            return None
        self._pane.focus_first_key()
        self._pane.app.notify(
            f"{escape_control(shown.name)} has {len(keys)} keys: showing {escape_control(keys[0])}. "
            "Move in the Secret pane to pick another key; x reveals it.",
            markup=False,
        )
        return keys[0]

    # ----- c

    def copy(self, target: ValueTarget) -> None:
        """Copy the value `target` points at, of the version shown; never reveals it."""
        shown = self._pane.shown
        if shown is None or shown.ref != target.ref:
            self._read_then_copy(target)
        elif shown.phase is Phase.UNREADABLE:  # the version shown, never another one instead
            self._pane.app.notify(f"Nothing to copy: {shown.version_label()} cannot be read: {escape_control(shown.unreadable)}.",
                                  severity="warning", markup=False)
        elif shown.phase is Phase.READING:
            self._pending_copy = True
        elif shown.phase is Phase.READ and shown.values is not None:
            self._copy_from(target, shown.values, shown.version)
        else:
            self._pane.app.notify(f"Nothing to copy: {shown.version_label()} could not be read.", severity="error", markup=False)

    def _read_then_copy(self, target: ValueTarget) -> None:
        app, runtime = self._pane.app, self._pane.runtime

        def read() -> None:
            store = runtime.store(target.store)
            try:
                if store is None:
                    raise StoreError(f"store {target.store!r} is not open")
                values = store.get_secret(target.name, {}) or {}
            except StoreError as failure:
                app.call_from_thread(self._copy_failed, target, failure.message)
                return
            except Exception as failure:  # noqa: BLE001 - a backend bug must not crash the app
                app.call_from_thread(self._copy_failed, target, f"unexpected {type(failure).__name__}")
                return
            app.call_from_thread(self._copy_from, target, values)

        self._pane.run_worker(read, thread=True, group="copy", exit_on_error=False,
                              description=f"read {target.store}/{target.name} to copy")

    def _copy_failed(self, target: ValueTarget, message: str) -> None:
        self._services.audit("copy", target.store, target.name, target.key, outcome="error")
        self._pane.app.notify(f"Could not copy {target.label()}: {escape_control(message)}", severity="error", markup=False)

    def _copy_from(self, target: ValueTarget, values: Mapping[str, str], version: str | None = None) -> None:
        label = target.label() + (f" version {escape_control(version)}" if version is not None else "")
        if target.key is not None:
            if target.key not in values:
                self._copy_failed(target, "the key is gone")
                return
            value, what = values[target.key], label
        elif len(values) == 1:
            value, what = next(iter(values.values())), label
        else:
            value, what = go_json(dict(values)), f"{label} ({len(values)} keys, as Dapr's JSON)"
        copied = self._services.clipboard.copy_and_tell(value, what, secret=True, badge=label)  # the badge: which secret only
        self._services.audit("copy", target.store, target.name, target.key, version, "ok" if copied else "error")

    # ----- =: "matches" or "does not match", never a value

    def verify(self, target: ValueTarget) -> None:
        shown, app = self._pane.shown, self._pane.app
        if shown is None or shown.ref != target.ref or shown.phase is Phase.READING:
            app.notify("The secret is still being read: press = again in a moment.", severity="warning", markup=False)
            return
        if shown.phase is not Phase.READ or shown.values is None:
            app.notify(f"Nothing to verify: {shown.version_label()} cannot be read.", severity="warning", markup=False)
            return
        if target.key is None and len(shown.values) != 1:
            app.notify(f"{target.label()} has {len(shown.values)} keys: highlight one (in the tree or the Secret pane), then press =.",
                       severity="warning", markup=False)
            return
        version = shown.version
        label = target.label() + (f" version {escape_control(version)}" if version is not None else "")
        self._pane.mask()  # another screen on top: nothing stays revealed under it (the app masks the rest)
        app.push_screen(VerifyScreen(label, lambda candidate: self._verify(target, version, label, candidate)))

    def _verify(self, target: ValueTarget, version: str | None, label: str, candidate: str) -> None:
        shown = self._pane.shown
        same = shown is not None and shown.ref == target.ref and shown.version == version
        verdict = verify_values(shown.values if same and shown is not None else None, target.key, candidate)
        del candidate
        self._services.audit("verify", target.store, target.name, verdict.key or target.key, version, verdict.outcome)
        notify = self._pane.app.notify
        if verdict.outcome == ERROR:
            reason = verdict.message if same else "the secret shown changed meanwhile"
            notify(f"Could not verify {label}: {escape_control(reason)}", severity="error", markup=False)
        elif verdict.outcome == MATCH:
            notify(f"{label}: matches", title="Verify", markup=False)
        else:
            notify(f"{label}: does not match", title="Verify", severity="warning", markup=False)

    # ----- v and the versions list

    def next_version(self) -> None:
        """`v`: read the next older readable version the store listed, then back to the current one."""
        shown = self._pane.shown
        if shown is None or not shown.versions:
            self._pane.app.notify("This secret has no versions to pick from.", severity="warning", markup=False)
            return
        version = shown.next_version()
        self._pane.pick_version(version)
        self._pane.sync_version_cursor()
        self._pane.app.notify(f"Showing {'version ' + escape_control(version) if version else 'the current version'}.",
                              markup=False)

    def on_version(self, action: str) -> None:
        """x or c in the versions list, once the pane picked the version under the cursor: act on
        it, read or not ("reveal" or "copy")."""
        shown = self._pane.shown
        if shown is not None and shown.phase is Phase.UNREADABLE:
            self._pane.app.notify(f"Version {escape_control(shown.version or '')} cannot be read: "
                                  f"{escape_control(shown.unreadable)}.", severity="warning", markup=False)
            return
        target = self._pane.acting_target()
        if target is None:
            return
        if action == "reveal":
            self.reveal(target)
        else:
            self.copy(target)  # the picked version, once read


class PlainValueActions:
    """x and c on a credential written as a plain value in a component file (ComponentView)."""

    def __init__(self, view: ComponentView, services: ValueServices) -> None:
        self._view = view
        self._services = services

    def reveal(self) -> None:
        """Reveal the plain credential under the cursor, or hide it; nothing else stays revealed."""
        row, item = self._view.highlighted_plain_row()
        if row is None or item is None:
            self._view.app.notify("Highlight a masked plain value first.", severity="warning", markup=False)
        elif self._view.reveal.toggle(row, alone=True):
            self._services.audit("reveal", self._view.component.name, item.name)

    def copy(self) -> None:
        _, item = self._view.highlighted_plain_row()
        if item is None or item.value is None:
            self._view.app.notify("Highlight a masked plain value first.", severity="warning", markup=False)
            return
        component = self._view.component.name
        what = escape_control(f"{component}/{item.name}") + " (plain value in the component file)"
        copied = self._services.clipboard.copy_and_tell(item.value, what, secret=True)
        self._services.audit("copy", component, item.name, outcome="ok" if copied else "error")
