"""Kubernetes mode: Dapr Components and Configurations read from the fake API server (issue #5;
dapr-behaviour.md §1.5.4, §2.3, §2.5, §3.3)."""

from __future__ import annotations

import socket

import pytest

from dapr_secrets.backends.base import AccessDenied, StoreContext, StoreMisconfigured
from dapr_secrets.backends.kubernetes import KubernetesStore
from dapr_secrets.backends.kubernetes_resources import (
    KubeContext,
    builtin_kubernetes_component,
    list_contexts,
    list_namespaces,
    load_cluster_resources,
)
from dapr_secrets.components.model import Severity
from tests.fakes.kube_server import DEFAULT_TOKEN


def component(name: str, namespace: str, secret: str = "db", store: str = "") -> dict:
    manifest = {
        "apiVersion": "dapr.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "type": "state.redis",
            "version": "v1",
            "metadata": [
                {"name": "redisHost", "value": "redis:6379"},
                {"name": "redisPassword", "secretKeyRef": {"name": secret, "key": "password"}},
            ],
        },
    }
    if store:
        manifest["auth"] = {"secretStore": store}
    return manifest


def configuration(name: str, namespace: str, store: str = "kubernetes") -> dict:
    return {
        "apiVersion": "dapr.io/v1alpha1",
        "kind": "Configuration",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"secrets": {"scopes": [{"storeName": store, "defaultAccess": "deny", "allowedSecrets": ["db"]}]}},
    }


def load(cluster, env, namespace=None, context=None):
    return load_cluster_resources(kubeconfig=None, context=context, namespace=namespace, env=env)


def test_loads_the_components_and_configurations_of_one_namespace(kube_cluster, kube_env):
    kube_cluster.add_resource(component("orders-state", "prod"))
    kube_cluster.add_resource(component("staging-state", "staging"))
    kube_cluster.add_resource(configuration("appconfig", "prod"))
    kube_cluster.add_resource(configuration("appconfig", "staging"))
    result = load(kube_cluster, kube_env, namespace="prod")

    assert [c.name for c in result.components] == ["orders-state"]
    orders = result.components[0]
    assert (orders.type, orders.namespace, str(orders.source)) == (
        "state.redis",
        "prod",
        "cluster:test/prod/components/orders-state",
    )
    assert orders.references[0].secret_key_ref.name == "db"
    assert list(result.configurations) == ["prod/appconfig"]
    scope = result.configurations["prod/appconfig"].scopes[0]
    assert (scope.store_name, scope.allowed_secrets) == ("kubernetes", ("db",))
    assert result.context == "test" and result.server == kube_cluster.url and not result.failed
    assert result.namespaces == ["default", "prod", "staging"]
    paths = [request.path for request in kube_cluster.requests]
    assert paths[:2] == [
        "/apis/dapr.io/v1alpha1/namespaces/prod/components",
        "/apis/dapr.io/v1alpha1/namespaces/prod/configurations",
    ]
    assert all(request.query.get("limit") == ["500"] for request in kube_cluster.requests)


def test_every_namespace_is_read_through_the_cluster_wide_endpoints_in_pages(kube_cluster, kube_env):
    for index in range(1001):
        kube_cluster.add_resource(component(f"c{index:04d}", f"ns{index % 3}"))
    result = load(kube_cluster, kube_env)
    assert len(result.components) == 1001
    assert {c.namespace for c in result.components} == {"ns0", "ns1", "ns2"}
    component_requests = [r for r in kube_cluster.requests if r.path == "/apis/dapr.io/v1alpha1/components"]
    assert len(component_requests) == 3  # 500 + 500 + 1
    assert "continue" in component_requests[1].query and "continue" in component_requests[2].query


