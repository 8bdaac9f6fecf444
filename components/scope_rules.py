"""The secret-scope rules of a Configuration, one row per secret store, said in plain words.

What each row says follows `SecretsScope.IsSecretAllowed` (dapr:pkg/config/configuration.go), the
rule `config.decide` applies to one name (§1.7): no entry allows everything; a non-empty
allowedSecrets alone decides; otherwise deniedSecrets, then defaultAccess. Scopes apply to the
secrets API only, never to a component's secretKeyRef.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dapr_secrets.components.golang import fold_name
from dapr_secrets.components.model import Configuration, SecretScope, Source


@dataclass(frozen=True)
class ScopeRow:
    store: str
    effect: str  # what the secrets API gives the app from this store
    allowed: tuple[str, ...] = ()
    denied: tuple[str, ...] = ()
    default_access: str = ""  # as written; "" means allow
    source: Source | None = None  # the scope entry, or None when the store has none
    store_loaded: bool = True  # False: the entry names no secret store daprd loads
    ignored: str = ""  # the written fields that take no part in the decision, and why


def scope_rows(configuration: Configuration, store_names: Iterable[str]) -> list[ScopeRow]:
    """Every loaded secret store (in the given order), then scope entries naming no loaded store."""
    names = list(dict.fromkeys(store_names))
    by_store = {scope.store_name: scope for scope in configuration.scopes}  # daprd refuses a repeated storeName
    rows = [_row(by_store[name]) if name in by_store else ScopeRow(name, "every secret (no scope for this store)") for name in names]
    rows += [_row(scope, loaded=False) for scope in configuration.scopes if scope.store_name not in names]
    return rows


def _row(scope: SecretScope, loaded: bool = True) -> ScopeRow:
    deny_by_default = fold_name(scope.default_access) == "deny"
    ignored = ""
    if scope.allowed_secrets:
        count = len(scope.allowed_secrets)
        effect = f"only the {count} allowed secret{'s' if count != 1 else ''}"
        written = [field for field, value in (("deniedSecrets", scope.denied_secrets), ("defaultAccess", scope.default_access)) if value]
        if written:
            ignored = f"{' and '.join(written)} ignored: a non-empty allowedSecrets alone decides"
    elif deny_by_default:
        effect = "no secret (defaultAccess deny)"
        if scope.denied_secrets:
            ignored = "deniedSecrets adds nothing: defaultAccess deny already refuses every name"
    elif scope.denied_secrets:
        count = len(scope.denied_secrets)
        effect = f"every secret except the {count} denied"
    else:
        effect = "every secret (the entry restricts nothing)"
    if not loaded:
        effect = "nothing to scope: no secret store of this name is loaded (daprd only logs it)"
    return ScopeRow(
        scope.store_name, effect, scope.allowed_secrets, scope.denied_secrets, scope.default_access, scope.source, loaded, ignored
    )
