"""The dapr-secrets terminal UI: the App holds what is global (the runtime shown, settings, the
clipboard service, the audit trail, switching namespace or context, masking on focus loss, quitting
and the crash report); the main screen (tui/screens/main.py) owns the layout and the panes.

The CLI calls `run_app(runtime, settings)`. Textual is imported only here and below.

In Kubernetes mode one runtime serves one namespace of one context, like one daprd. Switching
namespace or context loads a new runtime in a thread and swaps it in only if the cluster could be
read; otherwise the current one keeps working and the reason shows in the header and a notification.
"""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from dapr_secrets.backends.audit import AuditLog
from dapr_secrets.backends.base import StoreError
from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.components.model import Diagnostic, Severity
from dapr_secrets.tui.actions import app_bindings
from dapr_secrets.tui.ages import utc_now
from dapr_secrets.tui.clipboard import ClipboardService, NativeClipboard
from dapr_secrets.tui.commands import ActionsProvider, ComponentsProvider, PaletteHost, SecretsProvider
from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.palette_host import AppPaletteHost
from dapr_secrets.tui.screens.audit import AuditScreen
from dapr_secrets.tui.screens.help import HelpScreen
from dapr_secrets.tui.screens.main import MainScreen
from dapr_secrets.tui.threads import DaemonThreadExecutor
from dapr_secrets.tui.user_config import UserConfig
from dapr_secrets.tui.widgets.value_actions import ValueServices

if TYPE_CHECKING:
    from textual.driver import Driver

    from dapr_secrets.backends.drift import DriftRow
    from dapr_secrets.backends.kubernetes_resources import KubeContext

# Diagnostics of a cluster that could not be read at all: a switch that meets one is not made.
TERMINATED_GRACE = 2.0  # seconds Textual gets to restore the terminal after SIGTERM/SIGHUP
CLUSTER_UNREADABLE = frozenset({"kube-unauthorized", "kube-unreachable", "kube-timeout", "kube-config"})


@dataclass(frozen=True)
class UiSettings:
    reveal_timeout: float = 30.0  # --reveal-timeout seconds
    clipboard_timeout: float = 30.0  # --clipboard-timeout seconds
    no_reveal: bool = False  # --no-reveal
    clipboard_mode: str = "auto"  # auto | osc52 | native | off
    user: UserConfig = UserConfig()  # the user config file: keys, theme, its problems (tui/user_config.py)


def cluster_problems(runtime: Runtime) -> list[Diagnostic]:
    """Errors from reading the cluster (credentials, reachability, RBAC, Dapr not installed)."""
    return [
        d for d in runtime.diagnostics
        if d.severity == Severity.ERROR and (d.code.startswith("kube-") or d.code == "dapr-not-installed")
    ]


def daprd_options(options: RuntimeOptions, namespace: str | None, context: str | None) -> RuntimeOptions:
    """The options of a daprd in `namespace` of kubeconfig `context` (the runtime gives its stores
    NAMESPACE=namespace, as a sidecar's environment has it: the built-in store reads it, §3.3)."""
    return options.replace(namespace=namespace, kube_context=context)


class DaprSecretsApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it too
    TITLE = "dapr-secrets"
    COMMANDS = App.COMMANDS | {SecretsProvider, ComponentsProvider, ActionsProvider}
    BINDINGS: ClassVar[list[BindingType]] = list(app_bindings())  # refresh, help, quit: on every screen
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {"main": MainScreen}  # the bottom of the stack
    DEFAULT_MODE: ClassVar[str] = "main"

    def __init__(self, runtime: Runtime, settings: UiSettings = UiSettings(), native_clipboard: NativeClipboard | None = None,
                 audit: AuditLog | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        self.runtime = runtime
        self.clock = clock  # "now", for ages: tests and snapshots fix it
        self.settings = settings
        self.audit = audit if audit is not None else AuditLog(None)  # None: no trail (tests, embedding)
        self.clipboard_service = ClipboardService(self, settings.clipboard_mode, settings.clipboard_timeout, native_clipboard)
        self.value_services = ValueServices(self.clipboard_service, self.audit_value, settings.reveal_timeout)  # for the panes' x, c, =
        self._cluster_note: Text | None = None  # in the header: a switch under way, or why one failed

    @property
    def main_screen(self) -> MainScreen:
        """The screen with the main layout: the bottom of the stack, whatever is on top of it (the
        palette, the doctor, help) when a worker's result arrives."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    @property
    def palette_host(self) -> PaletteHost:
        """What the palette's providers may see and do (tui/commands.py)."""
        return AppPaletteHost(self)

    @property
    def kubernetes_mode(self) -> bool:
        return self.runtime.options.kubernetes

    @property
    def current_context(self) -> str | None:
        """The kubeconfig context in use, when known."""
        return self.runtime.cluster_info.get("context") or self.runtime.options.kube_context

    # ----- startup

    def get_driver_class(self) -> type[Driver]:
        """Textual's Linux driver, whose input thread ends at once on quit (tui/terminal_driver.py)."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            from dapr_secrets.tui.terminal_driver import PromptLinuxDriver

            return PromptLinuxDriver
        return driver

    def on_load(self) -> None:
        # Workers in daemon threads that quitting does not wait for (tui/threads.py).
        asyncio.get_running_loop().set_default_executor(DaemonThreadExecutor())

    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A worker that finishes after quitting (tui/threads.py) hands its result to nobody."""
        if self._loop is not None and self._loop.is_closed():
            return None
        return super().call_from_thread(callback, *args, **kwargs)

    def on_mount(self) -> None:
        from dapr_secrets.tui.preferences import apply_user_config

        apply_user_config(self, self.settings.user)
        self._clear_clipboard_on_signals()
        unreadable = [d for d in cluster_problems(self.runtime) if d.code in CLUSTER_UNREADABLE]
        if unreadable:
            self._set_cluster_note(Text(f"✗ {escape_control(unreadable[0].message)}", style="bold red"))
        self.call_after_refresh(self._notify_problems)  # toasts after the first frame: it comes sooner

    def header_parts(self) -> tuple[Text, list[Text | None], Text | None]:
        """What the header says (tui/widgets/header.py lays it out): where the components come from
        (cut first when narrow), then the app id, the Configuration in force and `reveal off`; and a
        switch under way, or why one failed (on a second line)."""
        options = self.runtime.options
        where = self.runtime.describe_source()
        mode = "sidecar" if options.sidecar_url else "kubernetes" if options.kubernetes else "self-hosted"
        text = Text.assemble(("dapr-secrets", "bold"), "  ", escape_control(where), ("  ", ""), (mode, "cyan"), end="")
        if options.kubernetes and self.current_context:
            text.append(f"  context: {escape_control(self.current_context)}", style="cyan")
        namespace = options.daprd_namespace()
        if namespace:
            text.append(f"  ns: {escape_control(namespace)}", style="cyan")
        app = Text(f"app: {escape_control(options.app_id)}", style="cyan", end="") if options.app_id else None
        configs = ", ".join(Path(name).name for name in options.config_files) or "none"
        config = None if options.sidecar_url else Text(f"config: {escape_control(configs)}", style="cyan", end="")
        reveal = Text("reveal off", style="yellow", end="") if self.settings.no_reveal else None
        return text, [app, config, reveal], self._cluster_note  # the footer shows ^p palette and ? help

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

    def _set_cluster_note(self, note: Text | None) -> None:
        self._cluster_note = note
        self.main_screen.update_header()

    # ----- app-wide keys

    def action_refresh(self) -> None:
        self.main_screen.refresh_all()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.kubernetes_mode))

    def action_drift(self) -> None:
        from dapr_secrets.tui.screens.drift import DriftScreen

        self.push_screen(DriftScreen(self.runtime), self._drift_closed)  # type: ignore[arg-type]  # can() offers it only for a SidecarRuntime

    async def _drift_closed(self, row: DriftRow | None) -> None:
        if row is not None and self.runtime.component(row.component) is not None:
            await self.main_screen.jump_to(row.component, row.secret)

    def action_audit_log(self) -> None:
        self.push_screen(AuditScreen(self.audit.path))  # push_screen masks what is revealed

    # ----- audit trail (names and outcomes only, never a value)

    def audit_value(self, action: str, store: str, name: str | None, key: str | None = None,
                    version: str | None = None, outcome: str = "ok", other: str | None = None) -> None:
        component = self.runtime.component(store)
        self.audit.record(action, store, component.type if component is not None else "", name, key, version, outcome, other)
        failure = self.audit.take_failure()  # said once; the action itself went on
        if failure:
            self.notify(escape_control(failure), title="Audit log", severity="warning", markup=False)

    # ----- Kubernetes: switching namespace or context

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
        """Load a runtime for `options` in a thread; swap it in when the cluster could be read.
        A newer switch cancels this one (exclusive): its result is then closed, never shown."""
        self._set_cluster_note(Text(f"⋯ switching to {escape_control(what)}…", style="italic"))
        self._load_runtime(options, what)

    @work(thread=True, exclusive=True, group="switch", exit_on_error=False, description="switch namespace or context")
    def _load_runtime(self, options: RuntimeOptions, what: str) -> None:
        worker = get_current_worker()
        try:
            runtime = Runtime.load(options)
        except StoreError as error:
            self.call_from_thread(self._switch_failed, worker, what, error.message, error.hint)
            return
        except Exception as error:  # noqa: BLE001 - a bug must not take the current view down
            self.call_from_thread(self._switch_failed, worker, what, f"unexpected {type(error).__name__}", "")
            return
        self.call_from_thread(self._switched, worker, what, runtime)

    def _switched(self, worker: Worker[None], what: str, runtime: Runtime) -> None:
        if worker.is_cancelled:  # the user picked something else meanwhile (checked here, on the UI thread)
            self.close_later(runtime)
            return
        unreadable = [d for d in cluster_problems(runtime) if d.code in CLUSTER_UNREADABLE]
        if unreadable:
            self.close_later(runtime)
            self._switch_failed(worker, what, unreadable[0].message, unreadable[0].hint)
            return
        previous, self.runtime = self.runtime, runtime
        self.close_later(previous)
        self._cluster_note = None
        self.main_screen.reset_views()
        self.notify(f"Switched to {escape_control(what)}.", markup=False, timeout=3)
        self._notify_problems()
        namespace = runtime.options.daprd_namespace()
        if namespace not in runtime.cluster_info.get("namespaces", [namespace]):  # a listed cluster, without it
            self.notify(
                f"Namespace {escape_control(namespace)} does not exist in context {escape_control(self.current_context or '')}: "
                "nothing to show there. Check the name (n lists the namespaces).",
                severity="warning", markup=False, timeout=10,
            )

    def _switch_failed(self, worker: Worker[None], what: str, message: str, hint: str) -> None:
        if worker.is_cancelled:
            return
        self._set_cluster_note(Text(f"✗ could not switch to {escape_control(what)}: {escape_control(message)}", style="bold red"))
        text = f"Could not switch to {escape_control(what)}: {escape_control(message)}"
        if hint:
            text += f"\nhint: {escape_control(hint)}"
        self.notify(text + "\nStill showing what was open.", severity="error", markup=False, timeout=10)

    @work(thread=True, group="close", exit_on_error=False, description="close a runtime")
    def close_later(self, runtime: Runtime) -> None:
        runtime.close()

    # ----- screens, focus, clipboard and quitting

    def mask_values(self) -> None:
        """Hide every revealed value (another screen on top, the terminal lost focus)."""
        if self.screen_stack:
            self.main_screen.mask_values()

    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52 for any text, binary values included: undecodable bytes (kept as surrogate
        escapes) go out as the original bytes instead of failing to encode."""
        self._clipboard = text
        if self._driver is not None:
            payload = base64.b64encode(text.encode("utf-8", "surrogateescape")).decode("ascii")
            self._driver.write(f"\x1b]52;c;{payload}\a")

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:  # Textual's overloads, passed through
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
        # Textual's shutdown can wait forever on a terminal that is gone (after `e` suspended the app,
        # closing the window left the process blocked in its writer thread): end it regardless.
        watchdog = threading.Timer(TERMINATED_GRACE, os._exit, (143,))
        watchdog.daemon = True
        watchdog.start()

    async def action_quit(self) -> None:
        self.clipboard_service.clear()  # do not leave a copied secret behind
        self.exit()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
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
