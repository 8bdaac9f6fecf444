"""The runtime against dapr-behaviour.md §1.5 (load order, parking), §2 (resolution) and §4 (the API).

Stores here are real backends (local.env, local.file) or `DictStore`, a tiny test store registered
under a test-only type: it plays the "fake store" of daprd's own TestV1SecretEndpoints.
"""

from __future__ import annotations

import json

import pytest

from backends import registry
from backends.base import SecretEntry, SecretStore, StoreError
from backends.runtime import Runtime, RuntimeOptions, State
from components.model import Component, Configuration, MetadataItem, SecretKeyRef, SecretScope

TEST_TYPE = "secretstores.test.dict"


class DictStore(SecretStore):
    """daprd's http_test fake: good-key -> value, error-key -> error, anything else -> nil."""

    opened: list[str] = []

    def __init__(self, name, properties, context):
        super().__init__(name, properties, context)
        DictStore.opened.append(name)
        self.secrets = json.loads(properties.get("secrets", "{}"))
        if properties.get("fail") == "yes":
            raise StoreError("init failed on purpose")

    def get_secret(self, name, metadata):
        if name == "error-key":
            raise StoreError("boom")
        return self.secrets.get(name)

    def bulk_get(self, metadata):
        return {name: value for name, value in self.secrets.items()}

    def list_names(self, folder=""):
        yield [SecretEntry(name) for name in self.secrets]


@pytest.fixture(autouse=True)
def dict_store_type(monkeypatch):
    monkeypatch.setitem(registry.SECRET_STORE_TYPES, "test.dict", "tests.runtime.test_runtime:DictStore")
    DictStore.opened = []


def store(name: str, secrets: dict | None = None, auth: str = "", refs: dict | None = None, **props) -> Component:
    items = [MetadataItem("secrets", json.dumps(secrets or {}))]
    items += [MetadataItem(k, v) for k, v in props.items()]
    for field, (secret, key) in (refs or {}).items():
        items.append(MetadataItem(field, None, SecretKeyRef(secret, key)))
    return Component(name=name, type=TEST_TYPE, metadata=tuple(items), auth_secret_store=auth)


def runtime(*components: Component, kubernetes: bool = False, configuration: Configuration | None = None) -> Runtime:
    return Runtime(RuntimeOptions(resources_paths=(), kubernetes=kubernetes, env={}), list(components), [], configuration)


GOOD = {"good-key": {"good-key": "life is good"}}


def test_s1_5_a_store_may_depend_on_a_store_defined_later():
    """§1.5.2 / §5.1: the Key Vault certification test puts the dependent store first."""
    rt = runtime(
        store("main", auth="boot", refs={"secrets": ("inner", "")}),
        store("boot", {"inner": {"inner": json.dumps(GOOD)}}),
    )
    assert rt.open("main").state == State.READY
    assert rt.api_get("main", "good-key").body == {"good-key": "life is good"}


def test_s2_3_self_hosted_ref_without_auth_store_parks_forever():
    rt = runtime(store("a", GOOD), Component("db", "state.redis", metadata=(MetadataItem("password", None, SecretKeyRef("good-key")),)))
    status = rt.open("db")
    assert status.state == State.WAITING
    assert "no auth.secretStore" in status.message


def test_s2_3_kubernetes_mode_defaults_to_the_kubernetes_store():
    rt = runtime(Component("db", "state.redis", metadata=(MetadataItem("password", None, SecretKeyRef("x")),)), kubernetes=True)
    assert rt.component("kubernetes").type == "secretstores.kubernetes"
    assert rt.auth_store_name(rt.component("db")) == "kubernetes"
    assert [r.store for r in rt.references()] == ["kubernetes"]


def test_s1_5_cycle_and_self_reference_never_load():
    rt = runtime(
        store("a", auth="b", refs={"x": ("s", "")}),
        store("b", auth="a", refs={"x": ("s", "")}),
        store("self", auth="self", refs={"x": ("s", "")}),
    )
    for name in ("a", "b", "self"):
        status = rt.open(name)
        assert status.state == State.WAITING
        assert "cycle" in status.message
    assert DictStore.opened == []


def test_s1_5_a_store_behind_a_failed_store_waits_and_says_why():
    rt = runtime(store("broken", fail="yes"), store("child", auth="broken", refs={"x": ("s", "")}))
    assert rt.open("broken").state == State.ERROR
    child = rt.open("child")
    assert child.state == State.WAITING and child.waiting_for == "broken"
    assert "init failed on purpose" in child.message


def test_s1_5_chains_resolve_through_several_stores():
    rt = runtime(
        store("c", auth="b", refs={"secrets": ("payload", "")}),
        store("b", auth="a", refs={"secrets": ("b-secrets", "")}),
        store("a", {"b-secrets": {"b-secrets": json.dumps({"payload": {"payload": json.dumps(GOOD)}})}}),
    )
    assert rt.open("c").state == State.READY
    assert rt.api_get("c", "good-key").status == 200


