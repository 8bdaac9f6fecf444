"""Command palette providers: jump to a secret or one of its keys (every ready store's names: opening
the palette lists the stores nobody opened yet, every folder of a hierarchical one too, and results
follow as names arrive), jump to a component, the app's actions that can work on what is shown, and
(Kubernetes mode) the namespace and context pickers.

Ranking (one scale across providers, see `rank`): an exact name first, then whole segments
(`password` in `db/password`), then substrings, then fuzzy hits; components above secrets at each
step. A `store:` prefix (`vault:db`) keeps to one store. What a hit shows (`files: db[password]`,
`component files`) typed back finds that hit first.
Names are untrusted, so prompts are built as plain `Text` (Textual's `Matcher.highlight` and a
hit's `help` would parse them as markup) and never contain a value.

Providers see the app through one narrow facade, `PaletteHost` (the main screen implements it),
never through the app's attributes.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, cast

from rich.style import Style
from rich.text import Text
from textual.command import CommandInput, CommandPalette, DiscoveryHit, Hit, Matcher, Provider
from textual.widgets import Input

from dapr_secrets.backends.base import StoreError
from dapr_secrets.tui.actions import Action, palette_help
from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.widgets.filter import still_listing

if TYPE_CHECKING:
    from dapr_secrets.backends.kubernetes_resources import KubeContext
    from dapr_secrets.backends.runtime import RuntimeOptions
    from dapr_secrets.components.model import Component
    from dapr_secrets.tui.search import SearchService

MATCH_STYLE = Style(bold=True, underline=True)
FUZZY_LIMIT = 2_000  # above this many names in a store, candidates are pre-filtered by substring
MAX_HITS_PER_STORE = 200
LISTING_SCORE = 0.001  # the "still listing" line sorts below every match
# Scores, highest first: the same scale for components and secrets (Textual sorts all hits by score).
EXACT, SEGMENTS, SUBSTRING, FUZZY = 0.98, 0.9, 0.7, 0.45
COMPONENT_BONUS = 0.02  # a component above a secret of the same rank
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

    @property
    def keymap(self) -> Mapping[str, str]: ...

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


def rank(fold: Callable[[str], str], terms: list[str], target: str) -> float:
    """How well the query's words (already folded) match `target` (a name, or `name/key`), on the
    EXACT > SEGMENTS > SUBSTRING scale; 0 when some word is not in it. Shorter targets first."""
    folded = fold(target)
    if not terms or not all(term in folded for term in terms):
        return 0.0
    tie = min(len(target), 500) / 100_000  # at most 0.005: never crosses a rank
    if " ".join(terms) == folded:
        return EXACT - tie
    bounded = "/" + folded + "/"
    if all(f"/{term.strip('/')}/" in bounded for term in terms):
        return SEGMENTS - tie
    return SUBSTRING - tie


def fuzzy(matcher: Matcher, target: str) -> float:
    """A fuzzy-only hit on the same scale, below every substring: Textual's `Matcher.match` is not
    bounded by 1 (4.3 for "ord" in "Forward"), so it is squeezed into (0, FUZZY), order kept."""
    score = matcher.match(target)
    return FUZZY * score / (score + 1) if score > 0 else 0.0


def split_store(query: str, stores: Sequence[str]) -> tuple[str | None, str]:
    """`vault:db` or `vault: db` -> ("vault", "db") when `vault` is a store; else (None, query)."""
    head, colon, rest = query.partition(":")
    wanted = head.strip().casefold()
    if colon and rest.strip():
        for store in stores:
            if store.casefold() == wanted:
                return store, rest.strip()
    return None, query


def shown_secret(name: str, key: str | None) -> str:
    return name if key is None else f"{name}[{key}]"


class SecretsProvider(_HostProvider):
    """Jump to any secret (or a known key of one) of a ready store. Opening the palette lists the
    stores not indexed yet; the palette searches again as their names arrive."""

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
        if not query.strip():
            return
        host = self.host
        indexes = host.search.indexes()
        store_only, rest = split_store(query, list(indexes))
        listing, unsearched = host.search.progress()
        listing = [(store, how) for store, how in listing if store_only in (None, store)]
        if listing:
            yield Hit(LISTING_SCORE, Text(still_listing(listing, detail=False), style="dim italic"), _nothing, text="still listing")
        unsearched = [(store, why) for store, why in unsearched if store_only in (None, store)]
        if unsearched:
            names = ", ".join(f"{escape_control(store)} ({escape_control(why)})" for store, why in unsearched)
            yield Hit(LISTING_SCORE * 0.8, Text(f"not searched: {names}", style="dim italic"), _nothing, text="not searched")
        keys_unknown = [store for store in host.search.keys_read_only() if store_only in (None, store)]
        if keys_unknown:
            note = f"keys searched only in secrets you opened: {escape_control(', '.join(keys_unknown))}"
            yield Hit(LISTING_SCORE / 2, Text(note, style="dim italic"), _nothing, text="keys searched only once read")
        seen: set[tuple[str, str, str | None]] = set()
        searches = [(store_only, rest)] + ([(None, query)] if store_only is not None else [])  # `redis:x` may be a name
        for only, text in searches:
            matcher = self.matcher(text)
            for store, index in indexes.items():
                if only not in (None, store):
                    continue
                terms = index.terms(text)
                found = index.search(text, limit=MAX_HITS_PER_STORE)
                rows: list[tuple[str, str | None]] = [(name, None) for name in found.names] + list(found.keys)
                if len(index) <= FUZZY_LIMIT:  # fuzzy hits too, where a store is small enough to try every name
                    rows += [(name, None) for name in index.names()]
                for name, key in rows:
                    if (store, name, key) in seen:
                        continue
                    target = name if key is None else f"{name}/{key}"
                    score = rank(index.fold, terms, target)
                    if not score and key is None:
                        score = fuzzy(matcher, name)
                    if score <= 0:
                        continue
                    seen.add((store, name, key))
                    shown = shown_secret(name, key)
                    yield Hit(
                        score,
                        highlighted(matcher, f"{escape_control(store)}: ", shown),
                        partial(host.jump_to_secret, store, name, key),
                        text=escape_control(f"{store}: {shown}"),
                        help="jump to this key" if key is not None else "jump to this secret",
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
        query = query.strip()
        if query.casefold().startswith("component "):  # what a hit shows, typed back
            query = query[len("component "):].strip()
        matcher = self.matcher(query)
        app = self.host
        terms = query.casefold().split()
        for name, kind in self._components():
            score = rank(str.casefold, terms, name) or fuzzy(matcher, name)
            if score > 0:
                score += COMPONENT_BONUS
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
        return [(row.title, palette_help(row, host.keymap), partial(host.run_named_action, row.action))
                for row in host.available_actions()]

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        for title, help_text, action in self._actions():
            yield DiscoveryHit(title, action, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        terms = query.casefold().split()
        for title, help_text, action in self._actions():
            score = rank(str.casefold, terms, title) or fuzzy(matcher, title)  # the scale names use
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
