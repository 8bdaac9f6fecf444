"""`secretstores.local.file`: a JSON file, read once and flattened the way Dapr's local file store
does it, quirks included (dapr-behaviour.md §3.1).

Go decodes the file into `map[string]interface{}` (numbers become float64) and stores every leaf as
`fmt.Sprintf("%s", leaf)`, so a JSON number `123` is the secret `%!s(float64=123)`, not `123`.

About 600 lines: Go's decoding quirks, the flattening and the fast paths that list a large file's
names without the value map (issue #16) must agree exactly; the property tests compare them, and they
are easier to keep in step in one module.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from itertools import chain, islice, repeat
from types import MappingProxyType

from dapr_secrets.backends.base import (
    LastChanged,
    SecretDetails,
    SecretEntry,
    SecretNotFound,
    SecretStore,
    StoreContext,
    StoreMisconfigured,
)
from dapr_secrets.backends.metadata import duplicate_property_error, property_lookup
from dapr_secrets.components.files import NotARegularFile, read_regular_file
from dapr_secrets.components.golang import GO_UTF8_REPLACE, NIL_TEXT, go_leaf_text, is_truthy
from dapr_secrets.components.model import Diagnostic, Severity, Source

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    JsonObject = dict[str, Any]  # a decoded JSON object: str, float, bool, None, list or dict values

DEFAULT_SEPARATOR = ":"
PAGE_SIZE = 1000  # names per list_names page
MAX_DIAGNOSTICS_PER_CODE = 20  # doctor shows this many per problem kind, then a count

_GO_MAP = "map[string]interface {}"
_BOM = b"\xef\xbb\xbf"
_NO_INFO: Mapping[str, str] = MappingProxyType({})  # shared by every entry: read-only
_HINT_QUOTE = 'Quote the value in the JSON file ("123" instead of 123, "true" instead of true).'

# JSON kinds of the values Go's decoder produces, in Go's own words (for its error messages).
_GO_KIND = {list: "array", str: "string", float: "number", bool: "bool"}
_LEAF_KIND = {float: "number", bool: "boolean", type(None): "null"}
# How doctor names Go's text for each kind of leaf without showing the value, and what it is not.
_LEAF_PLACEHOLDER = {"number": "%!s(float64=…)", "boolean": "%!s(bool=…)", "null": NIL_TEXT}
_LEAF_INSTEAD_OF = {"number": "the number", "boolean": "true/false", "null": "an empty value"}

# Go turns a lone UTF-16 surrogate escape (`\\ud800`) into U+FFFD where Python would keep an
# unencodable surrogate. The first pattern finds any surrogate escape; the second matches, in
# order, a `\\\\` pair (text, not an escape), a valid surrogate pair, or a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPES = re.compile(
    r"(\\\\)|(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
)


class Flattened:
    """One JSON object flattened to `{path: text}`, plus what a person should hear about.
    (A plain class: generating a dataclass costs every command's startup about a millisecond.)"""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.odd_leaves: list[tuple[str, str]] = []  # (path, "number"|"boolean"|"null")
        self.collisions: list[str] = []  # paths seen twice; the first one is kept


def flatten(document: dict[str, Any], separator: str) -> Flattened:
    """Dapr's visitJSONObject: objects add their keys, arrays their indexes, joined with the
    separator; empty objects and arrays vanish. Iterative, in document order (a deep file must not
    hit Python's recursion limit, and 100,000 leaves must stay cheap). Objects of strings only go in
    whole at C speed; if that makes two paths meet, the walk starts again leaf by leaf, which keeps
    the first of the two and reports the collision."""
    flat = _flatten(document, separator, in_bulk=True)
    if flat is None:
        flat = _flatten(document, separator, in_bulk=False)
        assert flat is not None  # leaf by leaf, meeting paths are reported, never a reason to start again
    return flat


def _flatten(document: dict[str, Any], separator: str, in_bulk: bool) -> Flattened | None:
    """One walk; None when a bulk addition met a path already taken (only in_bulk)."""
    result = Flattened()
    values = result.values
    added = _add_texts(values, "", document) if in_bulk else False
    if added is not False:
        return result if added else None
    stack = [("", iter(document.items()))]
    while stack:
        prefix, members = stack[-1]
        for key, value in members:
            path = prefix + key
            kind = type(value)
            if kind is str:
                text = value
            elif kind is dict or kind is list:
                if value:
                    added = _add_texts(values, path + separator, value) if in_bulk and kind is dict else False
                    if added is None:
                        return None
                    if added:
                        continue
                    nested = value.items() if kind is dict else zip(map(str, range(len(value))), value, strict=True)
                    stack.append((path + separator, iter(nested)))
                    break
                continue
            else:
                text = go_leaf_text(value)
                result.odd_leaves.append((path, _LEAF_KIND[kind]))
            if path in values:
                if in_bulk:
                    return None
                result.collisions.append(path)
            else:
                values[path] = text
        else:
            stack.pop()
    return result


_TEXT_ONLY = frozenset({str})
_BULK = 8192  # members per C-level step: between steps another thread (the UI) may take the GIL


def _add_texts(values: dict[str, str], prefix: str, members: dict[str, Any]) -> bool | None:
    """An object of strings only, added whole: True. False when it holds anything else (walk it
    leaf by leaf); None when one of its paths was taken already (and is now overwritten).
    Done in steps of _BULK members, so that a million-member object never holds the GIL long."""
    texts = iter(members.values())
    for _ in range(0, len(members), _BULK):
        if not _TEXT_ONLY.issuperset(map(type, islice(texts, _BULK))):
            return False
    before = len(values)
    pairs = iter(zip(map(prefix.__add__, members), members.values(), strict=True) if prefix else members.items())
    for _ in range(0, len(members), _BULK):
        values.update(islice(pairs, _BULK))
    return True if len(values) == before + len(members) else None


class PlainNames:
    """A file's names in `flatten`'s order, kept as groups (a prefix and the keys of one object, or
    one key), and where their values are, in the same order. The name strings are built on first
    use: printing every name (`list`) joins each group at C speed without one string per name."""

    def __init__(self) -> None:
        self.count = 0
        self._groups: list[tuple[str, Collection[str], Iterable[str]]] = []  # (prefix, keys, values)
        self._names: list[str] | None = None
        self._building = threading.Lock()  # two threads asking at once build the million strings once

    def add(self, prefix: str, keys: Collection[str], values: Iterable[str], count: int) -> None:
        self._groups.append((prefix, keys, values))
        self.count += count

    @property
    def names(self) -> list[str]:
        """Every name (prefix + key), built once. In steps of _BULK: a million names never hold
        the GIL long (the UI thread may run between steps)."""
        if self._names is None:
            with self._building:
                if self._names is None:
                    names: list[str] = []
                    for prefix, keys, _ in self._groups:
                        members = iter(keys)
                        for _ in range(0, len(keys), _BULK):
                            names += map(prefix.__add__, islice(members, _BULK)) if prefix else islice(members, _BULK)
                    self._names = names
        return self._names

    def text(self) -> str:
        """Every name, one per line (no final newline), without building the name strings."""
        return "\n".join(
            prefix + ("\n" + prefix).join(keys) if prefix else "\n".join(keys) for prefix, keys, _ in self._groups if keys
        )

    def values(self) -> dict[str, str]:
        """The {name: value} map `flatten` would build, made from the same name strings."""
        return dict(zip(self.names, chain.from_iterable(values for _, _, values in self._groups), strict=True))


def plain_names(document: JsonObject, separator: str) -> PlainNames | None:
    """The names `flatten` would give, in its order, without building the {path: text} map, when
    the file holds only strings and objects and no key contains the separator: then no two paths
    can meet and no leaf needs a note, so the map can wait until a value is asked for. None: the
    file needs the full walk (arrays, non-string leaves, a key holding the separator)."""
    result = PlainNames()
    added = _add_plain(result, "", document, separator)
    if added is not False:
        return result if added else None
    stack = [("", iter(document.items()))]
    while stack:
        prefix, members = stack[-1]
        for key, value in members:
            kind = type(value)
            if kind is str:
                result.add(prefix, (key,), (value,), 1)
            elif kind is dict:
                if not value:  # empty objects vanish, as in flatten
                    continue
                nested = prefix + key + separator
                added = _add_plain(result, nested, value, separator)
                if added is None:
                    return None
                if not added:
                    stack.append((nested, iter(value.items())))
                    break
            else:
                return None
        else:
            stack.pop()
    return result


def _add_plain(result: PlainNames, prefix: str, members: JsonObject, separator: str) -> bool | None:
    """An object of strings only, its keys added as one group: True. False when it holds anything
    else (walk it member by member); None when one of its keys holds the separator."""
    keys, texts = iter(members), iter(members.values())
    for _ in range(0, len(members), _BULK):  # in steps: a million-member object never holds the GIL long
        if separator in "\n".join(islice(keys, _BULK)):  # a false alarm only costs the full walk
            return None
    for _ in range(0, len(members), _BULK):
        if not _TEXT_ONLY.issuperset(map(type, islice(texts, _BULK))):
            return False
    result.add(prefix, members, members.values(), len(members))
    return True


def _entries(names: list[str], notes: Mapping[str, str], changed: LastChanged | None) -> list[SecretEntry]:
    """One listing page, built by tuple.__new__ in a C loop: calling SecretEntry runs a
    Python-level __new__ per row, which doubles the cost of a 100,000-name listing."""
    page_notes = map(notes.get, names, repeat("")) if notes else repeat("")
    rows = zip(names, repeat(False), repeat(_NO_INFO), page_notes, repeat(changed))
    return list(map(tuple.__new__, repeat(SecretEntry), rows))


class LocalFileStore(SecretStore):
    """A Dapr local file secret store over one JSON file (§3.1)."""

    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        super().__init__(name, properties, context)
        duplicate = duplicate_property_error(properties)
        if duplicate is not None:
            raise duplicate
        secrets_file = property_lookup(properties, "secretsFile") or ""
        if not secrets_file:
            raise StoreMisconfigured(
                "missing local secrets file in metadata",
                "Add a metadata item `secretsFile` with the path of the JSON file.",
            )
        self.separator = property_lookup(properties, "nestedSeparator") or DEFAULT_SEPARATOR
        self._multi_valued = is_truthy(property_lookup(properties, "multiValued"))
        self.path = os.path.join(context.cwd, secrets_file)  # daprd opens it from its own cwd
        document = read_secrets_file(secrets_file, self.path, context)
        # The file has no time per secret: its modification time is when any of them last changed.
        self._changed = _file_modified(self.path)
        self._notes: dict[str, str] = {}  # secret name -> what Dapr does that would surprise
        self._findings: list[Diagnostic] = []
        # {name: value} for plain secrets, {name: {key: value}} for multiValued objects, as in Go.
        self._loaded: Mapping[str, str | dict[str, str]] | None = {}
        self._plain: PlainNames | None = None  # names known, values not mapped yet (see _secrets)
        self._lock = threading.Lock()
        if document is None:
            self._add(Severity.INFO, "empty-secrets-file", "The secrets file holds `null`: Dapr reads it as an empty store.", "")
        elif self._multi_valued:
            self._loaded = self._load_multi_valued(document)
        else:
            self._plain = plain_names(document, self.separator)
            self._loaded = None if self._plain is not None else self._load_flat(document)

    @property
    def _secrets(self) -> Mapping[str, str | dict[str, str]]:
        """{name: value} for plain secrets, {name: {key: value}} for multiValued objects, as in Go.
        A plain file's map is built on first use: listing names (`list`, the UI) does not need it."""
        loaded = self._loaded
        if loaded is None:
            with self._lock:
                if self._loaded is None:
                    assert self._plain is not None
                    self._loaded = self._plain.values()
                loaded = self._loaded
        return loaded

    @property
    def multi_valued(self) -> bool:  # type: ignore[override]  # per instance: the metadata decides
        return self._multi_valued

    @property
    def name_separator(self) -> str | None:
        return None if self._multi_valued else self.separator

    # ----- Dapr's API

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        value = self._secrets.get(name)
        if value is None:
            raise SecretNotFound(f"secret {name} not found")
        return dict(value) if isinstance(value, dict) else {name: value}

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        return {name: dict(value) if isinstance(value, dict) else {name: value} for name, value in self._secrets.items()}

    # ----- browsing

    def loaded_names(self) -> list[str]:
        return list(self._plain.names if self._plain is not None else self._secrets)

    def loaded_names_text(self) -> tuple[str, int]:
        if self._plain is not None:
            return self._plain.text(), self._plain.count
        return "\n".join(self._secrets), len(self._secrets)

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        names = self.loaded_names()
        for start in range(0, len(names), PAGE_SIZE):
            yield _entries(names[start : start + PAGE_SIZE], self._notes, self._changed)

    def describe(self, name: str) -> SecretDetails:
        value = self._secrets.get(name)
        if value is None:
            raise SecretNotFound(f"secret {name} not found")
        keys = len(value) if isinstance(value, dict) else 1
        notes = (self._notes[name],) if name in self._notes else ()
        return SecretDetails(attributes={"file": self.path, "keys": str(keys)}, notes=notes, last_changed=self._changed)

    def last_changed(self, name: str) -> LastChanged | None:
        if name not in self._secrets:
            raise SecretNotFound(f"secret {name} not found")
        return self._changed

    def diagnostics(self) -> list[Diagnostic]:
        shown: list[Diagnostic] = []
        counts: dict[str, int] = {}
        for finding in self._findings:
            counts[finding.code] = counts.get(finding.code, 0) + 1
            if counts[finding.code] <= MAX_DIAGNOSTICS_PER_CODE:
                shown.append(finding)
        for code, count in counts.items():
            if count > MAX_DIAGNOSTICS_PER_CODE:
                more = count - MAX_DIAGNOSTICS_PER_CODE
                shown.append(self._diagnostic(Severity.INFO, code, f"{more:,} more `{code}` findings in this file.", ""))
        return shown

    # ----- loading

    def _load_flat(self, document: dict[str, Any]) -> dict[str, str]:
        flat = flatten(document, self.separator)
        for path, kind in flat.odd_leaves:
            self._note_odd_leaf(path, path, kind)
        for path in flat.collisions:
            self._note_collision(path, path)
        return flat.values

    def _load_multi_valued(self, document: dict[str, Any]) -> dict[str, str | dict[str, str]]:
        """Only top-level strings and objects are secrets; everything else is silently dropped."""
        secrets: dict[str, str | dict[str, str]] = {}
        colliding: list[str] = []
        for name, value in document.items():
            if type(value) is str:
                secrets[name] = value
            elif type(value) is dict:
                flat = flatten(value, self.separator)
                secrets[name] = flat.values
                for key, kind in flat.odd_leaves:
                    self._note_odd_leaf(name, key, kind)
                for key in flat.collisions:
                    self._note_multi_valued_collision(name, key)
                colliding += [name] if flat.collisions else []
            else:
                kind = "array" if type(value) is list else _LEAF_KIND[type(value)]
                self._add(
                    Severity.WARNING,
                    "multivalued-dropped",
                    f"`{name}` is a JSON {kind} at the top level: with multiValued, Dapr keeps only top-level "
                    f"strings and objects, so `{name}` is not a secret (GET answers \"secret {name} not found\").",
                    "Make it a string or an object, or turn multiValued off.",
                    name,
                )
        for name, value in secrets.items():  # the stray path parts can reach any other object
            if type(value) is dict and colliding and name not in colliding:
                self._notes.setdefault(name, f"keys may get a stray prefix from the collision in {colliding[0]} (map order)")
        return secrets

    def _note_odd_leaf(self, secret: str, key: str, kind: str) -> None:
        placeholder = _LEAF_PLACEHOLDER[kind]
        where = f"`{key}`" if secret == key else f"key `{key}` of `{secret}`"
        self._notes.setdefault(secret, f"JSON {kind}: Dapr returns Go's {placeholder} text")
        self._add(
            Severity.WARNING,
            "non-string-value",
            f"{where} is a JSON {kind}: Dapr returns Go's `{placeholder}` text for it, not {_LEAF_INSTEAD_OF[kind]}.",
            _HINT_QUOTE,
            secret,
        )

    def _note_multi_valued_collision(self, secret: str, key: str) -> None:
        """filestore.go Init (multiValued): visitJSONObject's "duplicate key" aborts without popping
        its path, and the error is ignored; which entries survive, and which later top-level
        objects inherit the leftover path parts, follows Go's random map order."""
        self._notes.setdefault(secret, "two entries flatten to one key: daprd's result is map-order dependent")
        self._add(
            Severity.WARNING,
            "flatten-collision",
            f"Two entries of `{secret}` flatten to key `{key}`. What daprd then holds depends on Go's map "
            f"iteration order and can change from run to run: `{secret}` keeps one of the two and loses the keys "
            "not visited yet, and the aborted traversal leaves path parts behind, so keys of other top-level "
            "objects visited after it can come out with a stray prefix (`k` becomes `a:b:k`). This tool shows "
            "one possible outcome (file order, nothing lost).",
            "Rename one of the entries, or choose another nestedSeparator.",
            secret,
        )

    def _note_collision(self, secret: str, key: str) -> None:
        where = f"`{key}`" if secret == key else f"key `{key}` of `{secret}`"
        self._notes.setdefault(secret, "two entries of the file flatten to this name")
        self._add(
            Severity.WARNING,
            "flatten-collision",
            f"Two entries of the file flatten to {where}: daprd keeps one of them at random and silently "
            "drops the secrets it had not visited yet; this tool keeps the first in file order.",
            "Rename one of the entries, or choose another nestedSeparator.",
            secret,
        )

    def _add(self, severity: Severity, code: str, message: str, hint: str, secret: str | None = None) -> None:
        self._findings.append(self._diagnostic(severity, code, message, hint, secret))

    def _diagnostic(self, severity: Severity, code: str, message: str, hint: str, secret: str | None = None) -> Diagnostic:
        return Diagnostic(severity, code, message, hint, Source(self.path), self.name, secret)


# ----- reading the file the way Go's os.ReadFile + json.Unmarshal do


def _file_modified(path: str) -> LastChanged | None:
    try:
        return LastChanged(datetime.fromtimestamp(os.stat(path).st_mtime, UTC), "file modified")
    except (OSError, ValueError):  # gone since it was read: no time rather than a wrong one
        return None


def read_secrets_file(secrets_file: str, path: str, context: StoreContext) -> dict[str, Any] | None:
    """The decoded top-level object, None for a file holding `null`; StoreMisconfigured with
    daprd's Init error otherwise. Messages name the file, never its content."""
    return decode_document(_read_bytes(secrets_file, path, context))


def _read_bytes(secrets_file: str, path: str, context: StoreContext) -> bytes:
    try:
        return read_regular_file(path)
    except NotARegularFile as error:
        raise StoreMisconfigured(
            f"open {secrets_file}: it is {error.kind}, not a file (reading it could block forever: not read)",
            "Point secretsFile at the JSON file itself.",
        ) from None
    except ValueError:  # a NUL byte in the path
        raise StoreMisconfigured(f"open {secrets_file}: invalid argument", "Fix the secretsFile path.") from None
    except OSError as error:
        operation = "read" if error.errno == errno.EISDIR else "open"
        reason = os.strerror(error.errno) if error.errno else str(error.strerror or "error")
        hint = _missing_file_hint(secrets_file, context) if error.errno == errno.ENOENT else "Check the file's permissions."
        raise StoreMisconfigured(f"{operation} {secrets_file}: {reason[:1].lower()}{reason[1:]}", hint) from None


def _missing_file_hint(secrets_file: str, context: StoreContext) -> str:
    if os.path.isabs(secrets_file):
        return "Check the secretsFile path."
    source = context.component_source
    if source is not None and os.path.isfile(source.file):
        folder = os.path.dirname(os.path.abspath(source.file))
        beside = os.path.join(folder, secrets_file)
        if os.path.exists(beside):
            return (
                f"daprd opens a relative secretsFile from its working directory ({context.cwd}), not from the "
                f"component's folder. The file exists at {beside}: run daprd (and dapr-secrets) from {folder}, "
                "or make secretsFile an absolute path."
            )
    return (
        f"daprd opens a relative secretsFile from its working directory ({context.cwd}): run it from the folder "
        "the path is relative to, or make secretsFile an absolute path."
    )


class _SyntaxProblem(Exception):
    pass


def decode_document(data: bytes) -> dict[str, Any] | None:
    """Go's json.Unmarshal into map[string]interface{}: syntax first, then types."""
    if data.startswith(_BOM):
        raise StoreMisconfigured(
            "invalid character 'ï' looking for beginning of value",
            "The file starts with a UTF-8 byte order mark, which Go's JSON decoder refuses: save it without BOM.",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", GO_UTF8_REPLACE)
    if "\\" in text and _SURROGATE_ESCAPE.search(text):  # memchr first: most files have no escapes
        text = _SURROGATE_ESCAPES.sub(_keep_pairs, text)
    too_large: list[bool] = []  # Go reports these after the syntax check, so collect, don't raise
    try:
        decoder = json.JSONDecoder(
            parse_int=lambda literal: _go_float(literal, too_large),
            parse_float=lambda literal: _go_float(literal, too_large),
            parse_constant=_refuse_constant,
        )
        document = _decode_in_steps(text, decoder) if len(text) >= STEPPED_DECODE_FROM else decoder.decode(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip(" \t\r\n")):
            raise StoreMisconfigured("unexpected end of JSON input", "The file is empty or cut short.") from None
        raise StoreMisconfigured(
            f"the secrets file is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
            "Fix the JSON syntax; daprd refuses the whole file.",
        ) from None
    except _SyntaxProblem as error:
        raise StoreMisconfigured(str(error), "JSON has no NaN or Infinity: quote the value.") from None
    except RecursionError:
        raise StoreMisconfigured(
            "the secrets file nests deeper than this tool can read",
            "daprd reads up to 10,000 levels; this tool stops at Python's recursion limit.",
        ) from None
    if document is None:
        return None
    if type(document) is not dict:
        raise StoreMisconfigured(
            f"json: cannot unmarshal {_GO_KIND[type(document)]} into Go value of type {_GO_MAP}",
            "The file must hold one JSON object: {\"name\": \"value\", ...}.",
        )
    if too_large:
        # Go's text quotes the number; it may be a secret, so we leave it out.
        raise StoreMisconfigured(
            "json: cannot unmarshal number into Go value of type float64",
            "A number in the file is too large for a float64: quote it.",
        )
    return document


STEPPED_DECODE_FROM = 1 << 21  # characters: a smaller file decodes in one C call of a few ms
_DECODE_STEP = 1 << 17  # characters of small members decoded in one C call (~1-3 ms)
_SMALL_MEMBER = 1 << 12  # members shorter than this are decoded many at a time
_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's, as the json module's decoder skips it
# Where a top-level member may end and the next begin, by the kind of the member before: a cut after
# a string, after an object, after anything else.
_MEMBER_ENDS: dict[type | None, re.Pattern[str]] = {
    str: re.compile(r"\"[ \t\n\r]*,[ \t\n\r]*\""),
    dict: re.compile(r"\}[ \t\n\r]*,[ \t\n\r]*\""),
    None: re.compile(r",[ \t\n\r]*\""),
}


def _decode_in_steps(text: str, decoder: json.JSONDecoder) -> object:
    """`decoder.decode(text)` for a large file, in C calls of a few ms each: one call over 40 MB
    holds the GIL for ~0.7 s, and the UI thread waits that long. The top-level object is read member
    by member (a large member is one call); runs of small members are cut at a `, "` and each piece
    decoded whole, wrapped in braces: a cut that is not between two top-level members leaves a
    piece that is not one JSON object (an unclosed string, object or array), which is then read
    member by member instead (and after three such cuts in a row, the rest too). Anything unusual
    (not an object, a syntax error, a bad number) decodes the whole text again in one call, for its
    exact error."""
    try:
        return _members_in_steps(text, decoder)
    except Exception:  # noqa: BLE001 - the one-call decode below raises the error Go's text is built from
        return decoder.decode(text)


def _members_in_steps(text: str, decoder: json.JSONDecoder) -> dict[str, object]:
    skip, scan, end = _skip_whitespace, decoder.scan_once, len(text)  # type: ignore[attr-defined]  # set in __init__
    index = skip(text, 0)
    if text[index : index + 1] != "{":
        raise ValueError("not an object")
    index = skip(text, index + 1)
    document: dict[str, object] = {}
    kind: type | None
    small, kind, next_try, missed = False, None, 0, 0  # kind: of the last member's value
    while text[index : index + 1] != "}" or document:  # `{}`, or after a member: a key comes next
        if small and index >= next_try and missed < 3:  # a run of small members: try a piece of many at once
            cut = _MEMBER_ENDS.get(kind, _MEMBER_ENDS[None]).search(text, min(index + _DECODE_STEP, end))
            if cut is not None:
                at = cut.end() - 1  # the next key's quote
                try:
                    piece = decoder.decode("{" + text[index : text.rindex(",", index, at)] + "}")
                except ValueError:
                    piece = None
                if type(piece) is dict:
                    document.update(piece)
                    index, missed = at, 0
                    continue
                next_try, missed = at, missed + 1  # not between members: read member by member past it
        start = index
        if text[index : index + 1] != '"':
            raise ValueError("expected a key")
        key, index = scan(text, index)
        index = skip(text, index)
        if text[index : index + 1] != ":":
            raise ValueError("expected a colon")
        value, index = scan(text, skip(text, index + 1))
        document[key] = value
        small, kind = index - start < _SMALL_MEMBER, type(value)
        index = skip(text, index)
        if text[index : index + 1] != ",":
            break
        index = skip(text, index + 1)
    if text[index : index + 1] != "}" or skip(text, index + 1) != end:
        raise ValueError("not the end of the object")
    return document


def _skip_whitespace(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)  # always matches (maybe nothing)
    return match.end() if match else index


def _keep_pairs(match: re.Match[str]) -> str:
    return match.group(1) or match.group(2) or "\\ufffd"


def _go_float(literal: str, too_large: list[bool]) -> float:
    """JSON numbers are float64 in Go; one beyond its range fails the decode (after the syntax check)."""
    value = float(literal)
    if math.isinf(value):
        too_large.append(True)
        return 0.0
    return value


def _refuse_constant(name: str) -> float:
    first = "I" if name.startswith("-") else name[0]
    where = "in numeric literal" if name.startswith("-") else "looking for beginning of value"
    raise _SyntaxProblem(f"invalid character '{first}' {where}")
