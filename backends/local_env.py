"""`secretstores.local.env`: the environment variables of the daprd process (dapr-behaviour.md §3.2).

Linux/macOS semantics: variable names are case-sensitive. (On Windows daprd matches the prefix and
GET names case-insensitively; this tool stands in for a Linux or macOS daprd.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from dapr_secrets.backends.base import SecretDetails, SecretEntry, SecretStore, StoreContext
from dapr_secrets.backends.metadata import duplicate_property_error, property_lookup
from dapr_secrets.components.model import Diagnostic, Severity

PAGE_SIZE = 1000  # names per list_names page

_DENIED_NOTE = "denied by Dapr: local.env never reads APP_API_TOKEN or DAPR_* variables, so GET answers an empty value"
_UNSET_NOTE = "not set in daprd's environment: GET answers an empty value, not an error"


def is_denied(variable: str) -> bool:
    """Dapr refuses APP_API_TOKEN and every DAPR_* variable, compared upper-cased on the full name."""
    upper = variable.upper()
    return upper == "APP_API_TOKEN" or upper.startswith("DAPR_")


class LocalEnvStore(SecretStore):
    """A Dapr local environment-variable secret store (§3.2)."""

    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        super().__init__(name, properties, context)
        duplicate = duplicate_property_error(properties)
        if duplicate is not None:
            raise duplicate
        self.prefix = property_lookup(properties, "prefix") or ""
        self._env = context.env

    # ----- Dapr's API

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        """Missing and denied variables are not errors: Dapr answers `{name: ""}`."""
        variable = self.prefix + name
        value = "" if is_denied(variable) else self._env.get(variable, "")
        return {name: value}

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        return {name: {name: value} for name, value in self._visible()}

    # ----- browsing

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        names = sorted(name for name, _ in self._visible())
        for start in range(0, len(names), PAGE_SIZE):
            yield [SecretEntry(name) for name in names[start : start + PAGE_SIZE]]

    def describe(self, name: str) -> SecretDetails:
        variable = self.prefix + name
        attributes = {"variable": variable}
        if is_denied(variable):
            return SecretDetails(attributes, notes=(_DENIED_NOTE,))
        if variable not in self._env:
            return SecretDetails(attributes, notes=(_UNSET_NOTE,))
        if not self._env[variable]:
            return SecretDetails(attributes, notes=("set, but empty",))
        return SecretDetails(attributes)

    def diagnostics(self) -> list[Diagnostic]:
        source = self.context.component_source
        if self.prefix.upper().startswith("DAPR_"):
            return [
                Diagnostic(
                    Severity.WARNING,
                    "env-prefix-denied",
                    f"prefix {self.prefix!r} exposes nothing: Dapr refuses every DAPR_* variable.",
                    "Choose a prefix that does not start with DAPR_.",
                    source,
                    self.name,
                )
            ]
        if self.prefix and next(self._visible(), None) is None:
            return [
                Diagnostic(
                    Severity.INFO,
                    "env-prefix-empty",
                    f"No variable of daprd's environment starts with {self.prefix!r}: bulk returns nothing.",
                    "Export the variables before starting daprd, or check the prefix (case-sensitive).",
                    source,
                    self.name,
                )
            ]
        return []

    def _visible(self) -> Iterator[tuple[str, str]]:
        """(name without prefix, value) for the variables Dapr's bulk returns, in environment order.
        A variable exactly equal to the prefix is skipped."""
        prefix = self.prefix
        for variable, value in list(self._env.items()):
            if prefix and (len(variable) <= len(prefix) or not variable.startswith(prefix)):
                continue
            if not is_denied(variable):
                yield variable[len(prefix) :], value
