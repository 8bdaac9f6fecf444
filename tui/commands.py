"""Command palette providers: jump to a secret (every ready store's names: opening the palette lists
the stores nobody opened yet, and results follow as names arrive), jump to a component, the app's
actions that can work on what is shown, and (Kubernetes mode) the namespace and context pickers.
Names are untrusted, so prompts are built as plain `Text` (Textual's `Matcher.highlight` and a
hit's `help` would parse them as markup) and never contain a value."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Matcher, Provider

from dapr_secrets.backends.base import StoreError
from dapr_secrets.tui.safe_text import escape_control

if TYPE_CHECKING:
    from dapr_secrets.backends.kubernetes_resources import KubeContext
    from dapr_secrets.tui.app import DaprSecretsApp

MATCH_STYLE = Style(bold=True, underline=True)
FUZZY_LIMIT = 2_000  # above this many names in a store, candidates are pre-filtered by substring
MAX_HITS_PER_STORE = 200
LISTING_SCORE = 0.001  # the "still listing" line sorts below every match
NAMESPACE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")  # a DNS-1123 label, as Kubernetes requires


def highlighted(matcher: Matcher | None, prefix: str, candidate: str) -> Text:
    """`prefix` + `candidate` as plain text, with the matched characters of `candidate` styled."""
    shown = escape_control(candidate)
    text = Text.assemble((prefix, "dim"), shown, end="")
    if matcher is not None and shown == candidate:  # offsets only line up when nothing was escaped
        _score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
        for offset in offsets:
            text.stylize(MATCH_STYLE, len(prefix) + offset, len(prefix) + offset + 1)
    return text


class _AppProvider(Provider):
    @property
    def dapr_app(self) -> DaprSecretsApp:
        return cast("DaprSecretsApp", self.app)


class SecretsProvider(_AppProvider):
    """Jump to any secret of a ready store. Opening the palette lists the stores not indexed yet;
    the app searches again as their names arrive."""

    async def startup(self) -> None:
        self.dapr_app.palette_searching = True
        self.dapr_app.index_ready_stores()

    async def shutdown(self) -> None:
        self.dapr_app.palette_searching = False

    async def search(self, query: str) -> AsyncIterator[Hit]:
        if not query:
            return
        matcher = self.matcher(query)
        app = self.dapr_app
        listing, _ = app.search_progress()
        if listing:
            stores = escape_control(", ".join(listing))
            yield Hit(LISTING_SCORE, Text(f"⋯ still listing names of {stores}: more may match", style="dim italic"),
                      _nothing, text="still listing")
        for store, index in app.loaded_indexes().items():
            if len(index) <= FUZZY_LIMIT:
                candidates = index.names()
            else:
                candidates, _ = index.search(query, limit=MAX_HITS_PER_STORE)
            prefix = f"{escape_control(store)}: "
            for name in candidates:
                score = matcher.match(name)
                if score > 0:
                    yield Hit(
                        score,
                        highlighted(matcher, prefix, name),
                        partial(app.jump_to_secret, store, name),
                        text=escape_control(f"{store}: {name}"),
                        help="jump to this secret",
                    )


def _nothing() -> None:
    """What choosing an information line does."""


class ComponentsProvider(_AppProvider):
    """Jump to any component."""

    def _components(self) -> list[tuple[str, str]]:
        return [(c.name, escape_control(c.type)) for c in self.dapr_app.runtime.components]

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        app = self.dapr_app
        for name, kind in self._components():
            yield DiscoveryHit(
                Text.assemble(("component ", "dim"), escape_control(name), (f"  {kind}", "dim"), end=""),
                partial(app.jump_to_component, name),
                text=escape_control(f"component {name}"),
            )

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        app = self.dapr_app
        for name, kind in self._components():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, "component ", name).append(f"  {kind}", style="dim"),
                    partial(app.jump_to_component, name),
                    text=escape_control(f"component {name}"),
                    help="jump to this component",
                )


class ActionsProvider(_AppProvider):
    """What the keys do, plus the copy variants that have no key: those that can work on what is
    shown (the app's `can`, the rule the footer follows too)."""

    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.dapr_app
        actions = [
            ("switch_namespace", "Switch namespace…", "n: read the Dapr components of another namespace, like a daprd there"),
            ("switch_context", "Switch context…", "another kubeconfig context (cluster or user)"),
            ("reveal", "Reveal / hide value", "x: show the highlighted value (re-masks on move and after a timeout)"),
            ("copy", "Copy value", "c: copy the highlighted value without showing it"),
            ("verify", "Verify value…", "=: does a candidate match the highlighted value? never shows it"),
            ("compare", "Compare with…", "this store against another store, folder or namespace; values are never shown"),
            ("version", "Next version", "v: read the next older version of the highlighted secret"),
            ("copy_name", "Copy name", "copy the highlighted secret's name"),
            ("copy_reference", "Copy as secretKeyRef YAML", "a component metadata item that reads this secret"),
            ("copy_url", "Copy Dapr API URL", "GET http://localhost:3500/v1.0/secrets/<store>/<name>"),
            ("sort_by_age", "Sort by age / by name", "a: how long ago each secret changed, newest first; again: by name"),
            ("filter", "Filter names", "/: filter the names of every ready store"),
            ("refresh", "Refresh", "ctrl+r: read the files and stores again, keeping what is open"),
            ("doctor", "Doctor", "d: everything wrong, with a jump to each problem"),
            ("drift", "Prediction vs sidecar", "what the files predict next to what the running sidecar loaded and answers"),
            ("audit_log", "Audit log", "who revealed, copied, verified or compared what, and when (never values)"),
            ("help", "Help", "?: every key"),
        ]
        return [(title, help_text, getattr(app, f"action_{name}")) for name, title, help_text in actions if app.can(name)]

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        for title, help_text, action in self._actions():
            yield DiscoveryHit(title, action, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for title, help_text, action in self._actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), action, text=title, help=help_text)