def test_s2_5_a_reference_reads_the_secret_of_its_components_own_namespace(kube_cluster, kube_env, tmp_path):
    """daprd sends {"namespace": <component's metadata.namespace>} with each secretKeyRef lookup."""
    kube_cluster.add_secret("team-a", "db", {"password": "a-pass"})
    kube_cluster.add_secret("team-b", "db", {"password": "b-pass"})
    kube_cluster.add_secret("fallback", "db", {"password": "env-pass"})
    kube_cluster.add_resource(component("a-state", "team-a"))
    kube_cluster.add_resource(component("b-state", "team-b"))
    result = load(kube_cluster, kube_env)
    store = KubernetesStore("kubernetes", {}, StoreContext(env=kube_env | {"NAMESPACE": "fallback"}, cwd=str(tmp_path)))
    try:
        found = {
            c.name: store.get_secret(c.references[0].secret_key_ref.name, {"namespace": c.namespace})["password"]
            for c in result.components
        }
        assert found == {"a-state": "a-pass", "b-state": "b-pass"}
        # A component without a namespace sends "", so the store falls back to NAMESPACE.
        assert store.get_secret("db", {"namespace": ""}) == {"password": "env-pass"}
    finally:
        store.close()


def test_a_component_daprd_cannot_decode_is_skipped_with_a_diagnostic_at_its_cluster_object(kube_cluster, kube_env):
    broken = component("broken", "prod") | {"scopes": "orders"}  # a string where daprd needs a list
    kube_cluster.add_resource(broken)
    kube_cluster.add_resource(component("fine", "prod"))
    result = load(kube_cluster, kube_env, namespace="prod")
    assert [c.name for c in result.components] == ["fine"]
    [problem] = [d for d in result.diagnostics if d.component == "broken"]
    assert str(problem.source) == "cluster:test/prod/components/broken"


def test_rbac_refusing_components_is_a_diagnostic_naming_verb_and_resource(kube_cluster, kube_env):
    kube_cluster.add_resource(configuration("appconfig", "prod"))
    kube_cluster.deny("list", "components", "prod")
    result = load(kube_cluster, kube_env, namespace="prod")
    [problem] = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert problem.code == "kube-forbidden"
    assert problem.message.startswith("cannot list Dapr components in namespace prod: components.dapr.io is forbidden")
    assert 'RBAC denies `list components` in namespace "prod" for alice@example.com' in problem.hint
    assert list(result.configurations) == ["prod/appconfig"]  # the rest still loads
    assert not result.failed


def test_a_cluster_without_dapr_says_the_crds_are_missing(kube_cluster, kube_env):
    kube_cluster.dapr_installed = False
    result = load(kube_cluster, kube_env, namespace="prod")
    codes = {d.code for d in result.diagnostics}
    assert codes == {"dapr-not-installed"}
    assert "dapr.io CRDs are not installed" in result.diagnostics[0].hint


