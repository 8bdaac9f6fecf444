"""An in-memory index of one store's secret names: grouped for the tree, searchable for `/` and the
command palette. No Textual here, so it is cheap to test and to benchmark.

Names are split at the store's separator into groups (`db:password` -> group `db`, secret
`password`); while no name contains it, at "/" when names contain that (`svc12/key1` in a store
whose separator is ":"). Labels sort naturally (`key2` before `key10`). A level with more than
LEVEL_LIMIT entries is shown as buckets of a common label prefix (`secret-0…`, `secret-1…`),
bucketed again when opened, so no tree level ever holds tens of thousands of nodes. Buckets are
computed when a level is shown, never stored.

Search (`search`) matches names and the keys known inside multi-valued secrets, never values. The
separators are one character to search: `/`, `:` and the store's own separator all match each other
(`db:password` finds `db/password`), and `name[key]` or `name key` find a key of `name`. Words
separated by spaces must all appear.

Thread-safe: a loader thread adds pages while the UI reads levels.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from os.path import commonprefix
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dapr_secrets.backends.base import LastChanged

LEVEL_LIMIT = 1000
CHUNK = 1000  # names per searchable run of folded names (see _scan)
FALLBACK_SEPARATOR = "/"
SEARCH_SEPARATOR = "/"  # what every separator becomes for search
_DIGITS = re.compile(r"(\d+)", re.ASCII)


def natural_key(text: str) -> tuple[str | int, ...]:
    """Sorts `key2` before `key10`, ignoring case. Text and numbers alternate (re.split with a
    group), so two keys always compare text with text and numbers with numbers."""
    parts = _DIGITS.split(text.casefold())
    return tuple(int(part) if position % 2 else part for position, part in enumerate(parts))


class EntryKind(str, Enum):
    GROUP = "group"
    BUCKET = "bucket"
    SECRET = "secret"


@dataclass(frozen=True)
class Entry:
    """One child of a tree level. Labels are untrusted text."""

    kind: EntryKind
    key: str  # unique and stable among its siblings
    label: str  # the part of the name shown at this level
    path: str  # GROUP: its path ending in the separator; BUCKET: its level's path; SECRET: full name
    bucket: str = ""  # BUCKET: the label prefix it holds (and the bucket it is in, for others)
    count: int = 0  # GROUP/BUCKET: secrets known below it
    loaded: bool = True  # GROUP of a hierarchical store: its folder has been listed

    @property
    def sort_key(self) -> tuple[tuple[str | int, ...], str, str]:
        return (natural_key(self.label), self.label, self.kind.value)


class _Level:
    __slots__ = ("_sorted_groups", "_sorted_leaves", "count", "groups", "leaves", "loaded")

    def __init__(self, loaded: bool) -> None:
        self.groups: dict[str, _Level] = {}
        self.leaves: list[str] = []  # labels (the name minus the level's path), in listing order
        self.count = 0  # secrets at and below this level
        self.loaded = loaded
        self._sorted_leaves: list[str] = []
        self._sorted_groups: list[str] = []

    def sorted_leaves(self) -> list[str]:
        """Leaf labels in code-point order, kept up to date incrementally (Timsort merges the
        already sorted run with the new tail in linear time)."""
        if len(self._sorted_leaves) != len(self.leaves):
            self._sorted_leaves = sorted(self._sorted_leaves + self.leaves[len(self._sorted_leaves) :])
        return self._sorted_leaves

    def sorted_groups(self) -> list[str]:
        if len(self._sorted_groups) != len(self.groups):
            self._sorted_groups = sorted(self.groups)
        return self._sorted_groups


class NameIndex:
    def __init__(self, separator: str | None, hierarchical: bool = False) -> None:
        self.store_separator = separator or FALLBACK_SEPARATOR
        self.separator = self.store_separator  # what groups the levels: see _pick_separator
        self.hierarchical = hierarchical
        self._store_separator_seen = False  # some name contains the store's separator
        self._root = _Level(loaded=not hierarchical)
        self._names: list[str] = []
        # What search scans: casefolded, every separator as "/" (the store's first: "::" before ":").
        self._search_separators = tuple(dict.fromkeys(s for s in (self.store_separator, ":") if s != SEARCH_SEPARATOR))
        self._folded: list[str] = []
        # [start, end, the folded names start:end joined by "\n" (None: a name holds a newline)]: one
        # C-speed `in` tells whether a whole run can hold a match, so a narrow query skips most names.
        self._chunks: list[list] = []
        self._known: set[str] = set()
        self._keys: dict[str, list[str]] = {}  # secret -> its keys, where known without reading a value
        self._key_rows: list[tuple[str, str, str, str]] = []  # (name, key, folded name, folded "name/key")
        self.folders_unlisted = 0  # folders seen in a hierarchical listing, not listed themselves yet
        self.notes: dict[str, str] = {}  # name -> what the store says about it (no values)
        self.changed: dict[str, LastChanged | None] = {}  # name -> when it last changed (None: the store does not say)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def names(self) -> list[str]:
        with self._lock:
            return list(self._names)

    # ----- filling

    def add(self, names: Iterable[str]) -> int:
        """Add secret names (duplicates ignored); returns how many were new."""
        with self._lock:
            new = []
            for name in names:
                if name not in self._known:
                    self._known.add(name)
                    self._names.append(name)
                    new.append(name)
            self._add_folded(new)
            if self._pick_separator(new):
                self._regroup()
            else:
                for name in new:
                    self._insert(name)
        return len(new)

    def fold(self, text: str) -> str:
        """`text` as search compares it: casefolded, every separator written "/"."""
        text = text.casefold()
        for separator in self._search_separators:
            text = text.replace(separator, SEARCH_SEPARATOR)
        return text

    def _add_folded(self, names: list[str]) -> None:
        """fold() every name, in a few C calls over the whole page (a call per name costs 1M calls),
        and keep the folded page joined as a searchable run."""
        if not names:
            return
        start = len(self._folded)
        joined = "\n".join(names)
        if joined.count("\n") != len(names) - 1:  # a name holding a newline: one at a time, and no run
            self._folded += [self.fold(name) for name in names]
            self._chunks.append([start, len(self._folded), None])
            return
        blob = self.fold(joined)
        self._folded += blob.split("\n")
        last = self._chunks[-1] if self._chunks else None
        if last is not None and last[2] is not None and last[1] - last[0] < CHUNK:  # small pages (a folder each): one run
            last[1], last[2] = len(self._folded), last[2] + "\n" + blob
        else:
            self._chunks.append([start, len(self._folded), blob])

    def _scan(self, needle: str, enough: int | None = None) -> list[str]:
        """Names whose folded form contains `needle` (no whitespace in it), in listing order; with
        `enough`, the scan may stop once that many are found (a run at a time)."""
        names, folded = self._names, self._folded
        runs = [run for run in self._chunks if run[2] is None or needle in run[2]]
        if enough is None and len(runs) * 2 > len(self._chunks):  # most runs match: one pass over every name is cheaper
            # a comprehension with `in`: about 2x faster on 1,000,000 names than compress(map(str.__contains__))
            return [name for name, text in zip(names, folded, strict=True) if needle in text]
        found: list[str] = []
        for start, end, _ in runs:
            found += [name for name, text in zip(names[start:end], folded[start:end], strict=True) if needle in text]
            if enough is not None and len(found) >= enough:
                break
        return found

    def add_keys(self, name: str, keys: Iterable[str]) -> None:
        """The keys of secret `name`, known without reading a value (a listing that says, or a read
        the user asked for): searchable from now on. Replaces what was known of `name`."""
        with self._lock:
            keys = list(keys)
            if name in self._keys:
                self._key_rows = [row for row in self._key_rows if row[0] != name]
            self._keys[name] = keys
            folded = self.fold(name)
            self._key_rows += [(name, key, folded, folded + SEARCH_SEPARATOR + self.fold(key)) for key in keys]

    def keys(self, name: str) -> list[str] | None:
        """The keys of `name` known so far; None: not known without a read."""
        with self._lock:
            known = self._keys.get(name)
            return None if known is None else list(known)

    def _pick_separator(self, new: list[str]) -> bool:
        """Group at the store's separator once a name contains it; until then at "/" when names
        contain that. True when the choice changed (at most twice: names are only added)."""
        store = self.store_separator
        if self.hierarchical or self._store_separator_seen or store == FALLBACK_SEPARATOR:
            return False
        if any(store in name for name in new):
            self._store_separator_seen = True
            wanted = store
        elif self.separator == FALLBACK_SEPARATOR or any(FALLBACK_SEPARATOR in name for name in new):
            wanted = FALLBACK_SEPARATOR
        else:
            wanted = store
        changed = wanted != self.separator
        self.separator = wanted
        return changed

    def _regroup(self) -> None:
        """Rebuild the levels at the current separator (flat stores only: nothing is 'loaded')."""
        self._root = _Level(loaded=True)
        for name in self._names:
            self._insert(name)

    def _insert(self, name: str) -> None:
        sep = self.separator
        level, rest = self._root, name
        level.count += 1
        while sep in rest:
            segment, _, rest = rest.partition(sep)
            level = self._child(level, segment)
            level.count += 1
        level.leaves.append(rest)

    def add_folder(self, path: str) -> None:
        """A folder seen in a hierarchical listing (its path ends with the separator)."""
        with self._lock:
            self._level(path, create=True)

    def mark_loaded(self, path: str = "") -> None:
        with self._lock:
            level = self._level(path, create=True)
            if level is not None:
                if not level.loaded and level is not self._root:
                    self.folders_unlisted -= 1
                level.loaded = True

    def is_loaded(self, path: str = "") -> bool:
        with self._lock:
            level = self._level(path)
            return level is not None and level.loaded

    def _child(self, level: _Level, segment: str) -> _Level:
        child = level.groups.get(segment)
        if child is None:
            child = level.groups[segment] = _Level(loaded=not self.hierarchical)
            self.folders_unlisted += self.hierarchical
        return child

    def _level(self, path: str, create: bool = False) -> _Level | None:
        level = self._root
        for segment in self._segments(path):
            if create:
                level = self._child(level, segment)
            else:
                found = level.groups.get(segment)
                if found is None:
                    return None
                level = found
        return level

    def _segments(self, path: str) -> list[str]:
        return path.split(self.separator)[:-1] if path else []

    # ----- reading

    def entries(self, path: str = "", bucket: str = "") -> list[Entry]:
        """The children of the group at `path` (or of one bucket in it), sorted, at most about
        LEVEL_LIMIT of them. Cost grows with the number of entries returned, not the level size."""
        with self._lock:
            level = self._level(path)
            if level is None:
                return []
            leaves = _prefixed(level.sorted_leaves(), bucket)
            groups = _prefixed(level.sorted_groups(), bucket)
            if len(leaves) + len(groups) > LEVEL_LIMIT:
                entries = self._buckets(level, path, bucket, leaves, groups)
            else:
                entries = [self._entry(level, path, bucket, label, True) for label in groups.items()]
                entries += [self._entry(level, path, bucket, label, False) for label in leaves.items()]
        entries.sort(key=lambda entry: entry.sort_key)
        return entries

    def _entry(self, level: _Level, path: str, bucket: str, label: str, is_group: bool) -> Entry:
        if is_group:
            group = level.groups[label]
            return Entry(EntryKind.GROUP, "g:" + label, label, path + label + self.separator, bucket, group.count, group.loaded)
        return Entry(EntryKind.SECRET, "s:" + label, label, path + label, bucket)

    def _buckets(self, level: _Level, path: str, bucket: str, leaves: _Range, groups: _Range) -> list[Entry]:
        """Split a too-large level by the first character after the labels' common prefix."""
        ends = [label for part in (leaves, groups) if part for label in (part.first(), part.last())]
        width = max(len(commonprefix(ends)), len(bucket)) + 1
        runs: dict[str, list[tuple[_Range, bool]]] = {}
        for part, is_group in ((leaves, False), (groups, True)):
            for prefix, run in part.split(width):
                runs.setdefault(prefix, []).append((run, is_group))
        entries = []
        for prefix, parts in runs.items():
            if sum(len(run) for run, _ in parts) == 1:  # a bucket of one is just that entry
                run, is_group = parts[0]
                entries.append(self._entry(level, path, bucket, run.first(), is_group))
                continue
            count = sum(
                sum(level.groups[label].count for label in run.items()) if is_group else len(run)
                for run, is_group in parts
            )
            entries.append(Entry(EntryKind.BUCKET, "b:" + prefix, prefix + "…", path, prefix, count))
        return entries

    def route(self, name: str) -> list[Entry] | None:
        """The entries to open, from the top, to reach secret `name`; None if it is not known."""
        if name not in self:
            return None
        route: list[Entry] = []
        path = ""
        rest = name
        while True:
            segment, sep, tail = rest.partition(self.separator)
            want = ("g:" if sep else "s:") + segment
            bucket = ""
            while True:
                children = self.entries(path, bucket)
                found = next((e for e in children if e.key == want), None)
                if found is not None:
                    route.append(found)
                    break
                holder = next(
                    (e for e in children if e.kind == EntryKind.BUCKET and segment.startswith(e.bucket)), None
                )
                if holder is None:
                    return None
                route.append(holder)
                bucket = holder.bucket
            if not sep:
                return route
            path, rest = found.path, tail

    def terms(self, query: str) -> list[str]:
        """The words of a query, folded as names are: `db:password[user]` -> ["db/password/user"]."""
        return self.fold(query.replace("[", SEARCH_SEPARATOR).replace("]", " ")).split()

    def search(self, query: str, limit: int | None = None, count_up_to: int | None = None) -> SearchResult:
        """Names (in listing order) and then keys of secrets matching every word of `query`
        (substrings; case and separators do not matter), the first `limit` of them, and how many
        there are. A key is listed only where its secret's name alone does not match.
        `count_up_to`: a one-word query may stop counting names past that many (`at_least` says so):
        the first letters typed match every name, and counting 1,000,000 of them on each keystroke
        was most of the filter's stall."""
        terms = self.terms(query)
        at_least = False
        with self._lock:
            if not terms:
                names = list(self._names)
            elif len(terms) == 1:
                names = self._scan(terms[0], count_up_to)
                at_least = count_up_to is not None and len(names) >= count_up_to
            else:
                first = terms[0]
                pairs = [(name, folded) for name, folded in zip(self._names, self._folded, strict=True) if first in folded]
                names = [name for name, folded in pairs if all(term in folded for term in terms[1:])]
            keys = [
                (name, key) for name, key, folded_name, folded in self._key_rows
                if terms and all(term in folded for term in terms) and not all(term in folded_name for term in terms)
            ]
        total = len(names) + len(keys)
        if limit is not None:
            names = names[:limit]
            keys = keys[: max(limit - len(names), 0)]
        return SearchResult(names, keys, total, at_least)


