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
from functools import cached_property
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
from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.threads import DaemonThreadExecutor
from dapr_secrets.tui.user_config import UserConfig

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.driver import Driver

    from dapr_secrets.backends.drift import DriftRow
    from dapr_secrets.backends.kubernetes_resources import KubeContext
    from dapr_secrets.tui.commands import PaletteHost
    from dapr_secrets.tui.screens.main import MainScreen
    from dapr_secrets.tui.widgets.value_actions import ValueServices

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


APP_CSS = Path(__file__).with_name("app.tcss")


# The first frame needs none of the main screen's modules (its panes, the palette's providers, the
# other screens): they are imported when first used, after it (issue #16, cold start).
def _main_screen() -> Screen[Any]:
    from dapr_secrets.tui.screens.main import MainScreen

    screen = MainScreen()
    screen.css_path = [APP_CSS]  # read with the main screen when the app started without it (the start screen has its own)
    return screen


def _secrets_provider() -> type[Provider]:
    from dapr_secrets.tui.commands import SecretsProvider

    return SecretsProvider


def _components_provider() -> type[Provider]:
    from dapr_secrets.tui.commands import ComponentsProvider

    return ComponentsProvider


def _actions_provider() -> type[Provider]:
    from dapr_secrets.tui.commands import ActionsProvider

    return ActionsProvider


