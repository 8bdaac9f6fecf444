"""The daprd Configuration (`--config`): secret scopes and the component deny list.

dapr-behaviour.md §1.7 and §1.4 (last bullet); dapr:pkg/config/configuration.go. Self-hosted daprd
expands `$VAR`/`${VAR}` in the raw text (os.ExpandEnv), decodes the first YAML document with
gopkg.in/yaml.v3 onto the result of the previous files (case-sensitive keys, duplicate keys refused,
apiVersion and kind not checked), then validates the secret scopes. In Kubernetes mode the operator
hands daprd the resource as JSON, decoded by encoding/json (case-insensitive keys, strict types).
Any problem here stops daprd, so every problem is an ERROR. The decoding itself is config_decoding.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from dapr_secrets.components.config_decoding import (
    JsonReader,
    Settings,
    YamlReader,
    config_error,
    first_document_not_a_configuration,
    undecodable_fields,
)
from dapr_secrets.components.files import NotARegularFile, read_regular_file
from dapr_secrets.components.golang import fold_name
from dapr_secrets.components.model import (
    ApiAccessRule,
    Component,
    Configuration,
    Diagnostic,
    ScopeDecision,
    Severity,
    Source,
)
from dapr_secrets.components.values import YamlError, compose

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any



def load_configuration(paths: Sequence[str], env: Mapping[str, str]) -> tuple[Configuration, list[Diagnostic]]:
    """Read daprd's --config files in order, later files overriding earlier ones. Never raises."""
    settings = Settings()
    diagnostics: list[Diagnostic] = []
    for path in paths:
        path = os.path.expanduser(path)
        try:
            raw = read_regular_file(path).decode("utf-8", "surrogateescape")
        except NotARegularFile as error:
            diagnostics.append(
                config_error(
                    "config-unreadable",
                    f"cannot read {path}: it is {error.kind}, not a file (reading it could block forever)",
                    Source(path),
                    "point --config at the Configuration YAML file itself",
                )
            )
            continue
        except OSError as error:
            diagnostics.append(
                config_error("config-unreadable", f"cannot read {path}: {error.strerror or error}", Source(path))
            )
            continue
        text, unset = expand_env(raw, env)
        diagnostics.extend(
            _unset_variable(name, Source(path, raw.count("\n", 0, at) + 1)) for name, at in unset.items()
        )
        try:
            node = compose(text.encode("utf-8", "surrogateescape"))
        except YamlError as error:
            diagnostics.append(config_error("config-yaml-error", f"invalid YAML: {error.message}", Source(path, error.line)))
            continue
        settings.sources.append(Source(path))
        diagnostics.extend(YamlReader(path, settings).read(node))
        diagnostics.extend(undecodable_fields(node, path))
        diagnostics.extend(first_document_not_a_configuration(text, node, path))
    configuration = settings.configuration()
    return configuration, diagnostics + _validate(configuration)


def configuration_from_manifest(manifest: Mapping[str, Any], source: Source) -> tuple[Configuration, list[Diagnostic]]:
    """A Configuration object from the Kubernetes API (JSON), as daprd decodes what the operator sends."""
    settings = Settings(sources=[source])
    diagnostics = JsonReader(source, settings).read(manifest)
    configuration = settings.configuration()
    return configuration, diagnostics + _validate(configuration)


def expand_env(text: str, env: Mapping[str, str]) -> tuple[str, dict[str, int]]:
    """Go's os.ExpandEnv: `$NAME`, `${NAME}` and `$1`-style specials become the variable's value
    (empty when unset); a `$` followed by nothing name-like stays. Returns the text and, for each
    name that was not set, the index of its first `$` in `text`."""
    out: list[str] = []
    unset: dict[str, int] = {}
    start = index = 0
    while index < len(text):
        if text[index] == "$" and index + 1 < len(text):
            out.append(text[start:index])
            name, width = _shell_name(text, index + 1)
            if name:
                out.append(env.get(name, ""))
                if name not in env:
                    unset.setdefault(name, index)
            elif width == 0:
                out.append("$")
            index += width
            start = index + 1
        index += 1
    out.append(text[start:])
    return "".join(out), unset


def _shell_name(text: str, at: int) -> tuple[str, int]:
    """os.Expand's getShellName: the name after `$` and how many characters it took."""
    specials = "*#$@!?-0123456789"
    if text[at] == "{":
        if at + 2 < len(text) and text[at + 1] in specials and text[at + 2] == "}":
            return text[at + 1], 3
        close = text.find("}", at + 1)
        if close < 0:
            return "", 1  # bad syntax: "${" is eaten
        return text[at + 1 : close], close - at + 1  # "${}" gives an empty name and is eaten
    if text[at] in specials:
        return text[at], 1
    end = at
    while end < len(text) and (text[end] == "_" or text[end].isascii() and text[end].isalnum()):
        end += 1
    return text[at:end], end - at


