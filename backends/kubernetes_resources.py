"""Kubernetes mode: the Dapr Components and Configurations of a cluster, its namespaces and contexts.

daprd in a pod receives the `dapr.io/v1alpha1` Components of its namespace from the operator; here
we read the same objects from the API server (one namespace, or all of them for browsing), paged,
and turn them into the model with the same functions the disk loader uses. Problems become
diagnostics, never exceptions, so the UI can always show what happened.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from dapr_secrets.backends.base import StoreError, StoreMisconfigured, StoreTimeout, StoreUnreachable
from dapr_secrets.backends.kubernetes import (
    CredentialsRejected,
    KubeApi,
    NotServed,
    default_kubeconfig,
    in_cluster_api,
    kubeconfig_api,
    kubeconfig_contexts,
)
from dapr_secrets.components.config import configuration_from_manifest
from dapr_secrets.components.loader import component_from_manifest, secret_using_resource
from dapr_secrets.components.model import BUILTIN_KUBERNETES_STORE, Component, Configuration, Diagnostic, Severity, Source

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DAPR_API = "/apis/dapr.io/v1alpha1"
_KINDS = {"components": "Component", "configurations": "Configuration", "httpendpoints": "HTTPEndpoint", "mcpservers": "MCPServer"}
_OPTIONAL_RESOURCES = ("httpendpoints", "mcpservers")  # their secretKeyRefs count (components/loader.py)


@dataclass(frozen=True)
class KubeContext:
    """One kubeconfig context, for the UI's context switcher."""

    name: str
    cluster: str = ""
    user: str = ""
    namespace: str = ""  # the context's default namespace, "" when unset


@dataclass
class ClusterResources:
    components: list[Component]
    # "<namespace>/<name>" -> Configuration. daprd uses the one its pod's `dapr.io/config`
    # annotation names, so a namespace may hold several.
    configurations: dict[str, Configuration]
    diagnostics: list[Diagnostic]
    namespaces: list[str]
    context: str  # the kubeconfig context used, or "in-cluster"
    server: str = ""
    failed: bool = False  # True when the cluster could not be read at all
    # HTTPEndpoints and MCPServers (as Components of that kind): daprd resolves their secretKeyRefs too
    other_resources: list[Component] = field(default_factory=list)


def load_cluster_resources(
    *, kubeconfig: str | None, context: str | None, namespace: str | None, env: Mapping[str, str]
) -> ClusterResources:
    """The Dapr resources of `namespace` (None: every namespace) in a cluster. `kubeconfig` and
    `context` default like kubectl's (KUBECONFIG, ~/.kube/config, its current context); with
    neither given, a pod's in-cluster service account is used when present."""
    try:
        api = open_cluster(kubeconfig=kubeconfig, context=context, env=env)
    except StoreError as error:
        where = Source(f"cluster:{context or 'current context'}")
        return ClusterResources(
            [], {}, [_diagnostic(error, "connect to the cluster", where)], _maybe(namespace), context or "", failed=True
        )
    try:
        return _load(api, namespace)
    finally:
        api.close()


def list_namespaces(*, kubeconfig: str | None, context: str | None, env: Mapping[str, str]) -> list[str]:
    """Every namespace the user may list. Raises StoreError (AccessDenied when RBAC forbids it)."""
    api = open_cluster(kubeconfig=kubeconfig, context=context, env=env)
    try:
        return _namespaces(api)
    finally:
        api.close()


def list_contexts(kubeconfig: str | None, env: Mapping[str, str] | None = None) -> tuple[list[KubeContext], str | None]:
    """(contexts, current-context) of a kubeconfig (default: KUBECONFIG, else ~/.kube/config; a
    KUBECONFIG list is merged as kubectl does). Raises StoreMisconfigured when there is none."""
    path = kubeconfig or default_kubeconfig(os.environ if env is None else env)
    if not path:
        raise StoreMisconfigured("no kubeconfig: set KUBECONFIG or pass --kubeconfig")
    contexts, current = kubeconfig_contexts(path)
    found = [
        KubeContext(
            name, str(entry.get("cluster") or ""), str(entry.get("user") or ""), str(entry.get("namespace") or "")
        )
        for name, entry in sorted(contexts.items())
    ]
    return found, current


def builtin_kubernetes_component(namespace: str) -> Component:
    """The store daprd adds in Kubernetes mode (§1.5.4): `kubernetes`, secretstores.kubernetes/v1, no
    metadata. daprd's object has no namespace of its own; we record the one it serves (its NAMESPACE)."""
    return Component(
        name=BUILTIN_KUBERNETES_STORE,
        type="secretstores.kubernetes",
        version="v1",
        namespace=namespace,
        source=Source("<built-in: daprd adds it in Kubernetes mode>"),
    )