class DaprSecretsApp(App[None]):
    CSS_PATH = APP_CSS  # absolute: subclasses elsewhere find it too
    TITLE = "dapr-secrets"
    COMMANDS = App.COMMANDS | {_secrets_provider, _components_provider, _actions_provider}
    BINDINGS: ClassVar[list[BindingType]] = list(app_bindings())  # refresh, help, quit: on every screen
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {"main": _main_screen}  # the bottom of the stack
    DEFAULT_MODE: ClassVar[str] = "main"
    runtime: Runtime  # what is shown; set once loaded when the app was given options

    def __init__(self, runtime: Runtime | RuntimeOptions, settings: UiSettings = UiSettings(),
                 native_clipboard: NativeClipboard | None = None, audit: AuditLog | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        """`runtime`: a loaded one (tests, embedding), or the options to load one with (the command
        line): then the first frame shows the start screen, and the components are read in a
        thread after it (issue #16)."""
        self._pending: RuntimeOptions | None = runtime if isinstance(runtime, RuntimeOptions) else None
        self._started_with_runtime = self._pending is None
        if self._pending is not None:
            # The start screen is Textual's default screen (`get_default_screen`), not a mode's:
            # installing a mode's screen re-parses all the CSS before the first frame (App._init_mode).
            self.DEFAULT_MODE = "_default"  # type: ignore[misc]  # read by App.__init__, for this app only
        super().__init__()
        if isinstance(runtime, Runtime):
            self.runtime = runtime
        else:
            self.css_path = []  # the main screen brings it: the first frame does not wait for its parsing
        self.start_error: StoreError | None = None  # the components could not be loaded: the app ended
        self.clock = clock  # "now", for ages: tests and snapshots fix it
        self.settings = settings
        self.audit = audit if audit is not None else AuditLog(None)  # None: no trail (tests, embedding)
        self.clipboard_service = ClipboardService(self, settings.clipboard_mode, settings.clipboard_timeout, native_clipboard)
        self._cluster_note: Text | None = None  # in the header: a switch under way, or why one failed

    def get_default_screen(self) -> Screen[Any]:
        """The start screen, at the bottom of the stack of an app given options."""
        if self._pending is None:
            return super().get_default_screen()
        from dapr_secrets.tui.screens.start import StartScreen

        return StartScreen(self._pending)

    @property
    def started(self) -> bool:
        """The runtime is loaded (the main screen shows it, or is about to)."""
        return self._pending is None

    @cached_property
    def value_services(self) -> ValueServices:
        """For the panes' x, c, =: imported with the first pane that needs it, after the first frame."""
        from dapr_secrets.tui.widgets.value_actions import ValueServices

        return ValueServices(self.clipboard_service, self.audit_value, self.settings.reveal_timeout)

    @property
    def main_screen(self) -> MainScreen:
        """The screen with the main layout: the bottom of the stack, whatever is on top of it (the
        palette, the doctor, help) when a worker's result arrives."""
        from dapr_secrets.tui.screens.main import MainScreen  # loaded by now: this only looks it up

        screen = self.screen_stack[0 if self._started_with_runtime else 1]  # 0: the start screen
        assert isinstance(screen, MainScreen)
        return screen

    @property
    def palette_host(self) -> PaletteHost:
        """What the palette's providers may see and do (tui/commands.py)."""
        from dapr_secrets.tui.palette_host import AppPaletteHost

        return AppPaletteHost(self)

    @property
    def kubernetes_mode(self) -> bool:
        return (self._pending or self.runtime.options).kubernetes

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
        if self._pending is not None:
            # Reading the component files (YAML) and importing the main screen wait for the first frame.
            self.call_after_refresh(self._load_first_runtime, self._pending)
        else:
            self._runtime_shown()

    def _runtime_shown(self) -> None:
        """The runtime is on the main screen: what it tells at start-up."""
        unreadable = [d for d in cluster_problems(self.runtime) if d.code in CLUSTER_UNREADABLE]
        if unreadable:
            self._set_cluster_note(Text(f"✗ {escape_control(unreadable[0].message)}", style="bold red"))
        self.call_after_refresh(self._notify_problems)  # toasts after the first frame: it comes sooner

    @work(thread=True, group="start", exit_on_error=False, description="load the components")
    def _load_first_runtime(self, options: RuntimeOptions) -> None:
        """The components of the command line, and the main screen's modules, off the event loop."""
        try:
            runtime = Runtime.load(options)
            import dapr_secrets.tui.screens.main  # noqa: F401 - imported here so the event loop does not wait for it
        except StoreError as error:  # e.g. the cluster is unreachable: said after the app ends, as before it started
            self.call_from_thread(self._start_failed, error)
            return
        except Exception as error:  # noqa: BLE001 - a bug must not leave the app loading forever
            self.call_from_thread(self._start_failed, StoreError(f"could not load the components: unexpected {type(error).__name__}"))
            return
        self.call_from_thread(self._first_runtime_loaded, runtime)

    def _first_runtime_loaded(self, runtime: Runtime) -> None:
        self.runtime = runtime
        while len(self.screen_stack) > 1:  # help, opened over the start screen meanwhile
            self.pop_screen()
        # Over the start screen, which stays below it unseen (Textual cannot replace the bottom
        # screen); pushing reads app.tcss once, where a mode's screen would parse all CSS 3 times.
        self.push_screen(_main_screen())
        self._pending = None  # started: the main screen is screen_stack[1]
        self._runtime_shown()

    def _start_failed(self, error: StoreError) -> None:
        self.start_error = error
        self.exit(return_code=2)  # the CLI's code for inputs that cannot be loaded (tui/cli.py EXIT_USAGE)

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
        if self.started:  # while the components load, there is nothing to refresh yet
            self.main_screen.refresh_all()

    def action_command_palette(self) -> None:
        if self.started:  # its providers search what the main screen shows
            super().action_command_palette()

    def action_help(self) -> None:
        from dapr_secrets.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.kubernetes_mode))

    def action_drift(self) -> None:
        if not self.started:
            return
        from dapr_secrets.tui.screens.drift import DriftScreen

        self.push_screen(DriftScreen(self.runtime), self._drift_closed)  # type: ignore[arg-type]  # can() offers it only for a SidecarRuntime

    async def _drift_closed(self, row: DriftRow | None) -> None:
        if row is not None and self.runtime.component(row.component) is not None:
            await self.main_screen.jump_to(row.component, row.secret)

    def action_audit_log(self) -> None:
        from dapr_secrets.tui.screens.audit import AuditScreen

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
        if self.screen_stack and self.started:
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


def run_app(runtime: Runtime | RuntimeOptions, settings: UiSettings, audit: AuditLog | None = None,
            report: Callable[[str, str], None] | None = None) -> int:
    """Run the app until it ends. Given options, the app loads the runtime itself (after its first
    frame), closes it at the end, and reports with `report(message, hint)` why it could not."""
    app = DaprSecretsApp(runtime, settings, audit=audit)
    try:
        app.run()
    finally:
        app.clipboard_service.clear()  # the native clipboard still works after the terminal is gone
        if isinstance(runtime, RuntimeOptions) and hasattr(app, "runtime"):
            app.runtime.close()
    if app.start_error is not None and report is not None:
        report(app.start_error.message, app.start_error.hint)
    return app.return_code or 0