class _PickerProvider(_AppProvider):
    """A palette that lists choices read in a thread when it opens. When they cannot be read, the
    reason shows in place (and in a notification), and typing still works where it can."""

    what = ""  # "namespaces" / "contexts", for messages

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.error: StoreError | None = None

    async def startup(self) -> None:
        worker = self.app.run_worker(self._read, thread=True, group="picker", exit_on_error=False, description=f"list {self.what}")
        await worker.wait()

    def _read(self) -> None:
        try:
            self.load()
        except Exception as failure:  # noqa: BLE001 - a bug must not leave an empty, silent palette
            error = failure if isinstance(failure, StoreError) else StoreError(f"unexpected {type(failure).__name__}")
            self.error = error
            text = f"Cannot list {self.what}: {escape_control(error.message)}"
            if error.hint:
                text += f"\nhint: {escape_control(error.hint)}"
            self.app.notify(text, severity="error", markup=False, timeout=10)

    def load(self) -> None:
        """Read the choices (blocking; runs in a thread). Raises StoreError."""
        raise NotImplementedError

    def error_hit(self, typing_works: bool) -> DiscoveryHit:
        assert self.error is not None
        text = Text.assemble((f"✗ cannot list {self.what}: ", "bold red"), escape_control(self.error.message), end="")
        if self.error.hint:
            text.append(f"\n{escape_control(self.error.hint)}", style="italic")
        if typing_works:
            text.append("\ntype a name to switch to it anyway", style="dim")
        return DiscoveryHit(text, self.retry, text=f"cannot list {self.what}")

    def retry(self) -> None:
        raise NotImplementedError


class NamespaceProvider(_PickerProvider):
    """Every namespace the user may list; any typed namespace name too (RBAC often forbids listing)."""

    what = "namespaces"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.namespaces: list[str] = []

    def load(self) -> None:
        from dapr_secrets.backends.kubernetes_resources import list_namespaces

        options = self.dapr_app.runtime.options
        self.namespaces = list_namespaces(kubeconfig=None, context=options.kube_context, env=options.daprd_env())

    def retry(self) -> None:
        self.dapr_app.action_switch_namespace()

    def _prompt(self, matcher: Matcher | None, namespace: str) -> Text:
        text = highlighted(matcher, "namespace ", namespace)
        if namespace == self.dapr_app.runtime.options.daprd_namespace():
            text.append("  ● current", style="green")
        return text

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        if self.error is not None:
            yield self.error_hit(typing_works=True)
        app = self.dapr_app
        for namespace in self.namespaces:
            yield DiscoveryHit(self._prompt(None, namespace), partial(app.switch_namespace, namespace), text=escape_control(namespace))

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        app = self.dapr_app
        for namespace in self.namespaces:
            score = matcher.match(namespace)
            if score > 0:
                yield Hit(score, self._prompt(matcher, namespace), partial(app.switch_namespace, namespace), text=escape_control(namespace))
        typed = query.strip()
        if typed not in self.namespaces and NAMESPACE_NAME.fullmatch(typed):
            prompt = highlighted(None, "namespace ", typed).append("  (as typed)", style="dim")
            yield Hit(0.5, prompt, partial(app.switch_namespace, typed), text=typed, help="switch to this namespace")
        if self.error is not None:
            hit = self.error_hit(typing_works=True)
            yield Hit(0.01, hit.display, hit.command, text=hit.text)


class ContextProvider(_PickerProvider):
    """The contexts of the kubeconfig (KUBECONFIG, else ~/.kube/config)."""

    what = "contexts"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.contexts: list[KubeContext] = []
        self.current: str | None = None

    def load(self) -> None:
        from dapr_secrets.backends.kubernetes_resources import list_contexts

        self.contexts, self.current = list_contexts(None, self.dapr_app.runtime.options.daprd_env())

    def retry(self) -> None:
        self.dapr_app.action_switch_context()

    def _prompt(self, matcher: Matcher | None, context: KubeContext) -> Text:
        name = context.name
        text = highlighted(matcher, "context ", name)
        if name == (self.dapr_app.current_context or self.current):
            text.append("  ● current", style="green")
        where = f"cluster {context.cluster}, user {context.user}, namespace {context.namespace or 'default'}"
        text.append(f"\n{escape_control(where)}", style="dim")
        return text

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        if self.error is not None:
            yield self.error_hit(typing_works=False)
        app = self.dapr_app
        for context in self.contexts:
            yield DiscoveryHit(self._prompt(None, context), partial(app.switch_context, context), text=context.name)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        app = self.dapr_app
        for context in self.contexts:
            score = matcher.match(context.name)
            if score > 0:
                yield Hit(score, self._prompt(matcher, context), partial(app.switch_context, context), text=context.name)
        if self.error is not None:
            hit = self.error_hit(typing_works=False)
            yield Hit(0.01, hit.display, hit.command, text=hit.text)
