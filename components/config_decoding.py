"""Decoding a daprd Configuration: gopkg.in/yaml.v3 over the composed nodes of a --config file (exact
keys, duplicate keys refused, the whole ConfigurationSpec type-checked), and encoding/json over the
object the Kubernetes operator sends (case-insensitive keys, strict types). Both decode onto the
same Settings; config.py loads the files and answers the questions asked of the result."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from dapr_secrets.components.golang import field_matcher, go_quote, parse_go_duration
from dapr_secrets.components.model import ApiAccessRule, Configuration, Diagnostic, SecretScope, Severity, Source
from dapr_secrets.components.record import MutableRecord
from dapr_secrets.components.values import MAPPING, MERGE_TAG, SCALAR, SEQUENCE, YAML_TAG, Node

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))
_SCOPE_FIELDS = ("storeName", "defaultAccess", "allowedSecrets", "deniedSecrets")


class Settings(MutableRecord):
    """What the files decoded so far set; each file decodes onto it, as yaml.v3 onto a struct."""

    __match_args__ = ("scopes", "deny", "sources", "api_allowed", "api_denied")

    def __init__(self, scopes: list[SecretScope] | None = None, deny: list[str] | None = None, sources: list[Source] | None = None,
                 api_allowed: list[ApiAccessRule] | None = None, api_denied: list[ApiAccessRule] | None = None) -> None:
        # None: a new list each, as field(default_factory=list) gave
        self.scopes: list[SecretScope] = [] if scopes is None else scopes
        self.deny: list[str] = [] if deny is None else deny
        self.sources: list[Source] = [] if sources is None else sources
        self.api_allowed: list[ApiAccessRule] = [] if api_allowed is None else api_allowed
        self.api_denied: list[ApiAccessRule] = [] if api_denied is None else api_denied

    def configuration(self) -> Configuration:
        return Configuration(
            tuple(self.scopes), tuple(self.sources), tuple(self.deny), tuple(self.api_allowed), tuple(self.api_denied)
        )


class _ConfigError(Exception):
    def __init__(self, message: str, hint: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.hint, self.line = message, hint, line


_HINTS = {
    "a mapping": "write a mapping of keys to values",
    "a list": "write a YAML list, e.g. [a, b] or one '- item' per line",
    "a string": "write a plain text value",
}


class YamlReader:
    """gopkg.in/yaml.v3 semantics: keys match exactly, any scalar is text for a string field,
    null leaves strings alone and empties lists, null list items are dropped, duplicate keys
    in a mapping make the whole decode fail."""

    def __init__(self, path: str, settings: Settings) -> None:
        self.path, self.settings = path, settings
        self.problems: list[Diagnostic] = []

    def read(self, root: Node | None) -> list[Diagnostic]:
        fields = self._fields(root, "the document", "a Configuration")
        if fields:
            self._text(fields.get("kind"), "kind")
            self._text(fields.get("apiversion"), "apiversion")
            self._fields(fields.get("metadata"), "metadata", "a mapping")
            spec = self._fields(fields.get("spec"), "spec", "a mapping")
            if spec:
                self._secrets(spec)
                self._components(spec)
                self._api(spec)
        return self.problems

    def _api(self, spec: dict[str, Node]) -> None:
        """spec.api (APISpec: yaml.v3 reads its untagged fields by lower-cased name)."""
        if "api" not in spec:
            return
        if _is_null(spec["api"]):
            self.settings.api_allowed, self.settings.api_denied = [], []
            return
        api = self._fields(spec["api"], "spec.api", "a mapping")
        for key in ("allowed", "denied"):
            if api and key in api:
                items = self._list(api[key], f"spec.api.{key}") or []
                rules = [self._api_rule(item, f"spec.api.{key}[{index}]") for index, item in enumerate(items)]
                setattr(self.settings, f"api_{key}", [rule for rule in rules if rule is not None])

    def _api_rule(self, node: Node, path: str) -> ApiAccessRule | None:
        if _is_null(node):
            return None
        fields = self._fields(node, path, "a mapping (name, version, protocol)")
        if fields is None:
            return None
        return ApiAccessRule(
            *(self._text(fields.get(key), f"{path}.{key}") or "" for key in ("name", "version", "protocol"))
        )

    def _secrets(self, spec: dict[str, Node]) -> None:
        if "secrets" not in spec:
            return
        if _is_null(spec["secrets"]):
            self.settings.scopes = []
            return
        secrets = self._fields(spec["secrets"], "spec.secrets", "a mapping")
        if secrets and "scopes" in secrets:
            items = self._list(secrets["scopes"], "spec.secrets.scopes")
            if items is not None:
                scopes = (self._scope(item, f"spec.secrets.scopes[{index}]") for index, item in enumerate(items))
                self.settings.scopes = [scope for scope in scopes if scope is not None]

    def _scope(self, node: Node, path: str) -> SecretScope | None:
        if _is_null(node):
            return None
        fields = self._fields(node, path, "a mapping (storeName, defaultAccess, allowedSecrets, deniedSecrets)")
        if fields is None:
            return None
        return SecretScope(
            store_name=self._text(fields.get("storeName"), f"{path}.storeName") or "",
            default_access=self._text(fields.get("defaultAccess"), f"{path}.defaultAccess") or "",
            allowed_secrets=tuple(self._strings(fields.get("allowedSecrets"), f"{path}.allowedSecrets")),
            denied_secrets=tuple(self._strings(fields.get("deniedSecrets"), f"{path}.deniedSecrets")),
            source=Source(self.path, node.line),
        )

    def _components(self, spec: dict[str, Node]) -> None:
        if "components" not in spec:
            return
        if _is_null(spec["components"]):
            self.settings.deny = []
            return
        components = self._fields(spec["components"], "spec.components", "a mapping")
        if components and "deny" in components:
            self.settings.deny = self._strings(components["deny"], "spec.components.deny")

    def _fields(self, node: Node | None, path: str, expected: str) -> dict[str, Node] | None:
        """A mapping's fields by exact key text; None when absent, null or wrong."""
        if node is None or _is_null(node):
            return None
        node = node.resolved()
        if node.kind != MAPPING:
            self._problem(path, expected, node)
            return None
        try:
            return _pairs(node, path)
        except _ConfigError as error:
            self.problems.append(config_error("config-invalid", error.message, Source(self.path, error.line), error.hint))
            return None

    def _list(self, node: Node, path: str) -> list[Node] | None:
        if _is_null(node):
            return []
        node = node.resolved()
        if node.kind != SEQUENCE:
            self._problem(path, "a list", node)
            return None
        return node.items

    def _strings(self, node: Node | None, path: str) -> list[str]:
        items = [] if node is None else self._list(node, path) or []
        texts = (self._text(item, f"{path}[{index}]") for index, item in enumerate(items))
        return [text for text in texts if text is not None]

    def _text(self, node: Node | None, path: str) -> str | None:
        if node is None or _is_null(node):
            return None
        node = node.resolved()
        if node.kind != SCALAR:
            self._problem(path, "a string", node)
            return None
        return node.value

    def _problem(self, path: str, expected: str, node: Node) -> None:
        found = {MAPPING: "a mapping", SEQUENCE: "a list"}.get(node.kind, "a scalar")
        message = f"{path} must be {expected}, not {found}"
        hint = _HINTS.get(expected, "write a mapping of keys to values")
        self.problems.append(config_error("config-invalid", message, Source(self.path, node.line), hint))