def decide(configuration: Configuration, store: str, secret: str) -> ScopeDecision:
    """Whether daprd's secrets API gives `secret` of `store` to the app (SecretsScope.IsSecretAllowed)."""
    scope = next((scope for scope in configuration.scopes if scope.store_name == store), None)
    if scope is None:
        return ScopeDecision(True, f"no scope for store {store}")
    if scope.allowed_secrets:
        if secret in scope.allowed_secrets:
            return ScopeDecision(True, f"allowedSecrets of store {store} lists it")
        return ScopeDecision(False, f"allowedSecrets of store {store} does not list it")
    if secret in scope.denied_secrets:
        return ScopeDecision(False, f"deniedSecrets of store {store}")
    if fold_name(scope.default_access) == "deny":
        return ScopeDecision(False, f"defaultAccess deny of store {store}")
    default = "" if scope.default_access else " (the default)"
    return ScopeDecision(True, f"defaultAccess allow{default} of store {store}")


# The HTTP endpoints of the secrets API and of the service-invocation fallback, as daprd registers
# them (dapr:pkg/api/http/secrets.go, directmessaging.go): legacy route, and group "version/name".
SECRETS_GET_ENDPOINT = ("v1.0/secrets/{secretStoreName}/{key}", "v1/secrets")
SECRETS_BULK_ENDPOINT = ("v1.0/secrets/{secretStoreName}/bulk", "v1/secrets")
_INVOKE_ENDPOINT = ("v1.0/invoke/*", "v1/invoke")


def is_endpoint_allowed(configuration: Configuration, endpoint: tuple[str, str]) -> bool:
    """Whether daprd registers this HTTP endpoint under spec.api (endpoints.Endpoint.IsAllowed, with
    APIAccessRules.GetRulesByProtocol("http")): a rule counts only when its protocol is http (any
    case); it matches by group `version/name` or when the route starts with `version/name`."""
    def rules(entries: Sequence[ApiAccessRule]) -> set[str]:
        return {f"{rule.version}/{rule.name}" for rule in entries if rule.protocol.lower() == "http"}

    def matches(keys: set[str]) -> bool:
        route, group = endpoint
        return group in keys or any(route.startswith(key) for key in keys)

    allowed, denied = rules(configuration.api_allowed), rules(configuration.api_denied)
    if denied and matches(denied):
        return False
    return not allowed or matches(allowed)


def removed_endpoint_answer(configuration: Configuration) -> tuple[int, dict[str, Any] | None, str]:
    """What daprd answers on a route spec.api removed: chi's NotFound handler is the service-invocation
    fallback (server.go handle, IsFallback) when that endpoint is registered, which without a
    dapr-app-id header answers ErrDirectInvokeNoAppID; otherwise chi's own plain 404."""
    if is_endpoint_allowed(configuration, _INVOKE_ENDPOINT):
        return 404, {
            "errorCode": "ERR_DIRECT_INVOKE",
            "message": "failed getting app id either from the URL path or the header dapr-app-id",
        }, ""
    return 404, None, "404 page not found\n"


def scope_diagnostics(configuration: Configuration, store_names: Iterable[str]) -> list[Diagnostic]:
    """Scope entries naming no loaded secret store: daprd only logs them."""
    names = set(store_names)
    return [
        Diagnostic(
            Severity.WARNING,
            "scope-store-missing",
            f"Secrets configuration added for '{scope.store_name}', but no matching secret store was found",
            f"check the storeName spelling, or add a secret store component named {scope.store_name}",
            scope.source,
        )
        for scope in configuration.scopes
        if scope.store_name not in names
    ]


def is_component_denied(configuration: Configuration, component: Component) -> str | None:
    """Why spec.components.deny makes daprd refuse the component, or None (authorizer/component.go)."""
    if not configuration.component_deny:
        return None
    if not component.type or not component.version:
        return (
            f"component '{component.name}' has no spec.type or spec.version, which daprd refuses "
            "whenever the configuration has a spec.components.deny list"
        )
    for entry in configuration.component_deny:
        parts = entry.split("/")
        if not entry or len(parts) > 2:
            continue
        if parts[0] == component.type and (len(parts) == 1 or parts[1] in ("", component.version)):
            return (
                f"component '{component.name}' cannot be loaded because components of type "
                f"'{component.label()}' are not allowed (spec.components.deny lists {entry})"
            )
    return None


def _validate(configuration: Configuration) -> list[Diagnostic]:
    """sortAndValidateSecretsConfiguration: a store named twice, or a defaultAccess that is
    neither allow nor deny (any case; empty means allow)."""
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for scope in configuration.scopes:
        if scope.store_name in seen:
            problems.append(
                config_error(
                    "scope-store-repeated",
                    f"{scope.store_name} storeName is repeated in secrets configuration",
                    scope.source,
                    f"merge the scope entries for {scope.store_name} into one",
                )
            )
        seen.add(scope.store_name)
        if scope.default_access and fold_name(scope.default_access) not in ("allow", "deny"):
            problems.append(
                config_error(
                    "scope-default-access-invalid",
                    f"defaultAccess {scope.default_access} can be either allow or deny",
                    scope.source,
                    "write defaultAccess: allow or defaultAccess: deny",
                )
            )
    return problems


def _unset_variable(name: str, source: Source) -> Diagnostic:
    return Diagnostic(
        Severity.WARNING,
        "config-env-unset",
        f"{source.file} mentions ${name}, which is not set in daprd's environment: daprd replaces it with nothing",
        f"set {name} for daprd; note that daprd expands every $NAME and ${{NAME}} in --config files "
        "and a literal $ cannot be escaped",
        source,
    )
