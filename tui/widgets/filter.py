"""`/`: an incremental filter over the names of every loaded store, as a list of matches.

It works on the stores' in-memory name indexes, never on tree widgets, and shows at most
MAX_SHOWN matches, so a keystroke costs a scan of the names and nothing more. Stores still being
listed are searched as far as their names have arrived, and named below the matches.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from dapr_secrets.tui.messages import JumpToSecret
from dapr_secrets.tui.name_index import NameIndex
from dapr_secrets.tui.safe_text import escape_control, safe_text

MAX_SHOWN = 500


class FilterInput(Input):
    BINDINGS = [Binding("down", "results", "Results", show=False)]

    def action_results(self) -> None:
        results = self.screen.query_one(FilterResults)
        results.focus()
        if results.highlighted is None and results.option_count:
            results.highlighted = 0


class FilterResults(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self._matches: list[tuple[str, str]] = []

    def show_matches(
        self,
        query: str,
        indexes: dict[str, NameIndex],
        listing: Sequence[str] = (),
        unsearched: Sequence[tuple[str, str]] = (),
    ) -> int:
        """List the names containing `query` in every indexed store; returns how many matched.
        `listing`: stores whose names are still arriving; `unsearched`: (store, why) for stores
        that cannot be listed (not ready, or the listing failed)."""
        self._matches = []
        total = 0
        for store, index in indexes.items():
            room = MAX_SHOWN - len(self._matches)
            matches, found = index.search(query, limit=max(room, 0))
            total += found
            self._matches += [(store, name) for name in matches]
        options: list[Option | None] = [
            Option(Text.assemble((escape_control(store), "dim"), "  ", safe_text(name), end=""), id=str(i))
            for i, (store, name) in enumerate(self._matches)
        ]
        if total > len(self._matches):
            more = Text(f"… and {total - len(self._matches):,} more: type more to narrow", style="dim italic")
            options.append(Option(more, disabled=True))
        if not total:
            empty = "No match so far." if listing else "No name matches." if indexes else "No store is ready yet."
            options.append(Option(Text(empty, style="dim"), disabled=True))
        if listing:
            still = ", ".join(_progress(store, indexes.get(store)) for store in listing)
            options.append(Option(Text(f"⋯ still listing names: {still}", style="dim italic"), disabled=True))
        if unsearched:
            names = ", ".join(f"{escape_control(store)} ({escape_control(why)})" for store, why in unsearched)
            options.append(Option(Text(f"Not searched: {names}", style="dim italic"), disabled=True))
        self.set_options(options)
        return total

    def choose(self, index: int | None = None) -> None:
        """Jump to the highlighted match (or the given one)."""
        position = self.highlighted if index is None else index
        if position is not None and 0 <= position < len(self._matches):
            store, name = self._matches[position]
            self.post_message(JumpToSecret(store, name))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option_index)


def _progress(store: str, index: NameIndex | None) -> str:
    return escape_control(store) + (f" ({len(index):,} so far)" if index is not None else "")