def open_cluster(*, kubeconfig: str | None, context: str | None, env: Mapping[str, str]) -> KubeApi:
    """A client for the user's cluster. Raises StoreMisconfigured when there is no usable config."""
    if kubeconfig is None and context is None:
        api = in_cluster_api(env)
        if api is not None:
            return api
    path = kubeconfig or default_kubeconfig(env)
    if not path:
        raise StoreMisconfigured("no kubeconfig: set KUBECONFIG or pass --kubeconfig")
    return kubeconfig_api(path, context)


# --- loading -----------------------------------------------------------------------------------------


def _load(api: KubeApi, namespace: str | None) -> ClusterResources:
    result = ClusterResources([], {}, [], [], api.target.context, api.target.server)
    cluster = f"cluster:{api.target.context}"
    for resource in ("components", "configurations", *_OPTIONAL_RESOURCES):
        try:
            items = list(_items(api, resource, namespace))
        except StoreError as error:
            if resource in _OPTIONAL_RESOURCES and isinstance(error, NotServed):
                continue  # a Dapr version without this CRD (MCPServer is new in 1.18): nothing of that kind
            result.diagnostics.append(_diagnostic(error, f"list Dapr {resource}", Source(cluster), namespace))
            if _cluster_wide(error):  # the next calls would fail the same way
                result.failed = True
                result.namespaces = _maybe(namespace)
                return result
            continue
        for item in items:
            metadata = item.get("metadata") or {}
            item_namespace, name = metadata.get("namespace") or "", metadata.get("name") or ""
            source = Source(f"{cluster}/{item_namespace}/{resource}/{name}")
            if resource == "components":
                component, problems = component_from_manifest(item, source)
                if component is not None:
                    result.components.append(component)
            elif resource in _OPTIONAL_RESOURCES:
                other = secret_using_resource(item, source)
                if other is not None:
                    result.other_resources.append(other)
                problems = []
            else:
                configuration, problems = configuration_from_manifest(item, source)
                result.configurations[f"{item_namespace}/{name}"] = configuration
            result.diagnostics.extend(problems)
    result.namespaces = _known_namespaces(api, result, namespace)
    return result


def _items(api: KubeApi, resource: str, namespace: str | None) -> Iterator[dict[str, Any]]:
    path = f"{DAPR_API}/namespaces/{quote(namespace, safe='')}/{resource}" if namespace else f"{DAPR_API}/{resource}"
    for page in api.pages(path, resource=resource, namespace=namespace):
        for item in page.get("items") or []:
            # Custom resources carry kind/apiVersion in lists; be safe if a proxy drops them.
            yield {"apiVersion": "dapr.io/v1alpha1", "kind": _KINDS[resource]} | item


def _namespaces(api: KubeApi) -> list[str]:
    names: list[str] = []
    for page in api.pages("/api/v1/namespaces", resource="namespaces"):
        names.extend((item.get("metadata") or {}).get("name", "") for item in page.get("items") or [])
    return sorted(filter(None, names))


def _known_namespaces(api: KubeApi, result: ClusterResources, namespace: str | None) -> list[str]:
    """All namespaces when RBAC lets us list them; else the ones we have seen (and say why)."""
    try:
        return _namespaces(api)
    except StoreError as error:
        seen = {c.namespace for c in result.components} | {key.split("/")[0] for key in result.configurations}
        result.diagnostics.append(
            Diagnostic(
                Severity.INFO,
                "kube-namespaces-not-listed",
                f"cannot list namespaces: {error.message}",
                "only namespaces that hold Dapr resources are offered; pass --namespace to pick another",
                Source(f"cluster:{api.target.context}"),
            )
        )
        return sorted(filter(None, seen | set(_maybe(namespace))))


def _cluster_wide(error: StoreError) -> bool:
    return isinstance(error, (StoreUnreachable, StoreTimeout, StoreMisconfigured, CredentialsRejected))


def _diagnostic(error: StoreError, action: str, source: Source, namespace: str | None = None) -> Diagnostic:
    where = f" in namespace {namespace}" if namespace else ""
    hint = error.hint
    if isinstance(error, NotServed):
        hint = "the dapr.io CRDs are not installed in this cluster: is Dapr installed here? (dapr init -k)"
    return Diagnostic(Severity.ERROR, _code(error), f"cannot {action}{where}: {error.message}", hint, source)


def _code(error: StoreError) -> str:
    if isinstance(error, NotServed):
        return "dapr-not-installed"
    if isinstance(error, CredentialsRejected):
        return "kube-unauthorized"
    return {
        "denied": "kube-forbidden",
        "unreachable": "kube-unreachable",
        "timeout": "kube-timeout",
        "misconfigured": "kube-config",
    }.get(error.kind, "kube-error")


def _maybe(namespace: str | None) -> list[str]:
    return [namespace] if namespace else []