def test_an_unreachable_context_is_one_diagnostic_naming_server_and_context(kube_cluster, kube_env, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        server = f"https://127.0.0.1:{probe.getsockname()[1]}"
    dead = kube_cluster.write_kubeconfig(
        tmp_path / "dead", contexts={"staging": DEFAULT_TOKEN}, current="staging", server=server
    )
    result = load(kube_cluster, kube_env | {"KUBECONFIG": str(dead)}, namespace="prod")
    [problem] = result.diagnostics
    assert problem.code == "kube-unreachable" and result.failed
    assert server in problem.message and "context staging" in problem.message
    assert result.components == [] and result.namespaces == ["prod"]


def test_an_expired_token_is_one_diagnostic_saying_so(kube_cluster, kube_env, tmp_path):
    stale = kube_cluster.write_kubeconfig(tmp_path / "stale", contexts={"test": "expired"})
    result = load(kube_cluster, kube_env | {"KUBECONFIG": str(stale)})
    [problem] = result.diagnostics
    assert problem.code == "kube-unauthorized" and result.failed
    assert problem.hint.startswith("token expired or invalid: refresh your kubeconfig credentials")
    assert len(kube_cluster.requests) == 1  # no second doomed call


def test_an_unknown_context_is_a_config_diagnostic(kube_cluster, kube_env):
    result = load(kube_cluster, kube_env, context="nope")
    [problem] = result.diagnostics
    assert problem.code == "kube-config" and problem.hint == "contexts there: test"
    assert kube_cluster.requests == []


def test_namespaces_fall_back_to_those_seen_when_rbac_forbids_listing_them(kube_cluster, kube_env):
    kube_cluster.add_resource(component("orders-state", "prod"))
    kube_cluster.deny("list", "namespaces")
    result = load(kube_cluster, kube_env, namespace="prod")
    assert result.namespaces == ["prod"]
    [info] = [d for d in result.diagnostics if d.code == "kube-namespaces-not-listed"]
    assert info.severity is Severity.INFO
    with pytest.raises(AccessDenied, match="namespaces is forbidden"):
        list_namespaces(kubeconfig=None, context=None, env=kube_env)


def test_list_namespaces_pages_through_every_namespace(kube_cluster, kube_env):
    for index in range(3):
        kube_cluster.add_namespace(f"team-{index}")
    assert list_namespaces(kubeconfig=str(kube_cluster.kubeconfig), context="test", env={}) == [
        "default",
        "team-0",
        "team-1",
        "team-2",
    ]


def test_list_contexts_merges_a_kubeconfig_list_like_kubectl(kube_cluster, tmp_path):
    first = kube_cluster.write_kubeconfig(
        tmp_path / "a", contexts={"dev": "t", "prod": "t"}, current="dev", namespace="apps"
    )
    second = kube_cluster.write_kubeconfig(tmp_path / "b", contexts={"ci": "t"}, current=None)
    contexts, current = list_contexts(None, {"KUBECONFIG": f"{first}:{second}"})
    assert current == "dev"
    assert contexts == [
        KubeContext("ci", "fake", "ci-user", ""),
        KubeContext("dev", "fake", "dev-user", "apps"),
        KubeContext("prod", "fake", "prod-user", "apps"),
    ]
    with pytest.raises(StoreMisconfigured, match="no kubeconfig found"):
        list_contexts(str(tmp_path / "missing"))


def test_with_neither_kubeconfig_nor_context_a_pods_service_account_is_used(kube_cluster, kube_env, service_account):
    kube_cluster.add_resource(component("orders-state", "prod"))
    broken = {"KUBECONFIG": "/nonexistent/kubeconfig"}
    result = load(kube_cluster, kube_env | broken | service_account, namespace="prod")
    assert [c.name for c in result.components] == ["orders-state"] and result.context == "in-cluster"
    assert kube_cluster.requests[0].headers["authorization"].lower() == "bearer pod-token"


def test_s1_5_4_the_builtin_store_is_kubernetes_v1_without_metadata():
    store = builtin_kubernetes_component("prod")
    assert (store.name, store.type, store.version, store.metadata) == (
        "kubernetes",
        "secretstores.kubernetes",
        "v1",
        (),
    )
    assert store.is_secret_store and store.namespace == "prod"


def test_s2_3_kubernetes_mode_end_to_end_references_resolve_in_their_own_namespace(kube_cluster, kube_env, tmp_path):
    """Through the runtime: cluster components, the built-in `kubernetes` store as the default auth
    store (§2.3), and each lookup sent with the referencing component's namespace (§2.5)."""
    from dapr_secrets.backends.runtime import Runtime, RuntimeOptions

    kube_cluster.add_secret("team-a", "db", {"password": "a-pass"})
    kube_cluster.add_secret("team-b", "other", {"password": "b-pass"})
    kube_cluster.add_resource(component("a-state", "team-a"))
    kube_cluster.add_resource(component("b-state", "team-b"))  # its `db` only exists in team-a
    def runtime_for(namespace: str | None) -> Runtime:
        options = RuntimeOptions(
            resources_paths=(), kubernetes=True, resources_from_cluster=True, env=kube_env,
            cwd=str(tmp_path), namespace=namespace,
        )
        return Runtime.load(options)

    # One daprd serves one namespace: each sees its own components and resolves in its namespace.
    team_a, team_b = runtime_for("team-a"), runtime_for("team-b")
    try:
        assert [c.name for c in team_a.components] == ["kubernetes", "a-state"]
        assert [c.name for c in team_b.components] == ["kubernetes", "b-state"]
        assert {ref.store for ref in team_a.references() + team_b.references()} == {"kubernetes"}
        assert team_a.check_reference(team_a.references()[0]).code == "ok"
        assert team_b.check_reference(team_b.references()[0]).code == "secret-not-found"
        assert team_b.api_get("kubernetes", "db", {"namespace": "team-a"}).text() == '{"password":"a-pass"}\n'
    finally:
        team_a.close()
        team_b.close()


def test_cluster_mode_without_namespace_uses_the_contexts_namespace(kube_cluster, kube_env, tmp_path):
    """Like kubectl: the current context's namespace, else `default`."""
    from dapr_secrets.backends.runtime import Runtime, RuntimeOptions

    kube_cluster.add_resource(component("d-state", "default"))
    kube_cluster.add_resource(component("x-state", "elsewhere"))
    runtime = Runtime.load(
        RuntimeOptions(resources_paths=(), kubernetes=True, resources_from_cluster=True, env=kube_env, cwd=str(tmp_path))
    )
    try:
        assert runtime.options.namespace == "default"
        assert [c.name for c in runtime.components] == ["kubernetes", "d-state"]
    finally:
        runtime.close()


def test_kubernetes_mode_component_scopes_apply_with_an_app_id(kube_cluster, kube_env, tmp_path):
    # dapr:pkg/runtime/authorizer/authorizer.go IsObjectAuthorized checks `scopes` against the app ID in
    # every mode: a component scoped to another app is not loaded by this app's daprd.
    from dapr_secrets.backends.runtime import Runtime, RuntimeOptions

    kube_cluster.add_resource(component("mine", "prod") | {"scopes": ["orders"]})
    kube_cluster.add_resource(component("theirs", "prod") | {"scopes": ["billing"]})
    runtime = Runtime.load(
        RuntimeOptions(resources_paths=(), kubernetes=True, resources_from_cluster=True, env=kube_env,
                       cwd=str(tmp_path), namespace="prod", app_id="orders")
    )
    try:
        assert [c.name for c in runtime.components] == ["kubernetes", "mine"]
        assert [(d.code, d.component) for d in runtime.diagnostics if d.code == "scoped-out"] == [("scoped-out", "theirs")]
    finally:
        runtime.close()


def test_kubernetes_mode_missing_config_name_is_an_error(kube_cluster, kube_env, tmp_path):
    # daprd cannot start when the Configuration its pod names (dapr.io/config) does not exist.
    from dapr_secrets.backends.runtime import Runtime, RuntimeOptions

    runtime = Runtime.load(
        RuntimeOptions(resources_paths=(), kubernetes=True, resources_from_cluster=True, env=kube_env,
                       cwd=str(tmp_path), namespace="prod", config_files=("nope",))
    )
    try:
        assert [(d.severity, d.code) for d in runtime.diagnostics] == [(Severity.ERROR, "config-not-found")]
    finally:
        runtime.close()


def test_kubernetes_mode_http_endpoint_refs_are_read_from_the_cluster(kube_cluster, kube_env, tmp_path):
    # dapr:pkg/runtime/processor/httpendpoints.go: the operator's HTTPEndpoints go through the same
    # secret processor; with no auth.secretStore the Kubernetes-mode default store is `kubernetes`.
    from dapr_secrets.backends.runtime import Runtime, RuntimeOptions

    kube_cluster.add_secret("prod", "api", {"token": "t"})
    kube_cluster.add_resource({
        "apiVersion": "dapr.io/v1alpha1", "kind": "HTTPEndpoint", "metadata": {"name": "pay", "namespace": "prod"},
        "spec": {"baseUrl": "https://x", "headers": [{"name": "Auth", "secretKeyRef": {"name": "api", "key": "token"}}]},
    })
    runtime = Runtime.load(
        RuntimeOptions(resources_paths=(), kubernetes=True, resources_from_cluster=True, env=kube_env,
                       cwd=str(tmp_path), namespace="prod")
    )
    try:
        (ref,) = runtime.references()
        assert (ref.kind, ref.component, ref.field, ref.store) == ("HTTPEndpoint", "pay", "headers[Auth]", "kubernetes")
        assert runtime.check_reference(ref).code == "ok"
        assert [c.name for c in runtime.components] == ["kubernetes"]
    finally:
        runtime.close()


def test_a_cluster_without_the_mcpserver_crd_is_not_an_error(kube_cluster, kube_env):
    # MCPServer is new in Dapr 1.18: a 404 on its list means "none", not a problem.
    kube_cluster.add_resource(component("orders-state", "prod"))
    kube_cluster.absent_resources = {"mcpservers", "httpendpoints"}
    try:
        result = load(kube_cluster, kube_env, namespace="prod")
    finally:
        kube_cluster.absent_resources = set()
    assert [c.name for c in result.components] == ["orders-state"] and result.diagnostics == []
