"""The runtime against dapr-behaviour.md §1.5 (load order, parking), §2 (resolution) and §4 (the API).

Stores here are real backends (local.env, local.file) or `DictStore`, a tiny test store registered
under a test-only type: it plays the "fake store" of daprd's own TestV1SecretEndpoints.
"""

from __future__ import annotations

import json

import pytest

from dapr_secrets.backends import registry
from dapr_secrets.backends.base import SecretEntry, SecretStore, StoreError
from dapr_secrets.backends.runtime import Runtime, RuntimeOptions, State
from dapr_secrets.components.model import Component, Configuration, MetadataItem, SecretKeyRef, SecretScope

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
    monkeypatch.setitem(registry.SECRET_STORE_TYPES, "test.dict", f"{__name__}:DictStore")  # follows a rename
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


# The five tests below: dapr:pkg/runtime/processor/secret/secret.go ProcessResource (store "" is
# not found: warn and return at the first ref) and dapr:pkg/runtime/processor/components.go
# preprocessOneComponent (parks only behind a non-empty store name) / processComponents.


def test_s2_3_self_hosted_ref_without_auth_store_is_not_parked_but_initialised_with_the_field_empty():
    rt = runtime(store("a", GOOD), Component("db", "state.redis", metadata=(MetadataItem("password", None, SecretKeyRef("good-key")),)))
    status = rt.open("db")
    assert status.state == State.DEGRADED and status.waiting_for is None
    assert status.message == "not resolved: no auth.secretStore in self-hosted mode; daprd initialises db with password empty"
    assert "auth: {secretStore:" in status.hint
    [ref] = rt.references()
    assert rt.check_reference(ref).code == "no-auth-store"
    assert "park" not in status.message + rt.check_reference(ref).message
    assert [d.code for d in rt.doctor() if d.component == "db"] == ["ref-no-auth-store"]


def test_s2_3_without_auth_store_a_literal_value_beside_the_ref_is_kept():
    rt = runtime(Component("db", "state.redis", metadata=(MetadataItem("password", "literal", SecretKeyRef("good-key")),)))
    assert rt._resolve_properties(rt.component("db"))[0] == {"password": "literal"}
    assert rt.open("db").message.endswith("with password at its literal value")


def test_s2_3_without_auth_store_items_after_the_first_ref_are_not_resolved():
    items = (
        MetadataItem("before", None, env_ref="MY_VAR"),
        MetadataItem("password", None, SecretKeyRef("good-key")),
        MetadataItem("after", None, env_ref="MY_VAR"),
        MetadataItem("plain", "kept"),
    )
    rt = Runtime(RuntimeOptions(resources_paths=(), env={"MY_VAR": "from-env"}), [Component("db", "state.redis", metadata=items)])
    properties, problems, _ = rt._resolve_properties(rt.component("db"))
    assert properties == {"before": "from-env", "password": "", "after": "", "plain": "kept"}
    assert rt.open("db").message.endswith("with password, after empty")


def test_s2_3_without_auth_store_a_store_whose_init_fails_makes_daprd_exit_unless_ignore_errors():
    ref = (MetadataItem("secretsFile", None, SecretKeyRef("path")),)
    rt = runtime(
        Component("files", "secretstores.local.file", metadata=ref),
        Component("tolerant", "secretstores.local.file", metadata=ref, ignore_errors=True),
    )
    status = rt.open("files")
    assert status.state == State.ERROR
    assert "daprd initialises files with secretsFile empty" in status.message
    assert "missing local secrets file in metadata" in status.message
    assert status.hint.startswith("daprd would exit at start-up")
    assert rt.open("tolerant").hint.startswith("skipped: ignoreErrors")
    assert rt.api_get("files", "x").status == 500  # no store loaded at all: the usual answer