@dataclass(frozen=True)
class SearchResult:
    names: list[str]  # matching secret names
    keys: list[tuple[str, str]]  # (secret, key) of matching keys
    total: int  # how many matched in all (beyond a limit too)
    at_least: bool = False  # counting stopped early (search's count_up_to): `total` or more matched


class _Range:
    """A slice of a sorted list of labels, without copying it."""

    def __init__(self, labels: list[str], start: int, stop: int) -> None:
        self.labels, self.start, self.stop = labels, start, stop

    def __len__(self) -> int:
        return self.stop - self.start

    def first(self) -> str:
        return self.labels[self.start]

    def last(self) -> str:
        return self.labels[self.stop - 1]

    def items(self) -> list[str]:
        return self.labels[self.start : self.stop]

    def split(self, width: int) -> Iterable[tuple[str, _Range]]:
        """(prefix, labels) runs of labels sharing their first `width` characters: one bisection
        per run, so the cost is the number of runs, not the number of labels."""
        index = self.start
        while index < self.stop:
            prefix = self.labels[index][:width]
            end = bisect_right(self.labels, prefix, index, self.stop, key=lambda label: label[:width])
            yield prefix, _Range(self.labels, index, end)
            index = end


def _prefixed(labels: list[str], prefix: str) -> _Range:
    """The labels starting with `prefix` (all of them for ""), as a range of the sorted list."""
    if not prefix:
        return _Range(labels, 0, len(labels))
    start = bisect_left(labels, prefix)
    stop = bisect_right(labels, prefix, start, key=lambda label: label[: len(prefix)])
    return _Range(labels, start, stop)