def test_s2_6_empty_key_means_the_name_and_s2_7_empty_values_are_ignored():
    rt = runtime(
        store("vault", {"db": {"db": "from-name-key", "_value": "not-this", "empty": ""}}),
        Component(
            "app",
            "state.redis",
            auth_secret_store="vault",
            metadata=(
                MetadataItem("a", None, SecretKeyRef("db", "")),
                MetadataItem("b", "fallback", SecretKeyRef("db", "empty")),
            ),
        ),
    )
    rt.open("vault")
    properties, _, _ = rt._resolve_properties(rt.component("app"))
    assert properties == {"a": "from-name-key", "b": "fallback"}
    statuses = {r.field: rt.check_reference(r).code for r in rt.references()}
    assert statuses == {"a": "ok", "b": "empty-value"}


def test_s2_8_get_secret_errors_do_not_stop_the_component():
    """daprd logs the error and initialises the component without the value: we say DEGRADED."""
    rt = runtime(
        store("vault", GOOD),
        Component("app", "state.redis", auth_secret_store="vault", metadata=(MetadataItem("pw", None, SecretKeyRef("error-key")),)),
        Component("fine", "state.redis", auth_secret_store="vault", metadata=(MetadataItem("pw", None, SecretKeyRef("good-key")),)),
    )
    assert rt.open("app").state == State.DEGRADED
    assert "boom" in rt.status("app").message and "without it" in rt.status("app").message
    assert rt.check_reference(rt.references()[0]).code == "error"
    assert rt.open("fine").state == State.READY


def test_s1_6_unknown_versions_and_unsupported_types():
    rt = runtime(
        Component("v1", TEST_TYPE, version="1"),
        Component("aws", "secretstores.huaweicloud.csms"),  # still unsupported
        Component("bad", "SecretStores.local.file"),
    )
    assert rt.open("v1").state == State.ERROR
    assert "couldn't find secret store" in rt.status("v1").message
    assert rt.open("aws").state == State.UNSUPPORTED
    assert rt.open("bad").message == "incorrect type SecretStores.local.file"


def test_s1_6_type_and_version_are_case_insensitive_after_the_prefix():
    assert registry.lookup("secretstores.Local.File", "V1").supported


# §4 TestV1SecretEndpoints: store1 allow+denied[not-allowed], store2 deny+allowed[good-key],
# store3 allow+allowed[good-key], store4 no scope.
API_SCOPES = Configuration(
    scopes=(
        SecretScope("store1", "allow", denied_secrets=("not-allowed",)),
        SecretScope("store2", "deny", allowed_secrets=("good-key",)),
        SecretScope("store3", "allow", allowed_secrets=("good-key",)),
    )
)


@pytest.fixture
def api():
    return runtime(*(store(f"store{i}", GOOD) for i in range(1, 5)), configuration=API_SCOPES)


@pytest.mark.parametrize(
    "store_name, key, status",
    [
        ("notexistStore", "bad-key", 401),
        ("store1", "bad-key", 204),
        ("store1", "not-allowed", 403),
        ("store2", "random", 403),
        ("store3", "random", 403),
        ("store3", "good-key", 200),
        ("store2", "good-key", 200),
        ("store1", "good-key", 200),
        ("store4", "good-key", 200),
        ("store4", "error-key", 500),
    ],
)
def test_s4_single_get_status_codes(api, store_name, key, status):
    assert api.api_get(store_name, key).status == status


def test_s4_bodies_are_daprs(api):
    assert api.api_get("store1", "good-key").text() == '{"good-key":"life is good"}\n'
    assert api.api_get("store1", "bad-key").text() == ""
    assert api.api_get("notexistStore", "x").body == {
        "errorCode": "ERR_SECRET_STORE_NOT_FOUND",
        "message": "failed finding secret store with key notexistStore",
    }
    assert api.api_get("store1", "not-allowed").body == {
        "errorCode": "ERR_PERMISSION_DENIED",
        "message": 'access denied by policy to get "not-allowed" from "store1"',
    }
    assert api.api_get("store4", "error-key").body == {
        "errorCode": "ERR_SECRET_GET",
        "message": "failed getting secret with key error-key from secret store store4: boom",
    }
    assert api.api_bulk("store1").body == {"good-key": {"good-key": "life is good"}}


def test_s4_bulk_silently_drops_denied_secrets():
    rt = runtime(store("s", {"a": {"a": "1"}, "b": {"b": "2"}}), configuration=Configuration((SecretScope("s", "deny", allowed_secrets=("a",)),)))
    assert rt.api_bulk("s").body == {"a": {"a": "1"}}


def test_s4_no_store_at_all_is_500():
    response = runtime(Component("db", "state.redis")).api_get("any", "x")
    assert response.status == 500
    assert response.body["errorCode"] == "ERR_SECRET_STORES_NOT_CONFIGURED"


