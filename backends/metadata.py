"""Component metadata the way dapr/kit's DecodeMetadata reads it: case-insensitive names, aliases,
and no two names that differ only by case."""

from __future__ import annotations

from collections.abc import Mapping

from dapr_secrets.backends.base import StoreMisconfigured


def property_lookup(properties: Mapping[str, str], *names: str) -> str | None:
    """A metadata property the way Dapr's DecodeMetadata finds it: case-insensitive field name,
    aliases tried in order; None when absent. (Two names differing only by case are an Init error:
    see `duplicate_property_error`.)"""
    lowered = {key.lower(): value for key, value in properties.items()}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def duplicate_property_error(properties: Mapping[str, str]) -> StoreMisconfigured | None:
    """kit's DecodeMetadata refuses two properties whose names differ only by case (§3)."""
    seen: set[str] = set()
    for key in properties:
        if key.lower() in seen:
            return StoreMisconfigured(f"failed to resolve aliases: key {key.lower()} is duplicate in the metadata")
        seen.add(key.lower())
    return None
