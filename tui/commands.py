"""Command palette providers: jump to a secret (every ready store's names: opening the palette lists
the stores nobody opened yet, and results follow as names arrive), jump to a component, the app's
actions that can work on what is shown, and (Kubernetes mode) the namespace and context pickers.
Names are untrusted, so prompts are built as plain `Text` (Textual's `Matcher.highlight` and a
hit's `help` would parse them as markup) and never contain a value.

Providers see the app through one narrow facade, `PaletteHost` (the main screen implements it),
never through the app's attributes.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, cast

from rich.style import Style
from rich.text import Text
from textual.command import CommandInput, CommandPalette, DiscoveryHit, Hit, Matcher, Provider
from textual.widgets import Input

from dapr_secrets.backends.base import StoreError
from dapr_secrets.tui.actions import Action, palette_help
from dapr_secrets.tui.escape import escape_control

if TYPE_CHECKING:
    from dapr_secrets.backends.kubernetes_resources import KubeContext
    from dapr_secrets.backends.runtime import RuntimeOptions
    from dapr_secrets.components.model import Component
    from dapr_secrets.tui.search import SearchService

MATCH_STYLE = Style(bold=True, underline=True)
FUZZY_LIMIT = 2_000  # above this many names in a store, candidates are pre-filtered by substring
MAX_HITS_PER_STORE = 200
LISTING_SCORE = 0.001  # the "still listing" line sorts below every match
NAMESPACE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")  # a DNS-1123 label, as Kubernetes requires


class PaletteHost(Protocol):
    """What the palette may see and do: the search service, the components, jumps, the actions
    that can work now, and (Kubernetes mode) switching namespace or context."""

    @property
    def search(self) -> SearchService: ...

    @property
    def components(self) -> Sequence[Component]: ...

    @property
    def options(self) -> RuntimeOptions: ...

    @property
    def current_context(self) -> str | None: ...

    def jump_to_secret(self, store: str, name: str, key: str | None = None) -> Awaitable[None]: ...

    def jump_to_component(self, name: str) -> None: ...

    def available_actions(self) -> list[Action]: ...

    def run_named_action(self, name: str) -> object: ...

    def switch_namespace(self, namespace: str) -> None: ...

    def switch_context(self, context: KubeContext) -> None: ...


class HasPaletteHost(Protocol):
    @property
    def palette_host(self) -> PaletteHost: ...


def highlighted(matcher: Matcher | None, prefix: str, candidate: str) -> Text:
    """`prefix` + `candidate` as plain text, with the matched characters of `candidate` styled."""
    shown = escape_control(candidate)
    text = Text.assemble((prefix, "dim"), shown, end="")
    if matcher is not None and shown == candidate:  # offsets only line up when nothing was escaped
        _score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
        for offset in offsets:
            text.stylize(MATCH_STYLE, len(prefix) + offset, len(prefix) + offset + 1)
    return text


class _HostProvider(Provider):
    @property
    def host(self) -> PaletteHost:
        return cast(HasPaletteHost, self.app).palette_host


class SecretsProvider(_HostProvider):
    """Jump to any secret of a ready store. Opening the palette lists the stores not indexed yet;
    the palette searches again as their names arrive."""

    async def startup(self) -> None:
        self.host.search.open("palette", self._search_again)

    async def shutdown(self) -> None:
        self.host.search.close("palette")

    def _search_again(self) -> None:
        """The palette searches when its input announces a value: ask the input to announce the
        same text again (a real `Changed` from the input, through Textual's public reactive API)."""
        palette = self.app.screen  # the provider's own `screen` is the one the palette was opened from
        if isinstance(palette, CommandPalette):
            field = palette.query_one(CommandInput)
            if field.value.strip():
                field.mutate_reactive(Input.value)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        if not query:
            return
        matcher = self.matcher(query)
        host = self.host
        listing, _ = host.search.progress()
        if listing:
            stores = escape_control(", ".join(listing))
            yield Hit(LISTING_SCORE, Text(f"⋯ still listing names of {stores}: more may match", style="dim italic"),
                      _nothing, text="still listing")
        for store, index in host.search.indexes().items():
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
                        partial(host.jump_to_secret, store, name),
                        text=escape_control(f"{store}: {name}"),
                        help="jump to this secret",
                    )