def test_s1_2_template_tags_after_resolution():
    rt = Runtime(
        RuntimeOptions(resources_paths=(), env={}, app_id="orders", namespace="prod"),
        [
            store("vault", {"s": {"s": "{appID}"}}),
            Component(
                "app",
                "state.redis",
                auth_secret_store="vault",
                metadata=(MetadataItem("a", "{appID}-{namespace}-{uuid}"), MetadataItem("b", None, SecretKeyRef("s"))),
            ),
            Component("pod", "state.redis", metadata=(MetadataItem("b", "{podName}"),)),
        ],
    )
    rt.open("vault")
    properties, _, _ = rt._resolve_properties(rt.component("app"))
    app, namespace, *uuid_parts = properties["a"].split("-")
    assert (app, namespace, len(uuid_parts)) == ("orders", "prod.orders", 5)
    assert properties["b"] == "orders"  # a secret's value is templated too
    status = rt.open("pod")
    assert status.state == State.ERROR
    assert status.message == "failed to parse metadata: property b refers to {podName} but podName is not set"


def test_error_messages_never_carry_values():
    rt = runtime(store("vault", {"s": {"s": "TOP-SECRET-CANARY"}}), Component("app", "state.redis", auth_secret_store="vault", metadata=(MetadataItem("pw", None, SecretKeyRef("s", "other")),)))
    status = rt.check_reference(rt.references()[0])
    assert status.code == "key-not-found"
    assert "TOP-SECRET-CANARY" not in status.message
    assert all("TOP-SECRET-CANARY" not in d.message for d in rt.doctor())


def test_settings_that_came_from_secrets_never_appear_in_messages(tmp_path):
    """A store's own settings may come from another store (§1.5): its errors and descriptions
    quote them (a file path here), so the runtime masks them everywhere it hands them out."""
    secret_path = str(tmp_path / "hidden-location-CANARY.json")

    def chained(name: str, secret: str) -> Component:
        return Component(
            name,
            "secretstores.local.file",
            auth_secret_store="boot",
            metadata=(MetadataItem("secretsFile", None, SecretKeyRef(secret)),),
        )

    rt = runtime(
        store("boot", {"good": {"good": secret_path}, "bad": {"bad": secret_path + ".missing"}}),
        chained("works", "good"),
        chained("broken", "bad"),
    )
    (tmp_path / "hidden-location-CANARY.json").write_text('{"a": "b"}')
    broken = rt.open("broken")
    assert broken.state == State.ERROR
    assert "CANARY" not in broken.message + broken.hint and "••••••••" in broken.message
    assert rt.open("works").state == State.READY
    details = rt.store("works").describe("a")
    assert all("CANARY" not in value for value in details.attributes.values())
    assert rt.store("works").get_secret("a", {}) == {"a": "b"}
    assert all("CANARY" not in d.message for d in rt.doctor())


def test_a_store_that_fails_to_open_says_daprd_would_exit_and_keeps_the_stores_hint(tmp_path):
    """spec.ignoreErrors false: a failed Init stops daprd (§1.1); the store's own hint stays."""
    missing = Component(
        "files", "secretstores.local.file", metadata=(MetadataItem("secretsFile", str(tmp_path / "nope.json")),)
    )
    status = runtime(missing).open("files")
    assert status.state == State.ERROR
    assert status.hint.startswith("daprd would exit at start-up")
    assert len(status.hint) > len("daprd would exit at start-up (spec.ignoreErrors is false).")
    tolerant = Component("files", missing.type, metadata=missing.metadata, ignore_errors=True)
    assert "exit" not in runtime(tolerant).open("files").hint


def test_a_failing_reference_with_a_literal_fallback_says_the_literal_is_used():
    rt = runtime(
        store("vault", GOOD),
        Component("app", "state.redis", auth_secret_store="vault", metadata=(MetadataItem("pw", "fallback", SecretKeyRef("good-key", "nope")),)),
    )
    status = rt.open("app")
    assert status.state == State.DEGRADED
    assert "literal value instead" in status.message and "without it" not in status.message


def test_doctor_flags_credentials_written_in_plain_in_a_component_file():
    rt = runtime(
        Component(
            "cache",
            "state.redis",
            metadata=(
                MetadataItem("redisPassword", "hunter2", line=7),
                MetadataItem("securityTokenHeader", "X-Api-Token"),
                MetadataItem("redisHost", "localhost:6379"),
            ),
        )
    )
    flagged = [d for d in rt.doctor() if d.code == "plain-secret-value"]
    assert [d.message for d in flagged] == ["cache: metadata 'redisPassword' holds a plain value written in the component file"]
    assert flagged[0].source.line == 7 and "hunter2" not in flagged[0].message


def test_s1_4_a_component_on_the_config_deny_list_is_refused():
    """With a deny list, daprd also refuses components without spec.version."""
    versioned = store("vault", GOOD)
    versioned = Component(versioned.name, versioned.type, version="v1", metadata=versioned.metadata)
    rt = runtime(
        versioned,
        store("unversioned", GOOD),
        Component("cache", "state.redis", version="v1"),
        configuration=Configuration(component_deny=("state.redis",)),
    )
    status = rt.open("cache")
    assert status.state == State.ERROR and "spec.components.deny" in status.hint
    assert rt.open("vault").state == State.READY
    assert rt.open("unversioned").state == State.ERROR
