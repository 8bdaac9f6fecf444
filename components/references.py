"""Who references which secret: the static side of daprd's secretKeyRef / envRef resolution.

dapr-behaviour.md §2 (dapr:pkg/runtime/processor/secret/secret.go) and §1.2 (meta.go). No I/O: which
store, secret and key each component item needs, the value an envRef gives, and the property map
a store receives once values are resolved. Fetching secrets is the runtime's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dapr_secrets.components.golang import go_upper
from dapr_secrets.components.model import BUILTIN_KUBERNETES_STORE, Component, MetadataItem, Reference, Source

DAPR_ENV_KEYS = "DAPR_ENV_KEYS"  # the allowlist the Kubernetes sidecar injector sets


def build_references(components: Iterable[Component], kubernetes_mode: bool) -> list[Reference]:
    """Every secretKeyRef daprd would resolve, in component and item order.

    The store is `auth.secretStore`; when empty it is `kubernetes` in Kubernetes mode and "" in
    self-hosted mode (no store has that name: daprd initialises the component with the item unresolved,
    §2.3). The key
    is `secretKeyRef.key`, or the secret name when empty (§2.6). An item with an envRef and no
    value reads the environment instead, so its secretKeyRef is not used (§2.1).
    """
    references = []
    for component in components:
        store = component.auth_secret_store or (BUILTIN_KUBERNETES_STORE if kubernetes_mode else "")
        for item in component.references:
            ref = item.secret_key_ref
            if uses_env_ref(item) or ref is None:  # component.references all have one
                continue
            references.append(
                Reference(
                    component=component.name,
                    field=item.name,
                    store=store,
                    secret=ref.name,
                    key=ref.effective_key,
                    key_written=bool(ref.key),
                    has_fallback_value=item.value is not None,
                    source=Source(component.source.file, item.line or component.source.line),
                    kind=component.kind,
                )
            )
    return references


def uses_env_ref(item: MetadataItem) -> bool:
    """daprd takes an envRef only when the item has no value; then the item is done (§2.1)."""
    return item.value is None and bool(item.env_ref)


def env_ref_allowed(name: str, dapr_env_keys: str = "") -> bool:
    """isEnvVarAllowed: never empty names, APP_API_TOKEN, DAPR_* or names with a space (any case);
    with DAPR_ENV_KEYS set, the upper-cased name must be a word of it. Like daprd, only the
    first occurrence of the name in DAPR_ENV_KEYS is examined."""
    key = go_upper(name)
    if not key or key == "APP_API_TOKEN" or key.startswith("DAPR_") or " " in key:
        return False
    if not dapr_env_keys:
        return True
    at = dapr_env_keys.find(key)
    end = at + len(key)
    return (
        at >= 0
        and (end == len(dapr_env_keys) or dapr_env_keys[end] == " ")
        and (at == 0 or dapr_env_keys[at - 1] == " ")
    )


def env_key_hidden_in_allow_list(name: str, dapr_env_keys: str) -> bool:
    """The allow-list names the variable as a word, yet daprd refuses it: the name's first
    occurrence is inside another word (`MYFOO FOO` refuses FOO), and only that one is tested."""
    key = go_upper(name)
    return bool(dapr_env_keys) and key in dapr_env_keys.split(" ") and not env_ref_allowed(name, dapr_env_keys)


def resolve_env_ref(item: MetadataItem, env: Mapping[str, str]) -> str | None:
    """The value daprd gives an envRef item from its environment `env`: the variable's value
    ("" when unset or refused, as daprd logs a warning and leaves it empty); None when the item
    does not use its envRef (it has a value, or no envRef)."""
    name = item.env_ref
    if not uses_env_ref(item) or name is None:  # uses_env_ref means a non-empty env_ref
        return None
    if not env_ref_allowed(name, env.get(DAPR_ENV_KEYS, "")):
        return ""
    return env.get(name, "")


def build_properties(
    values: Iterable[tuple[str, str | None]], *, app_id: str, namespace: str | None, pod_name: str = ""
) -> dict[str, str]:
    """The property map daprd passes to a component's Init (convertItemsToProps, §1.2).

    `values` are (item name, resolved value or None) in item order; a later item with the same name
    wins. Template tags are filled after resolution, so a secret holding `{uuid}` is templated too:
    each `{uuid}` gets a new UUID, `{podName}` daprd's POD_NAME (an error when it is unset, in any
    mode), `{namespace}` "<namespace>.<app ID>" (namespace "default" when daprd has no NAMESPACE
    variable, security.CurrentNamespace), `{appID}` the app ID, in that order (meta.go
    convertItemsToProps). Raises ValueError with daprd's message.
    """
    namespace = "default" if namespace is None else namespace
    properties: dict[str, str] = {}
    for name, value in values:
        text = value or ""
        while "{uuid}" in text:
            import uuid  # here, not at the top: few files use {uuid} and it costs startup milliseconds
            text = text.replace("{uuid}", str(uuid.uuid4()), 1)
        if "{podName}" in text:
            if not pod_name:
                raise ValueError(
                    f"failed to parse metadata: property {name} refers to {{podName}} but podName is not set"
                )
            text = text.replace("{podName}", pod_name)
        properties[name] = text.replace("{namespace}", f"{namespace}.{app_id}").replace("{appID}", app_id)
    return properties


# Field names that hold credentials in Dapr components (redisPassword, vaultToken, accessKey,
# azureClientSecret, connectionString...). Matched on the end of the name, so a header *name*
# such as securityTokenHeader is not taken for a secret.
_SECRET_FIELD_ENDINGS = (
    "password", "passwd", "pwd", "secret", "token", "apikey", "accesskey", "secretkey", "masterkey",
    "privatekey", "connectionstring", "credential", "credentials", "sastoken", "certificate",
)


def looks_like_secret_field(name: str) -> bool:
    """Whether a metadata item's name says it holds a credential."""
    folded = name.lower().replace("_", "").replace("-", "")
    return folded.endswith(_SECRET_FIELD_ENDINGS)