def test_s2_3_without_auth_store_a_store_that_inits_is_loaded_and_answers():
    rt = runtime(store("lenient", GOOD, refs={"token": ("t", "")}))
    status = rt.open("lenient")
    assert status.state == State.READY and "daprd initialises lenient with token empty" in status.message
    assert rt.api_get("lenient", "good-key").body == {"good-key": "life is good"}


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


def test_s1_6_unknown_versions_and_unsupported_types(monkeypatch):
    monkeypatch.setitem(registry.SECRET_STORE_TYPES, "test.unsupported", None)  # a Dapr type with no backend here
    rt = runtime(
        Component("v1", TEST_TYPE, version="1"),
        Component("aws", "secretstores.test.unsupported"),
        Component("bad", "SecretStores.local.file"),
    )
    assert rt.open("v1").state == State.ERROR
    assert "couldn't find secret store" in rt.status("v1").message
    assert rt.open("aws").state == State.UNSUPPORTED
    assert rt.open("bad").message == "incorrect type SecretStores.local.file"


@pytest.mark.parametrize("timeout", ["0s", "0", "-5s"])
def test_s1_1_init_timeout_zero_or_negative_fails_init(timeout):
    # dapr:pkg/runtime/processor/components.go processComponentAndDependents (no <= 0 guard) and
    # Processor.Init (an expired context adds "init timeout for component X")
    rt = runtime(
        Component("fast", TEST_TYPE, init_timeout=timeout),
        Component("tolerant", TEST_TYPE, init_timeout=timeout, ignore_errors=True),
        Component("unparsable", TEST_TYPE, init_timeout="10"),
    )
    status = rt.open("fast")
    assert (status.state, status.message) == (State.ERROR, f"init timeout for component fast ({TEST_TYPE})")
    assert status.hint.startswith("daprd would exit at start-up") and "initTimeout" in status.hint
    assert rt.open("tolerant").hint.startswith("skipped: ignoreErrors")
    assert rt.open("unparsable").state == State.READY  # only an unparsable value means the default 5s
    assert [d.code for d in rt.doctor() if d.component == "fast"] == ["init-failed"]


@pytest.mark.parametrize("kind", ["workflow.dapr", "workflowbackend.actors", "nameresolution.mdns", "SecretStores.local.file"])
def test_s1_5_only_the_nine_categories_are_accepted(kind):
    # dapr:pkg/runtime/processor/components.go processComponentAndDependents / Processor.category
    # (the processor's managers, not pkg/components/category.go)
    rt = runtime(Component("c", kind), Component("tolerant", kind, ignore_errors=True))
    status = rt.open("c")
    assert (status.state, status.message) == (State.ERROR, f"incorrect type {kind}")
    assert status.hint.startswith("daprd would exit at start-up")
    assert rt.open("tolerant").hint.startswith("skipped: ignoreErrors")
    assert [d.code for d in rt.doctor() if d.component == "c"] == ["init-failed"]


def test_s1_5_category_check_runs_after_secret_resolution():
    # dapr:pkg/runtime/processor/components.go processComponentAndDependents: preprocessOneComponent
    # parks first, the category is only tested for a component that is not parked
    rt = runtime(Component("wf", "workflow.dapr", auth_secret_store="missing", metadata=(MetadataItem("x", None, SecretKeyRef("s")),)))
    status = rt.open("wf")
    assert status.state == State.WAITING and status.waiting_for == "missing"


