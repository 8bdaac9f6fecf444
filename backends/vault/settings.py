"""The Vault component's metadata, read the way contrib's Init reads it (dapr-behaviour.md §3.4)."""

from __future__ import annotations

from collections.abc import Mapping

from dapr_secrets.backends.base import StoreMisconfigured
from dapr_secrets.backends.metadata import property_lookup
from dapr_secrets.components.golang import is_truthy

DEFAULT_ADDRESS = "https://127.0.0.1:8200"
DEFAULT_ENGINE_PATH = "secret"
DEFAULT_PREFIX = "dapr"


def prop(properties: Mapping[str, str], name: str) -> str:
    return property_lookup(properties, name) or ""


def value_type(value: str) -> str:
    if value in ("", "map", "text"):
        return value or "map"
    raise StoreMisconfigured(
        f"vault init error, invalid value type {value}, accepted values are map or text",
        'vaultValueType is case-sensitive: write "map" or "text"',
    )


def kv_prefix(properties: Mapping[str, str]) -> str:
    """Absent vaultKVUsePrefix means true; present, it must be truthy (even "" turns the prefix off)."""
    use_prefix = property_lookup(properties, "vaultKVUsePrefix")
    if use_prefix is not None and not is_truthy(use_prefix):
        return ""
    return prop(properties, "vaultKVPrefix") or DEFAULT_PREFIX


