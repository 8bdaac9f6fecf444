"""The Dapr resource model: what daprd reads from a resources folder (or a cluster).

Plain frozen values (components/record.py: they behave as dataclasses, without their import-time cost),
no I/O. Loaders in this package build them; `backends/` consumes them.
"""

from __future__ import annotations

from enum import Enum

from dapr_secrets.components.record import Record

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# The categories daprd initialises: the managers of its component processor
# (dapr:pkg/runtime/processor/processor.go New, tested in components.go `category`), in the order
# the sidebar shows them. pkg/components/category.go also names workflow, workflowbackend and
# nameresolution, but no manager takes them: such a component gets "incorrect type X" (§1.5, corrected).
CATEGORIES = (
    "secretstores",
    "state",
    "pubsub",
    "bindings",
    "configuration",
    "lock",
    "crypto",
    "middleware",
    "conversation",
)

# The secret store daprd adds in Kubernetes mode (unless a component already has the name), and
# the one an empty auth.secretStore means there (dapr-behaviour.md §1.5 rule 4, §2).
BUILTIN_KUBERNETES_STORE = "kubernetes"


class Source(Record):
    """Where a thing was defined: a file and a 1-based line, or a cluster object."""

    __match_args__ = ("file", "line")
    file: str
    line: int | None

    def __init__(self, file: str, line: int | None = None) -> None:
        self.__dict__.update(file=file, line=line)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Severity(str, Enum):
    ERROR = "error"  # daprd would refuse to start, or the thing can never work
    WARNING = "warning"  # daprd would skip it, or do something the user most likely did not mean
    INFO = "info"  # worth knowing, nothing is wrong


class Diagnostic(Record):
    """A problem found in configuration or a store, as data. Messages never contain secret values."""

    __match_args__ = ("severity", "code", "message", "hint", "source", "component", "secret")
    severity: Severity
    code: str  # short stable slug, e.g. "duplicate-name", "parked-forever"
    message: str  # what is wrong, in a sentence
    hint: str  # what to do about it
    source: Source | None
    component: str | None  # component name, when the problem belongs to one
    secret: str | None  # secret name, when it belongs to one (a name, never a value)

    def __init__(self, severity: Severity, code: str, message: str, hint: str = "", source: Source | None = None,
                 component: str | None = None, secret: str | None = None) -> None:
        self.__dict__.update(severity=severity, code=code, message=message, hint=hint, source=source, component=component,
                             secret=secret)

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "file": self.source.file if self.source else None,
            "line": self.source.line if self.source else None,
            "component": self.component,
            "secret": self.secret,
        }


class SecretKeyRef(Record):
    __match_args__ = ("name", "key")
    name: str
    key: str

    def __init__(self, name: str, key: str = "") -> None:
        self.__dict__.update(name=name, key=key)

    @property
    def effective_key(self) -> str:
        """daprd uses the secret name as the key when `key` is empty (dapr-behaviour.md §2.6)."""
        return self.key or self.name


class MetadataItem(Record):
    __match_args__ = ("name", "value", "secret_key_ref", "env_ref", "line")
    name: str
    value: str | None  # the string daprd sees; None when the YAML had no value (or null)
    secret_key_ref: SecretKeyRef | None  # None when absent or its name is empty
    env_ref: str | None  # None when absent or empty
    line: int | None

    def __init__(self, name: str, value: str | None = None, secret_key_ref: SecretKeyRef | None = None,
                 env_ref: str | None = None, line: int | None = None) -> None:
        self.__dict__.update(name=name, value=value, secret_key_ref=secret_key_ref, env_ref=env_ref, line=line)


_IN_MEMORY = Source("<memory>")  # a component built in code, not read from a file (values never change: one is enough)


class Component(Record):
    __match_args__ = ("name", "type", "version", "namespace", "metadata", "auth_secret_store", "scopes", "init_timeout",
                      "ignore_errors", "source", "kind")
    name: str
    type: str  # spec.type exactly as written, e.g. "secretstores.local.file"
    version: str
    namespace: str
    metadata: tuple[MetadataItem, ...]
    auth_secret_store: str
    scopes: tuple[str, ...]
    init_timeout: str
    ignore_errors: bool
    source: Source
    # "Component", or another resource daprd resolves secretKeyRefs for with the same secret
    # processor ("HTTPEndpoint", "MCPServer"): its metadata are then the items that can hold a ref.
    kind: str

    def __init__(self, name: str, type: str, version: str = "", namespace: str = "", metadata: tuple[MetadataItem, ...] = (),
                 auth_secret_store: str = "", scopes: tuple[str, ...] = (), init_timeout: str = "", ignore_errors: bool = False,
                 source: Source = _IN_MEMORY, kind: str = "Component") -> None:
        self.__dict__.update(name=name, type=type, version=version, namespace=namespace, metadata=metadata,
                             auth_secret_store=auth_secret_store, scopes=scopes, init_timeout=init_timeout,
                             ignore_errors=ignore_errors, source=source, kind=kind)

    @property
    def category(self) -> str | None:
        """The category daprd derives with a case-sensitive prefix test (§1.5.3); None if unknown."""
        for category in CATEGORIES:
            if self.type.startswith(category + "."):
                return category
        return None

    @property
    def is_secret_store(self) -> bool:
        return self.type.startswith("secretstores.")

    @property
    def references(self) -> tuple[MetadataItem, ...]:
        return tuple(item for item in self.metadata if item.secret_key_ref is not None)

    def label(self) -> str:
        """daprd's log form: `name (type/version)` or `name (type)`."""
        if self.kind != "Component":
            return self.name  # HTTPEndpoint, MCPServer: no spec.type
        kind = f"{self.type}/{self.version}" if self.version else self.type
        return f"{self.name} ({kind})"