def _is_null(node: Node) -> bool:
    node = node.resolved()
    return node.kind == SCALAR and (node.plain and node.value in _NULL_WORDS or node.tag == YAML_TAG + "null")


def _pairs(node: Node, path: str) -> dict[str, Node]:
    """yaml.v3 mapping fields: duplicate keys are an error; `<<` merges add only keys not
    written explicitly, earlier merge sources winning."""
    explicit = [(key, value) for key, value in node.items if not _is_merge(key)]
    seen: dict[tuple[str, str], int] = {}
    for key, _ in node.items:
        identity = (key.kind, key.value)
        if identity in seen:
            raise _ConfigError(
                f"{path}: key {go_quote(key.value)} is written twice (lines {seen[identity]} and {key.line})",
                "remove one of them",
                key.line,
            )
        seen[identity] = key.line
    fields = {key.resolved().value: value for key, value in explicit if key.resolved().kind == SCALAR}
    for key, value in node.items:
        if _is_merge(key):
            for source in _merge_sources(value, path):
                for name, merged in _pairs(source, path).items():
                    fields.setdefault(name, merged)
    return fields


def _is_merge(key: Node) -> bool:
    return key.kind == SCALAR and key.value == "<<" and (key.plain or key.tag in ("!", MERGE_TAG))