def test_s1_5_parked_stores_are_initialised_inside_the_store_call():
    # dapr:pkg/runtime/processor/components.go processComponentAndDependents (dependents run in the
    # store's call, an error returns at once) and processComponents ("process component X error")
    rt = runtime(
        store("early-bad", auth="boot", refs={"x": ("s", "")}, fail="yes", ignoreErrors="n/a"),
        store("early-dropped", auth="boot", refs={"x": ("s", "")}),
        Component("boot", TEST_TYPE, metadata=(MetadataItem("secrets", json.dumps({"s": {"s": "v"}})),), ignore_errors=True),
        store("late", auth="boot", refs={"x": ("s", "")}),
    )
    bad = rt.open("early-bad")
    assert bad.state == State.ERROR and bad.message == "process component boot error: init failed on purpose"
    assert bad.hint.startswith("skipped: ignoreErrors") and "boot's spec.ignoreErrors decides" in bad.hint  # boot's, not its own
    dropped = rt.open("early-dropped")
    assert dropped.state == State.WAITING and "drops the rest of the parked list" in dropped.message
    assert rt.open("late").state == State.READY  # processed after boot loaded: not parked at all
    codes = {d.component: d.code for d in rt.doctor()}
    assert codes["early-bad"] == "init-failed" and codes["early-dropped"] == "parked-forever"


def test_s3_4_vault_missing_ca_path_shows_daprd_crashes(tmp_path):
    # contrib:secretstores/hashicorp/vault/vault.go readCertificateFolder (nil FileInfo panic):
    # the process dies, so ignoreErrors does not matter
    vault = Component(
        "vault", "secretstores.hashicorp.vault", ignore_errors=True,
        metadata=(MetadataItem("vaultToken", "t"), MetadataItem("caPath", "no-such-dir")),
    )
    rt = Runtime(RuntimeOptions(resources_paths=(), env={}, cwd=str(tmp_path)), [vault])
    status = rt.open("vault")
    assert status.state == State.ERROR and status.message.startswith("daprd crashes: caPath no-such-dir does not exist")
    assert "whatever spec.ignoreErrors says" in status.hint
    assert [d.code for d in rt.doctor() if d.code != "plain-secret-value"] == ["daprd-crashes"]


def test_s2_9_kubernetes_operator_fills_refs_to_the_kubernetes_store():
    # dapr:pkg/operator/api/components.go ListComponents / processComponentSecrets, then
    # pkg/runtime/processor/secret/secret.go ProcessResource (the operator branch: base64-decode)
    kube = Component("kubernetes", TEST_TYPE, metadata=(MetadataItem("secrets", json.dumps({"db": {"pw": "p4ss", "empty": ""}})),))
    items = (
        MetadataItem("present", "literal", SecretKeyRef("db", "pw")),
        MetadataItem("empty", "literal", SecretKeyRef("db", "empty")),  # "" overrides the literal
        MetadataItem("missing", "not base64!", SecretKeyRef("db", "nope")),  # Error decoding secret: kept
        MetadataItem("missing-b64", "aGVsbG8=", SecretKeyRef("db", "nope")),  # decoded: hello
        MetadataItem("missing-none", None, SecretKeyRef("db", "nope")),
    )
    rt = runtime(kube, Component("app", "state.redis", metadata=items), kubernetes=True)
    rt.open("kubernetes")
    properties, problems, _ = rt._resolve_properties(rt.component("app"))
    assert properties == {"present": "p4ss", "empty": "", "missing": "not base64!", "missing-b64": "hello", "missing-none": ""}
    assert any("Error decoding secret" in p for p in problems)
    codes = {r.field: rt.check_reference(r) for r in rt.references()}
    assert "base64-decode" in codes["missing"].message and "replaces any literal" in codes["empty"].message


def test_s2_9_an_unreadable_kubernetes_secret_stops_daprd_whatever_ignore_errors():
    # dapr:pkg/operator/api/components.go ListComponents returns the error; pkg/runtime/runtime.go
    # "failed to load components"
    kube = Component("kubernetes", TEST_TYPE)
    ref = (MetadataItem("pw", "literal", SecretKeyRef("error-key")),)
    rt = Runtime(
        RuntimeOptions(resources_paths=(), env={}, kubernetes=True, app_id="orders"),
        [kube, Component("app", "state.redis", metadata=ref, ignore_errors=True),
         Component("other-app", "state.redis", metadata=ref, scopes=("billing",))],
    )
    status = rt.open("app")
    assert status.state == State.ERROR and status.message.startswith("failed to load components: the operator cannot read")
    assert "whatever spec.ignoreErrors says" in status.hint
    assert rt.open("other-app").state != State.ERROR  # not scoped to this app: the operator skips it
    assert "daprd-does-not-start" in {d.code for d in rt.doctor() if d.component == "app"}


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
    scopes = Configuration((SecretScope("s", "deny", allowed_secrets=("a",)),))
    rt = runtime(store("s", {"a": {"a": "1"}, "b": {"b": "2"}}), configuration=scopes)
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