def _nothing() -> None:
    """What choosing an information line does."""


class ComponentsProvider(_HostProvider):
    """Jump to any component."""

    def _components(self) -> list[tuple[str, str]]:
        return [(c.name, escape_control(c.type)) for c in self.host.components]

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        app = self.host
        for name, kind in self._components():
            yield DiscoveryHit(
                Text.assemble(("component ", "dim"), escape_control(name), (f"  {kind}", "dim"), end=""),
                partial(app.jump_to_component, name),
                text=escape_control(f"component {name}"),
            )

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        app = self.host
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


class ActionsProvider(_HostProvider):
    """What the keys do, plus the actions that have no key (tui/actions.py): those that can work
    on what is shown (the rule the footer follows too)."""

    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        host = self.host
        return [(row.title, palette_help(row), partial(host.run_named_action, row.action)) for row in host.available_actions()]

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        for title, help_text, action in self._actions():
            yield DiscoveryHit(title, action, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for title, help_text, action in self._actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), action, text=title, help=help_text)


class _PickerProvider(_HostProvider):
    """A palette that lists choices read in a thread when it opens. When they cannot be read, the
    reason shows in place (and in a notification), and typing still works where it can."""

    what = ""  # "namespaces" / "contexts", for messages

    def __init__(self, *args: Any, **kwargs: Any) -> None:
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.namespaces: list[str] = []

    def load(self) -> None:
        from dapr_secrets.backends.kubernetes_resources import list_namespaces

        options = self.host.options
        self.namespaces = list_namespaces(kubeconfig=None, context=options.kube_context, env=options.daprd_env())

    def retry(self) -> None:
        self.host.run_named_action("switch_namespace")

    def _prompt(self, matcher: Matcher | None, namespace: str) -> Text:
        text = highlighted(matcher, "namespace ", namespace)
        if namespace == self.host.options.daprd_namespace():
            text.append("  ● current", style="green")
        return text

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        if self.error is not None:
            yield self.error_hit(typing_works=True)
        app = self.host
        for namespace in self.namespaces:
            yield DiscoveryHit(self._prompt(None, namespace), partial(app.switch_namespace, namespace), text=escape_control(namespace))

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        app = self.host
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contexts: list[KubeContext] = []
        self.current: str | None = None

    def load(self) -> None:
        from dapr_secrets.backends.kubernetes_resources import list_contexts

        self.contexts, self.current = list_contexts(None, self.host.options.daprd_env())

    def retry(self) -> None:
        self.host.run_named_action("switch_context")

    def _prompt(self, matcher: Matcher | None, context: KubeContext) -> Text:
        name = context.name
        text = highlighted(matcher, "context ", name)
        if name == (self.host.current_context or self.current):
            text.append("  ● current", style="green")
        where = f"cluster {context.cluster}, user {context.user}, namespace {context.namespace or 'default'}"
        text.append(f"\n{escape_control(where)}", style="dim")
        return text

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        if self.error is not None:
            yield self.error_hit(typing_works=False)
        app = self.host
        for context in self.contexts:
            yield DiscoveryHit(self._prompt(None, context), partial(app.switch_context, context), text=context.name)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        app = self.host
        for context in self.contexts:
            score = matcher.match(context.name)
            if score > 0:
                yield Hit(score, self._prompt(matcher, context), partial(app.switch_context, context), text=context.name)
        if self.error is not None:
            hit = self.error_hit(typing_works=False)
            yield Hit(0.01, hit.display, hit.command, text=hit.text)