def _merge_sources(node: Node, path: str) -> list[Node]:
    node = node.resolved()
    sources = node.items if node.kind == SEQUENCE else [node]
    if any(source.resolved().kind != MAPPING for source in sources):
        raise _ConfigError(
            f"{path}: map merge requires map or sequence of maps as the value",
            "merge (<<) only mappings",
            node.line,
        )
    return [source.resolved() for source in sources]


_ROOT_FIELDS = field_matcher(("kind", "apiVersion", "metadata", "spec"))
_SPEC_FIELDS = field_matcher(("secrets", "components", "api"))
_API_FIELDS = field_matcher(("allowed", "denied"))
_API_RULE_FIELDS = field_matcher(("name", "version", "protocol"))
_SECRETS_FIELDS = field_matcher(("scopes",))
_SCOPE_MATCH = field_matcher(_SCOPE_FIELDS)
_COMPONENTS_FIELDS = field_matcher(("deny",))


class JsonReader:
    """encoding/json semantics: keys match case-insensitively, string fields need JSON strings,
    null empties lists but leaves strings alone, null list items become zero values."""

    def __init__(self, source: Source, settings: Settings) -> None:
        self.source, self.settings = source, settings
        self.problems: list[Diagnostic] = []

    def read(self, manifest: object) -> list[Diagnostic]:
        fields = self._fields(manifest, _ROOT_FIELDS, "the object")
        if fields:
            self._text(fields.get("kind"), "kind")
            self._text(fields.get("apiVersion"), "apiVersion")
            spec = self._fields(fields.get("spec"), _SPEC_FIELDS, "spec")
            if spec:
                self._secrets(spec)
                self._components(spec)
                self._api(spec)
        return self.problems

    def _api(self, spec: dict[str, Any]) -> None:
        api = self._fields(spec.get("api"), _API_FIELDS, "spec.api")
        for key in ("allowed", "denied"):
            if api and key in api:
                items = self._list(api[key], f"spec.api.{key}")
                rules = []
                for index, item in enumerate(items):
                    fields = self._fields(item, _API_RULE_FIELDS, f"spec.api.{key}[{index}]") or {}
                    path = f"spec.api.{key}[{index}]"
                    rules.append(ApiAccessRule(*(self._text(fields.get(f), f"{path}.{f}") for f in ("name", "version", "protocol"))))
                setattr(self.settings, f"api_{key}", rules)

    def _secrets(self, spec: dict[str, Any]) -> None:
        secrets = self._fields(spec.get("secrets"), _SECRETS_FIELDS, "spec.secrets")
        if secrets and "scopes" in secrets:
            items = self._list(secrets["scopes"], "spec.secrets.scopes")
            self.settings.scopes = [
                self._scope(item, f"spec.secrets.scopes[{index}]") for index, item in enumerate(items)
            ]

    def _scope(self, item: object, path: str) -> SecretScope:
        fields = self._fields(item, _SCOPE_MATCH, path) or {}
        return SecretScope(
            store_name=self._text(fields.get("storeName"), f"{path}.storeName"),
            default_access=self._text(fields.get("defaultAccess"), f"{path}.defaultAccess"),
            allowed_secrets=tuple(self._strings(fields.get("allowedSecrets"), f"{path}.allowedSecrets")),
            denied_secrets=tuple(self._strings(fields.get("deniedSecrets"), f"{path}.deniedSecrets")),
            source=self.source,
        )

    def _components(self, spec: dict[str, Any]) -> None:
        components = self._fields(spec.get("components"), _COMPONENTS_FIELDS, "spec.components")
        if components and "deny" in components:
            self.settings.deny = self._strings(components["deny"], "spec.components.deny")

    def _fields(self, value: object, match: Callable[[str], str | None], path: str) -> dict[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self._problem(path, "a mapping")
            return None
        return {name: value[key] for key in sorted(value) if (name := match(key)) is not None}

    def _list(self, value: object, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self._problem(path, "a list")
            return []
        return value

    def _strings(self, value: object, path: str) -> list[str]:
        return [self._text(item, f"{path}[{index}]") for index, item in enumerate(self._list(value, path))]

    def _text(self, value: object, path: str) -> str:
        if value is None or isinstance(value, str):
            return value or ""
        self._problem(path, "a string")
        return ""

    def _problem(self, path: str, expected: str) -> None:
        message = f"{path} must be {expected}"
        self.problems.append(config_error("config-invalid", message, self.source, _HINTS.get(expected, "")))


# --- decoding the whole file: yaml.v3 fills every field of daprd's Configuration ------------------
#
# dapr:pkg/config/configuration.go LoadStandaloneConfiguration: yaml.Unmarshal(b, conf) of the whole
# ConfigurationSpec; one field of the wrong type makes Unmarshal fail, and daprd exits. The sections
# this tool reads (secrets, components, api) are checked by YamlReader; this schema covers the rest.
# Leaves: "str" any scalar, "bool", "int", "duration" (time.Duration: a string time.ParseDuration
# accepts), "any"; a dict is a struct, [x] a list of x, ("map", x) a map.

_STR, _BOOL, _INT, _DURATION, _ANY = "str", "bool", "int", "duration", "any"
_HANDLERS = {"handlers": [{"name": _STR, "type": _STR, "version": _STR,
                           "selector": {"fields": [{"field": _STR, "value": _STR}]}}]}
_METRIC = {
    "enabled": _BOOL, "recordErrorCodes": _BOOL, "latencyDistributionBuckets": [_INT],
    "http": {"increasedCardinality": _BOOL, "pathMatching": [_STR], "excludeVerbs": _BOOL},
    "workflow": {"latencyDistributionBuckets": [_INT], "latencyDistributionUnits": _DURATION},
    "rules": [{"name": _STR, "labels": [{"name": _STR, "regex": ("map", _STR)}]}],
}
_RETENTION = {key: _DURATION for key in ("anyTerminal", "completed", "failed", "terminated")}
_CONCURRENCY = [{"name": _STR, "maxConcurrent": _INT}]
_SPEC_SCHEMA = {
    "httpPipeline": _HANDLERS,
    "appHttpPipeline": _HANDLERS,
    "tracing": {
        "samplingRate": _STR, "stdout": _BOOL, "zipkin": {"endpointAddress": _STR},
        "otel": {"protocol": _STR, "endpointAddress": _STR, "isSecure": _BOOL, "headers": [_STR], "timeout": _DURATION},
    },
    "mtls": {
        "enabled": _BOOL, "workloadCertTTL": _STR, "allowedClockSkew": _STR, "sentryAddress": _STR,
        "controlPlaneTrustDomain": _STR, "tokenValidators": [{"name": _STR, "options": _ANY}],
    },
    "metric": _METRIC,
    "metrics": _METRIC,
    "accessControl": {
        "defaultAction": _STR, "trustDomain": _STR,
        "policies": [{"appId": _STR, "defaultAction": _STR, "trustDomain": _STR, "namespace": _STR,
                      "operations": [{"name": _STR, "httpVerb": [_STR], "action": _STR}]}],
    },
    "nameResolution": {"component": _STR, "version": _STR, "configuration": _ANY},
    "features": [{"name": _STR, "enabled": _BOOL}],
    "logging": {"apiLogging": {"enabled": _BOOL, "obfuscateURLs": _BOOL, "omitHealthChecks": _BOOL}},
    "wasm": {"strictSandbox": _BOOL},
    "workflow": {
        "maxConcurrentWorkflowInvocations": _INT, "maxConcurrentActivityInvocations": _INT,
        "globalMaxConcurrentWorkflowInvocations": _INT, "globalMaxConcurrentActivityInvocations": _INT,
        "workflowConcurrencyLimits": _CONCURRENCY, "activityConcurrencyLimits": _CONCURRENCY,
        "stateRetentionPolicy": _RETENTION,
    },
}
_GO_TYPES = {_BOOL: "bool", _INT: "int32", _DURATION: "time.Duration", _STR: "string"}
_YAML_BOOLS = frozenset(["true", "True", "TRUE", "false", "False", "FALSE"])
# yaml.v3 gives a typed bool field YAML 1.1's words too (decode.go, "compatibility with the 1.1 spec").
_BOOL_WORDS = _YAML_BOOLS | frozenset("y Y yes Yes YES on On ON n N no No NO off Off OFF".split())
_NUMBER = re.compile(r"[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?)")


def undecodable_fields(root: Node | None, path: str) -> list[Diagnostic]:
    """Fields of the whole --config document that yaml.v3 cannot put into daprd's Configuration."""
    if root is None or _is_null(root) or root.resolved().kind != MAPPING:
        return []  # YamlReader reports a document that is not a mapping
    try:
        spec = _pairs(root.resolved(), "the document").get("spec")
        if spec is None or _is_null(spec) or spec.resolved().kind != MAPPING:
            return []
        fields = _pairs(spec.resolved(), "spec")
    except _ConfigError:
        return []  # reported by YamlReader
    problems: list[tuple[int, str]] = []
    for name, schema in _SPEC_SCHEMA.items():
        if name in fields:
            _check_schema(fields[name], schema, f"spec.{name}", problems)
    return [
        Diagnostic(
            Severity.ERROR,
            "config-undecodable",
            f"daprd cannot decode this --config file as a whole (yaml: unmarshal errors: line {line}: {what}): "
            "daprd exits at start-up",
            "fix the field at the line shown; every section of the file counts, not only spec.secrets",
            Source(path, line),
        )
        for line, what in problems
    ]


def _check_schema(node: Node, schema: object, path: str, problems: list[tuple[int, str]]) -> None:
    if _is_null(node) or schema == _ANY:
        return
    node = node.resolved()
    if isinstance(schema, dict) or isinstance(schema, tuple):
        if node.kind != MAPPING:
            problems.append((node.line, f"{path} must be a mapping"))
            return
        try:
            fields = _pairs(node, path)
        except _ConfigError as error:
            problems.append((error.line or node.line, error.message))
            return
        for name, value in fields.items():
            inner = schema[1] if isinstance(schema, tuple) else schema.get(name)
            if inner is not None:
                _check_schema(value, inner, f"{path}.{name}", problems)
    elif isinstance(schema, list):
        if node.kind != SEQUENCE:
            problems.append((node.line, f"{path} must be a list"))
            return
        for index, item in enumerate(node.items):
            _check_schema(item, schema[0], f"{path}[{index}]", problems)
    elif not isinstance(schema, str):
        raise TypeError(f"not a schema: {schema!r}")  # a bug in the schema table, not in the file
    elif node.kind != SCALAR:
        problems.append((node.line, f"{path} must be a {_GO_TYPES[schema]}, not a {'mapping' if node.kind == MAPPING else 'list'}"))
    elif not _scalar_fits(node, schema):
        problems.append((node.line, f"cannot unmarshal {go_quote(node.value)} into {_GO_TYPES[schema]} ({path})"))


def _scalar_fits(node: Node, kind: str) -> bool:
    text, plain = node.value, node.plain
    if kind == _STR:
        return True
    if kind == _BOOL:
        return plain and text in _BOOL_WORDS or node.tag == YAML_TAG + "bool" and text in _YAML_BOOLS
    if kind == _INT:
        return plain and bool(_NUMBER.fullmatch(text))
    # time.Duration: yaml.v3 parses a string with time.ParseDuration; a number is refused.
    if plain and (_NUMBER.fullmatch(text) or text in _YAML_BOOLS):
        return False
    return parse_go_duration(text) is not None


def first_document_not_a_configuration(text: str, root: Node | None, path: str) -> list[Diagnostic]:
    """yaml.Unmarshal decodes only the first document: when the file holds several and the first is
    not a Configuration (kind), the Configuration further down is ignored by daprd."""
    if not _LATER_DOCUMENT.search(text) or _document_start_only_at_top(text):
        return []
    kind = ""
    if root is not None and root.resolved().kind == MAPPING:
        try:
            node = _pairs(root.resolved(), "the document").get("kind")
        except _ConfigError:
            node = None
        kind = node.resolved().value if node is not None and node.resolved().kind == SCALAR else ""
    if kind == "Configuration":
        return []
    shown = f"a {go_quote(kind)}" if kind else "not a Configuration"
    return [
        Diagnostic(
            Severity.WARNING,
            "config-first-document",
            f"this --config file holds several YAML documents and the first is {shown}: daprd reads only "
            "the first document, so the documents after it are ignored",
            "put the Configuration first, or give daprd a file that holds only the Configuration",
            Source(path, 1),
        )
    ]


_LATER_DOCUMENT = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)


def _document_start_only_at_top(text: str) -> bool:
    """A single `---` that only opens the first document (after comments or blank lines)."""
    starts = list(_LATER_DOCUMENT.finditer(text))
    if len(starts) != 1:
        return False
    before = text[: starts[0].start()]
    return all(not line.strip() or line.lstrip().startswith("#") for line in before.splitlines())


def config_error(code: str, message: str, source: Source | None, hint: str = "") -> Diagnostic:
    return Diagnostic(
        Severity.ERROR,
        code,
        f"{message}: daprd does not start with this configuration",
        hint or "fix the --config file",
        source,
    )