def test_s1_2_pod_name_is_filled_from_pod_name_in_every_mode():
    # dapr:pkg/runtime/runtime.go (meta.New with os.Getenv("POD_NAME")), pkg/runtime/meta/meta.go convertItemsToProps
    pod = Component("pod", "state.redis", metadata=(MetadataItem("b", "{podName}/{namespace}"),))

    def resolved(**options):
        rt = Runtime(RuntimeOptions(resources_paths=(), app_id="orders", **options), [pod])
        return rt._resolve_properties(rt.component("pod"))[0]["b"]

    assert resolved(env={"POD_NAME": "orders-7d9f"}) == "orders-7d9f/default.orders"  # self-hosted too
    assert resolved(env={"POD_NAME": "p", "NAMESPACE": ""}) == "p/.orders"  # set but empty: no default
    assert resolved(env={}, kubernetes=True, namespace="prod").startswith("<pod name>/prod.orders")  # the injector sets it
    rt = Runtime(RuntimeOptions(resources_paths=(), env={}), [pod])
    status = rt.open("pod")
    assert status.state == State.ERROR and "POD_NAME" in status.hint


def test_s2_1_doctor_says_when_the_allow_list_hides_a_name_inside_another_word():
    # dapr:pkg/runtime/processor/secret/secret.go isEnvVarAllowed (first strings.Index only)
    items = (MetadataItem("a", None, env_ref="FOO"), MetadataItem("b", None, env_ref="BAR"))
    options = RuntimeOptions(resources_paths=(), env={"DAPR_ENV_KEYS": "MYFOO FOO BAR", "FOO": "x", "BAR": "y"})
    rt = Runtime(options, [Component("app", "state.redis", metadata=items)])
    assert rt._resolve_properties(rt.component("app"))[0] == {"a": "", "b": "y"}
    found = [d for d in rt.doctor() if d.code == "env-allow-list-hidden"]
    assert [d.message.split()[2] for d in found] == ["FOO"]


def test_s2_7_resolved_values_reach_the_component_go_unquoted():
    # dapr:pkg/apis/common/namevalue.go DynamicValue.String (strconv.Unquote), applied after
    # pkg/runtime/processor/secret/secret.go ProcessResource sets the raw value
    secrets = {"q": {"q": '"abc"'}, "r": {"r": "'x'"}, "t": {"t": '"a\\tb"'}, "raw": {"raw": "`raw`"}, "n": {"n": '"not closed'}}
    items = tuple(MetadataItem(name, None, SecretKeyRef(name)) for name in secrets)
    items += (MetadataItem("env", None, env_ref="QUOTED"), MetadataItem("literal", '"kept"'))
    rt = Runtime(
        RuntimeOptions(resources_paths=(), env={"QUOTED": '"from env"'}),
        [store("vault", secrets), Component("app", "state.redis", auth_secret_store="vault", metadata=items)],
    )
    rt.open("vault")
    properties = rt._resolve_properties(rt.component("app"))[0]
    assert properties == {"q": "abc", "r": "x", "t": "a\tb", "raw": "raw", "n": '"not closed', "env": "from env", "literal": '"kept"'}
    found = [d for d in rt.doctor() if d.code == "value-unquoted"]
    assert sorted(d.message.split("'")[1] for d in found) == ["env", "q", "r", "raw", "t"]
    assert all("abc" not in d.message and "from env" not in d.message for d in found)  # never the value


