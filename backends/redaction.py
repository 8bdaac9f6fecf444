"""Keep values that came from secrets out of what a store says about itself.

A store's own settings may come from another store (`secretsFile`, `vaultAddr`, a token, a client
secret...). Stores quote their settings in errors and descriptions ("open <path>: no such file"),
so the runtime hands the UI and the CLI each store behind a `RedactedStore` that masks those values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from dapr_secrets.backends.base import LastChanged, SecretDetails, SecretEntry, SecretStore, StoreError
from dapr_secrets.components.model import Diagnostic, Source

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MASK = "••••••••"  # fixed width: never reveals a length
MIN_LENGTH = 3  # shorter values ("1", "on") would garble every message and reveal little


def forms(value: str) -> set[str]:
    """Every form a setting can take inside a message: as written, JSON-, repr- and Go-escaped,
    percent-encoded, and for an address its host, host:port and the address without its scheme
    (a Key Vault name reappears inside `<name>.vault.azure.net`, which the plain form covers)."""
    import json
    from urllib.parse import quote, urlsplit

    from dapr_secrets.components.golang import go_quote

    found = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1]}
    found |= {go_quote(value)[1:-1], quote(value, safe=""), quote(value), value.rstrip("/")}
    if "://" in value:
        parts = urlsplit(value)
        found |= {parts.netloc, value.split("://", 1)[1], value.split("://", 1)[1].rstrip("/")}
        if parts.hostname:
            found.add(parts.hostname)
    return {form for form in found if len(form) >= MIN_LENGTH}


class Redactor:
    def __init__(self, values: Iterable[str]) -> None:
        every = set()
        for value in values:
            if len(value) >= MIN_LENGTH:
                every |= forms(value)
        # Longest first, so a value containing another is masked whole; any letter case.
        self.values = sorted(every, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, self.values)), re.IGNORECASE) if self.values else None

    def __bool__(self) -> bool:
        return bool(self.values)

    def text(self, text: str) -> str:
        return self._pattern.sub(MASK, text) if self._pattern is not None else text

    def diagnostic(self, diagnostic: Diagnostic) -> Diagnostic:
        """Every field of a diagnostic masked, its file path included (a secretsFile from a secret)."""
        source = diagnostic.source
        if source is not None:
            source = Source(self.whole(source.file), source.line)
        return diagnostic.replace(
            message=self.text(diagnostic.message),
            hint=self.text(diagnostic.hint),
            source=source,
            secret=self.text(diagnostic.secret) if diagnostic.secret else diagnostic.secret,
        )

    def whole(self, text: str) -> str:
        """A field that holds a secret-derived value in part (a resolved path): mask all of it, so
        what surrounds the value (the working directory) does not hint at its shape."""
        return MASK if self.text(text) != text else text

    def error(self, error: StoreError) -> StoreError:
        """The same error object, its message and hint masked (callers re-raise it)."""
        error.message = self.text(error.message)
        error.hint = self.text(error.hint)
        error.args = (error.message,)
        return error


class RedactedStore:
    """A store whose errors, descriptions, diagnostics and identity never quote a secret-derived
    setting. Everything else passes through."""

    def __init__(self, store: SecretStore, redactor: Redactor) -> None:
        self._store = store
        self._redact = redactor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        try:
            return self._store.get_secret(name, metadata)
        except StoreError as error:
            raise self._redact.error(error) from None

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        try:
            return self._store.bulk_get(metadata)
        except StoreError as error:
            raise self._redact.error(error) from None

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        try:
            yield from self._store.list_names(folder)
        except StoreError as error:
            raise self._redact.error(error) from None

    def describe(self, name: str) -> SecretDetails:
        try:
            details = self._store.describe(name)
        except StoreError as error:
            raise self._redact.error(error) from None
        return details.replace(
            attributes={k: self._redact.whole(v) for k, v in details.attributes.items()},
            notes=tuple(self._redact.text(n) for n in details.notes),
        )

    def last_changed(self, name: str) -> LastChanged | None:
        try:
            return self._store.last_changed(name)
        except StoreError as error:
            raise self._redact.error(error) from None

    def diagnostics(self) -> list[Diagnostic]:
        try:
            found = self._store.diagnostics()
        except StoreError as error:
            raise self._redact.error(error) from None
        return [self._redact.diagnostic(d) for d in found]

    def identity(self) -> str:
        return self._redact.text(self._store.identity())

    def close(self) -> None:
        self._store.close()
