"""Keep values that came from secrets out of what a store says about itself.

A store's own settings may come from another store (`secretsFile`, `vaultAddr`, a token, a client
secret...). Stores quote their settings in errors and descriptions ("open <path>: no such file"),
so the runtime hands the UI and the CLI each store behind a `RedactedStore` that masks those values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

from backends.base import SecretDetails, SecretEntry, SecretStore, StoreError

MASK = "••••••••"  # fixed width: never reveals a length
MIN_LENGTH = 3  # shorter values ("1", "on") would garble every message and reveal little


class Redactor:
    def __init__(self, values: Iterable[str]) -> None:
        # Longest first, so a value containing another is masked whole.
        self.values = sorted({v for v in values if len(v) >= MIN_LENGTH}, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self.values)

    def text(self, text: str) -> str:
        for value in self.values:
            if value in text:
                text = text.replace(value, MASK)
        return text

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

    def __getattr__(self, name: str):
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
        return replace(
            details,
            attributes={k: self._redact.whole(v) for k, v in details.attributes.items()},
            notes=tuple(self._redact.text(n) for n in details.notes),
        )

    def diagnostics(self):
        try:
            found = self._store.diagnostics()
        except StoreError as error:
            raise self._redact.error(error) from None
        return [replace(d, message=self._redact.text(d.message), hint=self._redact.text(d.hint)) for d in found]

    def identity(self) -> str:
        return self._redact.text(self._store.identity())

    def close(self) -> None:
        self._store.close()