class ScopeDecision(Record):
    __match_args__ = ("allowed", "rule")
    allowed: bool
    rule: str  # human text of the rule that decided, e.g. "allowedSecrets of store vault"

    def __init__(self, allowed: bool, rule: str) -> None:
        self.__dict__.update(allowed=allowed, rule=rule)


class SecretScope(Record):
    """One `spec.secrets.scopes[]` entry of a Configuration (§1.7)."""

    __match_args__ = ("store_name", "default_access", "allowed_secrets", "denied_secrets", "source")
    store_name: str
    default_access: str  # "", "allow" or "deny" in any case
    allowed_secrets: tuple[str, ...]
    denied_secrets: tuple[str, ...]
    source: Source | None  # where the entry is written

    def __init__(self, store_name: str, default_access: str = "", allowed_secrets: tuple[str, ...] = (),
                 denied_secrets: tuple[str, ...] = (), source: Source | None = None) -> None:
        self.__dict__.update(store_name=store_name, default_access=default_access, allowed_secrets=allowed_secrets,
                             denied_secrets=denied_secrets, source=source)


class Configuration(Record):
    """What the `--config` files say about secrets, merged the way daprd merges them."""

    __match_args__ = ("scopes", "sources", "component_deny", "api_allowed", "api_denied")
    scopes: tuple[SecretScope, ...]
    sources: tuple[Source, ...]
    component_deny: tuple[str, ...]  # spec.components.deny as written: "type" or "type/version"
    api_allowed: tuple[ApiAccessRule, ...]  # spec.api.allowed
    api_denied: tuple[ApiAccessRule, ...]  # spec.api.denied

    def __init__(self, scopes: tuple[SecretScope, ...] = (), sources: tuple[Source, ...] = (), component_deny: tuple[str, ...] = (),
                 api_allowed: tuple[ApiAccessRule, ...] = (), api_denied: tuple[ApiAccessRule, ...] = ()) -> None:
        self.__dict__.update(scopes=scopes, sources=sources, component_deny=component_deny, api_allowed=api_allowed,
                             api_denied=api_denied)


class ApiAccessRule(Record):
    """One `spec.api.allowed[]`/`denied[]` entry of a Configuration (§4 R4)."""

    __match_args__ = ("name", "version", "protocol")
    name: str
    version: str
    protocol: str

    def __init__(self, name: str = "", version: str = "", protocol: str = "") -> None:
        self.__dict__.update(name=name, version=version, protocol=protocol)


class Reference(Record):
    """One `secretKeyRef` of a component: which store, secret and key it needs (§2)."""

    __match_args__ = ("component", "field", "store", "secret", "key", "has_fallback_value", "source", "kind", "key_written")
    component: str
    field: str  # the metadata item name
    store: str  # auth.secretStore, or "kubernetes" in Kubernetes mode when empty, else ""
    secret: str
    key: str  # the effective key: secretKeyRef.key, or the secret name when empty
    has_fallback_value: bool  # a literal `value` next to the ref (used when the ref fails)
    source: Source | None
    kind: str  # the kind of the resource that holds the ref (HTTPEndpoint, MCPServer, ...)
    key_written: bool  # False: no `key` in the file, so daprd reads the key named like the secret (§2.6)

    def __init__(self, component: str, field: str, store: str, secret: str, key: str, has_fallback_value: bool = False,
                 source: Source | None = None, kind: str = "Component", key_written: bool = True) -> None:
        self.__dict__.update(component=component, field=field, store=store, secret=secret, key=key,
                             has_fallback_value=has_fallback_value, source=source, kind=kind, key_written=key_written)

    @property
    def owner(self) -> str:
        """Who holds the ref, for people: the component name, or e.g. "HTTPEndpoint payments"."""
        return self.component if self.kind == "Component" else f"{self.kind} {self.component}"
