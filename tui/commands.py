"""Command palette providers: jump to a secret (every loaded name), jump to a component, and the
app's actions. Names are untrusted, so prompts are built as plain `Text` (Textual's
`Matcher.highlight` would parse them as markup) and never contain a value."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Matcher, Provider

from tui.safe_text import escape_control

if TYPE_CHECKING:
    from tui.app import DaprSecretsApp

MATCH_STYLE = Style(bold=True, underline=True)
FUZZY_LIMIT = 2_000  # above this many names in a store, candidates are pre-filtered by substring
MAX_HITS_PER_STORE = 200


def highlighted(matcher: Matcher, prefix: str, candidate: str) -> Text:
    """`prefix` + `candidate` as plain text, with the matched characters of `candidate` styled."""
    shown = escape_control(candidate)
    text = Text.assemble((prefix, "dim"), shown, end="")
    if shown == candidate:  # offsets only line up when nothing was escaped
        _score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
        for offset in offsets:
            text.stylize(MATCH_STYLE, len(prefix) + offset, len(prefix) + offset + 1)
    return text


class _AppProvider(Provider):
    @property
    def dapr_app(self) -> DaprSecretsApp:
        return cast("DaprSecretsApp", self.app)


class SecretsProvider(_AppProvider):
    """Jump to any secret of a store whose names are loaded."""

    async def search(self, query: str) -> AsyncIterator[Hit]:
        if not query:
            return
        matcher = self.matcher(query)
        app = self.dapr_app
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
                        text=f"{store}: {name}",
                        help="jump to this secret",
                    )


class ComponentsProvider(_AppProvider):
    """Jump to any component."""

    def _components(self) -> list[tuple[str, str]]:
        return [(c.name, c.type) for c in self.dapr_app.runtime.components]

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        app = self.dapr_app
        for name, kind in self._components():
            yield DiscoveryHit(
                Text.assemble(("component ", "dim"), escape_control(name), (f"  {kind}", "dim"), end=""),
                partial(app.jump_to_component, name),
                text=f"component {name}",
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
                    text=f"component {name}",
                    help="jump to this component",
                )


class ActionsProvider(_AppProvider):
    """What the keys do, plus the copy variants that have no key."""

    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.dapr_app
        return [
            ("Reveal / hide value", "x: show the highlighted value (re-masks on move and after a timeout)", app.action_reveal),
            ("Copy value", "c: copy the highlighted value without showing it", app.action_copy),
            ("Next version", "v: read the next older version of the highlighted secret", app.action_version),
            ("Copy name", "copy the highlighted secret's name", app.action_copy_name),
            ("Copy as secretKeyRef YAML", "a component metadata item that reads this secret", app.action_copy_reference),
            ("Copy Dapr API URL", "GET http://localhost:3500/v1.0/secrets/<store>/<name>", app.action_copy_url),
            ("Filter names", "/: filter the names of every loaded store", app.action_filter),
            ("Refresh", "ctrl+r: read the files and stores again, keeping what is open", app.action_refresh),
            ("Doctor", "d: everything wrong, with a jump to each problem", app.action_doctor),
            ("Help", "?: every key", app.action_help),
        ]

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        for title, help_text, action in self._actions():
            yield DiscoveryHit(title, action, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for title, help_text, action in self._actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), action, text=title, help=help_text)
