"""Verify a secret without revealing it: is this candidate the value daprd would return?

The answer is only "match" or "no match", from a constant-time comparison (hmac.compare_digest),
so neither the answer's timing nor its text tells how much of the candidate was right. Nothing
here keeps, logs or returns the candidate or the value.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

# `typing` is for type checkers only (the headless CLI's startup)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dapr_secrets.backends.runtime import Runtime

MATCH, NO_MATCH, ERROR = "match", "no-match", "error"


@dataclass(frozen=True)
class Verdict:
    outcome: str  # MATCH | NO_MATCH | ERROR
    key: str | None = None  # the key compared
    message: str = ""  # why it is an error (daprd's message or ours; never a value)

    @property
    def matched(self) -> bool:
        return self.outcome == MATCH


def values_match(candidate: str, value: str) -> bool:
    """Constant-time equality of two texts (as the UTF-8 bytes they came from)."""
    return hmac.compare_digest(
        candidate.encode("utf-8", "surrogateescape"), value.encode("utf-8", "surrogateescape")
    )


def pick_key(values: Mapping[str, str], key: str | None) -> str:
    """The key to compare: the one asked for, or the secret's only key. ValueError says why not."""
    if key is not None:
        if key not in values:
            raise ValueError(f"the secret has no key {key!r}")
        return key
    if len(values) == 1:
        return next(iter(values))
    if not values:
        raise ValueError("the secret has no keys")
    raise ValueError(f"the secret has {len(values)} keys: pick one with --key")


def verify_values(values: Mapping[str, str] | None, key: str | None, candidate: str) -> Verdict:
    """Compare a candidate with one key of a secret already read (the TUI has it)."""
    if values is None:
        return Verdict(ERROR, key, "the store returned no value (daprd answers 204)")
    try:
        chosen = pick_key(values, key)
    except ValueError as error:
        return Verdict(ERROR, key, str(error))
    return Verdict(MATCH if values_match(candidate, values[chosen]) else NO_MATCH, chosen)


def verify_secret(runtime: Runtime, store: str, name: str, candidate: str, key: str | None = None,
                  metadata: Mapping[str, str] | None = None) -> Verdict:
    """Read the secret exactly as `get` does (daprd's GET: scopes, store errors, metadata such as
    version_id) and compare one key with the candidate. A denied secret is an error."""
    response = runtime.api_get(store, name, metadata)
    if not response.ok:
        message = (response.body or {}).get("message", f"HTTP {response.status}")
        return Verdict(ERROR, key, str(message))
    return verify_values(response.body, key, candidate)