def test_error_messages_never_carry_values():
    app = Component("app", "state.redis", auth_secret_store="vault", metadata=(MetadataItem("pw", None, SecretKeyRef("s", "other")),))
    rt = runtime(store("vault", {"s": {"s": "TOP-SECRET-CANARY"}}), app)
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
        Component(
            "app", "state.redis", auth_secret_store="vault",
            metadata=(MetadataItem("pw", "fallback", SecretKeyRef("good-key", "nope")),),
        ),
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


# --- §4 R4: endpoints removed by spec.api ----------------------------------------------------------

DIRECT_INVOKE_404 = {
    "errorCode": "ERR_DIRECT_INVOKE",
    "message": "failed getting app id either from the URL path or the header dapr-app-id",
}


def _api_config(tmp_path, api_yaml: str) -> Configuration:
    from dapr_secrets.components.config import load_configuration

    path = tmp_path / "config.yaml"
    path.write_text("apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec:\n  api:\n" + api_yaml)
    configuration, problems = load_configuration([str(path)], {})
    assert problems == []
    return configuration


@pytest.mark.parametrize(
    "api_yaml",
    [
        "    allowed:\n    - {name: state, version: v1, protocol: http}\n    - {name: invoke, version: v1, protocol: http}\n",
        "    denied:\n    - {name: secrets, version: v1, protocol: HTTP}\n",  # group name, any case protocol
        "    denied:\n    - {name: secrets, version: v1.0, protocol: http}\n",  # legacy: route prefix
    ],
)
def test_s4_r4_api_endpoints_removed_by_spec_api_answer_the_invocation_fallback_404(tmp_path, api_yaml):
    # dapr:pkg/api/http/server.go setupRoutes skips endpoints that endpoints.Endpoint.IsAllowed refuses;
    # chi's NotFound is then the service-invocation fallback (directmessaging.go onDirectMessage), which
    # without a dapr-app-id header answers messages.ErrDirectInvokeNoAppID (404).
    rt = runtime(store("s", GOOD), configuration=_api_config(tmp_path, api_yaml))
    for response in (rt.api_get("s", "good-key"), rt.api_bulk("s")):
        assert (response.status, response.body) == (404, DIRECT_INVOKE_404)
        assert not response.ok


def test_s4_r4_rules_without_the_http_protocol_remove_nothing(tmp_path):
    # config.APIAccessRules.GetRulesByProtocol("http") keeps only rules whose protocol is http.
    rt = runtime(store("s", GOOD), configuration=_api_config(tmp_path, "    denied:\n    - {name: secrets, version: v1}\n"))
    assert rt.api_get("s", "good-key").status == 200


def test_s4_r4_only_bulk_removed_by_its_route_prefix(tmp_path):
    # endpointMatchesAPIAccessRule's legacy check: strings.HasPrefix(version + "/" + route, rule).
    api_yaml = "    denied:\n    - {name: 'secrets/{secretStoreName}/bulk', version: v1.0, protocol: http}\n"
    rt = runtime(store("s", GOOD), configuration=_api_config(tmp_path, api_yaml))
    assert rt.api_get("s", "good-key").status == 200
    assert rt.api_bulk("s").body == DIRECT_INVOKE_404


def test_s4_r4_with_invocation_removed_too_chi_answers_its_plain_404(tmp_path):
    # server.go handle: the fallback is registered only when the invoke endpoint itself is allowed.
    for api_yaml in (
        "    allowed:\n    - {name: state, version: v1, protocol: http}\n",  # invoke not allowed either
        "    denied:\n    - {name: secrets, version: v1, protocol: http}\n    - {name: invoke, version: v1, protocol: http}\n",
    ):
        rt = runtime(store("s", GOOD), configuration=_api_config(tmp_path, api_yaml))
        response = rt.api_get("s", "good-key")
        assert (response.status, response.body, response.text()) == (404, None, "404 page not found\n")
