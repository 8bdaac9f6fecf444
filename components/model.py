"""The Dapr resource model: what daprd reads from a resources folder (or a cluster).

Plain dataclasses, no I/O. Loaders in this package build them; `backends/` consumes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

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


@dataclass(frozen=True)
class Source:
    """Where a thing was defined: a file and a 1-based line, or a cluster object."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Severity(str, Enum):
    ERROR = "error"  # daprd would refuse to start, or the thing can never work
    WARNING = "warning"  # daprd would skip it, or do something the user most likely did not mean
    INFO = "info"  # worth knowing, nothing is wrong


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in configuration or a store, as data. Messages never contain secret values."""

    severity: Severity
    code: str  # short stable slug, e.g. "duplicate-name", "parked-forever"
    message: str  # what is wrong, in a sentence
    hint: str = ""  # what to do about it
    source: Source | None = None
    component: str | None = None  # component name, when the problem belongs to one
    secret: str | None = None  # secret name, when it belongs to one (a name, never a value)

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


@dataclass(frozen=True)
class SecretKeyRef:
    name: str
    key: str = ""

    @property
    def effective_key(self) -> str:
        """daprd uses the secret name as the key when `key` is empty (dapr-behaviour.md §2.6)."""
        return self.key or self.name


@dataclass(frozen=True)
class MetadataItem:
    name: str
    value: str | None = None  # the string daprd sees; None when the YAML had no value (or null)
    secret_key_ref: SecretKeyRef | None = None  # None when absent or its name is empty
    env_ref: str | None = None  # None when absent or empty
    line: int | None = None


@dataclass(frozen=True)
class Component:
    name: str
    type: str  # spec.type exactly as written, e.g. "secretstores.local.file"
    version: str = ""
    namespace: str = ""
    metadata: tuple[MetadataItem, ...] = ()
    auth_secret_store: str = ""
    scopes: tuple[str, ...] = ()
    init_timeout: str = ""
    ignore_errors: bool = False
    source: Source = field(default_factory=lambda: Source("<memory>"))
    # "Component", or another resource daprd resolves secretKeyRefs for with the same secret
    # processor ("HTTPEndpoint", "MCPServer"): its metadata are then the items that can hold a ref.
    kind: str = "Component"

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


@dataclass(frozen=True)
class ScopeDecision:
    allowed: bool
    rule: str  # human text of the rule that decided, e.g. "allowedSecrets of store vault"


@dataclass(frozen=True)
class SecretScope:
    """One `spec.secrets.scopes[]` entry of a Configuration (§1.7)."""

    store_name: str
    default_access: str = ""  # "", "allow" or "deny" in any case
    allowed_secrets: tuple[str, ...] = ()
    denied_secrets: tuple[str, ...] = ()
    source: Source | None = None  # where the entry is written


@dataclass(frozen=True)
class Configuration:
    """What the `--config` files say about secrets, merged the way daprd merges them."""

    scopes: tuple[SecretScope, ...] = ()
    sources: tuple[Source, ...] = ()
    component_deny: tuple[str, ...] = ()  # spec.components.deny as written: "type" or "type/version"
    api_allowed: tuple[ApiAccessRule, ...] = ()  # spec.api.allowed
    api_denied: tuple[ApiAccessRule, ...] = ()  # spec.api.denied


@dataclass(frozen=True)
class ApiAccessRule:
    """One `spec.api.allowed[]`/`denied[]` entry of a Configuration (§4 R4)."""

    name: str = ""
    version: str = ""
    protocol: str = ""


@dataclass(frozen=True)
class Reference:
    """One `secretKeyRef` of a component: which store, secret and key it needs (§2)."""

    component: str
    field: str  # the metadata item name
    store: str  # auth.secretStore, or "kubernetes" in Kubernetes mode when empty, else ""
    secret: str
    key: str  # the effective key: secretKeyRef.key, or the secret name when empty
    has_fallback_value: bool = False  # a literal `value` next to the ref (used when the ref fails)
    source: Source | None = None
    kind: str = "Component"  # the kind of the resource that holds the ref (HTTPEndpoint, MCPServer, ...)
    key_written: bool = True  # False: no `key` in the file, so daprd reads the key named like the secret (§2.6)

    @property
    def owner(self) -> str:
        """Who holds the ref, for people: the component name, or e.g. "HTTPEndpoint payments"."""
        return self.component if self.kind == "Component" else f"{self.kind} {self.component}"
