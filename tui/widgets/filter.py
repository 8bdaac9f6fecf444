"""`/`: an incremental filter over the names of every loaded store, as a list of matches.

It works on the stores' in-memory name indexes, never on tree widgets, and shows at most
MAX_SHOWN matches, so a keystroke costs a scan of the names and nothing more. Stores still being
listed are searched as far as their names have arrived, and named below the matches ("N stores
still being listed"), as are stores that cannot be searched and where keys are searched only once read.
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

MAX_SHOWN = 200  # a screen shows ~30; each shown match costs the OptionList ~0.1 ms to lay out
COUNT_UP_TO = 10_000  # past this many, "… and 9,800+ more" (an exact count of a million matches helps nobody)


class FilterInput(Input):
    BINDINGS = [
        Binding("down", "results", "Results", show=False),
        # While typing, alt+arrows move by word, as in any text field (elsewhere they are back / forward).
        Binding("alt+left", "cursor_left_word", show=False),
        Binding("alt+right", "cursor_right_word", show=False),
    ]

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
        self._matches: list[tuple[str, str, str | None]] = []  # (store, secret, key or None)

    def show_matches(
        self,
        query: str,
        indexes: dict[str, NameIndex],
        listing: Sequence[tuple[str, str]] = (),
        unsearched: Sequence[tuple[str, str]] = (),
        keys_read_only: Sequence[str] = (),
    ) -> int:
        """List the names (and known keys) matching `query` in every indexed store; returns how
        many matched. `listing`: (store, how far) for stores whose names are still arriving;
        `unsearched`: (store, why) for stores that cannot be listed (not ready, or the listing
        failed); `keys_read_only`: stores whose keys are searched only once read."""
        self._matches = []
        total, at_least = 0, False
        for store, index in indexes.items():
            room = max(MAX_SHOWN - len(self._matches), 0)
            found = index.search(query, limit=room, count_up_to=COUNT_UP_TO)
            total += found.total
            at_least |= found.at_least
            self._matches += [(store, name, None) for name in found.names]
            self._matches += [(store, name, key) for name, key in found.keys]
        options: list[Option | None] = [
            Option(Text.assemble((escape_control(store), "dim"), "  ", _shown(name, key), end=""), id=str(i))
            for i, (store, name, key) in enumerate(self._matches)
        ]
        if total > len(self._matches):
            plus = "+" if at_least else ""
            more = Text(f"… and {total - len(self._matches):,}{plus} more: type more to narrow", style="dim italic")
            options.append(Option(more, disabled=True))
        if not total:
            empty = "No match so far." if listing else "No name matches." if indexes else "No store is ready yet."
            options.append(Option(Text(empty, style="dim"), disabled=True))
        if listing:
            options.append(Option(Text(still_listing(listing, detail=True), style="dim italic"), disabled=True))
        if unsearched:
            names = ", ".join(f"{escape_control(store)} ({escape_control(why)})" for store, why in unsearched)
            options.append(Option(Text(f"Not searched: {names}", style="dim italic"), disabled=True))
        if query.strip() and keys_read_only:
            stores = ", ".join(escape_control(store) for store in keys_read_only)
            note = f"Keys searched only in secrets you opened: {stores} (listing keys there would read values)"
            options.append(Option(Text(note, style="dim italic"), disabled=True))
        self.set_options(options)
        return total

    def choose(self, index: int | None = None) -> None:
        """Jump to the highlighted match (or the given one)."""
        position = self.highlighted if index is None else index
        if position is not None and 0 <= position < len(self._matches):
            store, name, key = self._matches[position]
            self.post_message(JumpToSecret(store, name, key))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option_index)


def _shown(name: str, key: str | None) -> Text:
    """`db:password`, or a key of a secret as `db[password]` (how the app writes a key everywhere)."""
    text = safe_text(name)
    if key is not None:
        text.append("[", style="dim").append_text(safe_text(key)).append("]", style="dim")
    return text


def still_listing(listing: Sequence[tuple[str, str]], detail: bool) -> str:
    """"⋯ 2 stores still being listed: vault (1,204 so far, 31 folders listed), slow (1 so far)"."""
    count = len(listing)
    stores = ", ".join(escape_control(store) + (f" ({escape_control(how)})" if detail else "") for store, how in listing)
    return f"⋯ {count} store{'' if count == 1 else 's'} still being listed: {stores}: more may match"
