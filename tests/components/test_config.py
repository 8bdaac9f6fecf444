"""dapr-behaviour.md §1.7 (Configuration and secret scopes) and the §1.4 component deny list."""

from __future__ import annotations

import pytest

from dapr_secrets.components.config import (
    configuration_from_manifest,
    decide,
    expand_env,
    is_component_denied,
    load_configuration,
    scope_diagnostics,
)
from dapr_secrets.components.model import Component, Configuration, SecretScope, Severity, Source
from tests.helpers.components import write


def load(tmp_path, *texts: str, env: dict[str, str] | None = None):
    paths = [str(write(tmp_path, f"config{index}.yaml", text)) for index, text in enumerate(texts)]
    return load_configuration(paths, env or {})


def scopes_of(configuration: Configuration) -> list[tuple]:
    return [(s.store_name, s.default_access, s.allowed_secrets, s.denied_secrets) for s in configuration.scopes]


CONFIG = """
apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata: {name: appconfig}
spec:
  secrets:
    scopes:
    - storeName: vault
      defaultAccess: deny
      allowedSecrets: ["s1"]
      deniedSecrets: ["s2"]
"""


def test_s1_7_reads_the_documented_example(tmp_path):
    configuration, problems = load(tmp_path, CONFIG)
    assert problems == []
    assert scopes_of(configuration) == [("vault", "deny", ("s1",), ("s2",))]
    assert configuration.scopes[0].source.line == 7  # the "- storeName: vault" line


# TestIsSecretAllowed (dapr:pkg/config/configuration_test.go), case by case.
@pytest.mark.parametrize(
    ("scope", "secret", "allowed"),
    [
        (SecretScope("store"), "random", True),
        (SecretScope("store"), "", True),
        (SecretScope("store", "DeNy"), "", False),
        (SecretScope("store", "AllOw"), "", True),
        (SecretScope("store", "deny"), "random", False),
        (SecretScope("store", "deny", allowed_secrets=("key1",)), "key1", True),
        (SecretScope("store", "allow", allowed_secrets=("key1",)), "key2", False),
        (SecretScope("store", "allow", denied_secrets=("key1",)), "key1", False),
    ],
)
def test_s1_7_is_secret_allowed_cases(scope, secret, allowed):
    assert decide(Configuration((scope,)), "store", secret).allowed is allowed


def test_s1_7_decision_rules_say_what_decided():
    configuration = Configuration(
        (
            SecretScope("a", "deny", allowed_secrets=("k",), denied_secrets=("k",)),
            SecretScope("d", "allow", denied_secrets=("x",)),
            SecretScope("e", "DENY"),
            SecretScope("f"),
        )
    )
    assert decide(configuration, "none", "k").rule == "no scope for store none"
    assert decide(configuration, "a", "k").rule == "allowedSecrets of store a lists it"  # allowed list alone decides
    assert decide(configuration, "a", "K").rule == "allowedSecrets of store a does not list it"  # case-sensitive
    assert decide(configuration, "d", "x").rule == "deniedSecrets of store d"
    assert decide(configuration, "e", "y").rule == "defaultAccess deny of store e"
    assert decide(configuration, "f", "y").rule == "defaultAccess allow (the default) of store f"
    assert decide(configuration, "d", "y").rule == "defaultAccess allow of store d"


def test_s1_7_http_test_expectations_for_scopes(tmp_path):
    """The scopes of TestV1SecretEndpoints (§4), loaded from a file."""
    configuration, _ = load(
        tmp_path,
        """
        spec:
          secrets:
            scopes:
            - {storeName: store1, defaultAccess: allow, deniedSecrets: [not-allowed]}
            - {storeName: store2, defaultAccess: deny, allowedSecrets: [good-key]}
            - {storeName: store3, defaultAccess: allow, allowedSecrets: [good-key]}
        """,
    )
    expected = {
        ("store1", "bad-key"): True,
        ("store1", "not-allowed"): False,
        ("store2", "random"): False,
        ("store3", "random"): False,
        ("store3", "good-key"): True,
        ("store2", "good-key"): True,
        ("store1", "good-key"): True,
        ("store4", "good-key"): True,
    }
    assert {key: decide(configuration, *key).allowed for key in expected} == expected


def test_s1_7_environment_variables_are_expanded_in_the_raw_text(tmp_path):
    text = CONFIG.replace("vault", "${STORE}").replace('"s1"', '"$PREFIX-s1"').replace('"s2"', '"$MISSING"')
    configuration, problems = load(tmp_path, text, env={"STORE": "vault", "PREFIX": "prod"})
    assert scopes_of(configuration) == [("vault", "deny", ("prod-s1",), ("",))]
    (warning,) = problems
    assert warning.code == "config-env-unset" and "$MISSING" in warning.message and warning.source.line == 10


@pytest.mark.parametrize(
    ("text", "expanded"),
    [("$A", "a"), ("${A}b", "ab"), ("$Ab", ""), ("$$", ""), ("$1x", "x"), ("${}x", "x"), ("${x", "x")]
    + [("$.x", "$.x"), ("a$", "a$"), ("$ {A}", "$ {A}"), ("${A:-d}", "")],
)
def test_s1_7_expansion_follows_go_os_expand(text, expanded):
    assert expand_env(text, {"A": "a"})[0] == expanded


def test_s1_7_keys_are_case_sensitive_and_scalars_stay_text(tmp_path):
    configuration, problems = load(
        tmp_path,
        """
        Spec:
          secrets: {scopes: [{storeName: ignored}]}
        spec:
          secrets:
            scopes:
            - storeName: yes
              StoreName: ignored
              defaultAccess: Deny
              allowedSecrets: [010, on, ~, "null"]
        """,
    )
    assert problems == []
    assert scopes_of(configuration) == [("yes", "Deny", ("010", "on", "null"), ())]


def test_s1_7_api_version_and_kind_are_not_checked_and_only_the_first_document_counts(tmp_path):
    configuration, problems = load(
        tmp_path,
        "apiVersion: whatever\nkind: NotAConfiguration\nspec: {secrets: {scopes: [{storeName: a}]}}\n"
        "---\nspec: {secrets: {scopes: [{storeName: b}]}}\n",
    )
    assert [s.store_name for s in configuration.scopes] == ["a"]
    assert [(p.severity, p.code) for p in problems] == [(Severity.WARNING, "config-first-document")]


def test_s1_7_multi_document_config_whose_first_document_is_not_a_configuration_warns(tmp_path):
    # dapr:pkg/config/configuration.go LoadStandaloneConfiguration: yaml.v3 Unmarshal decodes only the
    # first document, so a Configuration after, say, a Component is ignored.
    component = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: c}\nspec: {type: state.in-memory}\n"
    config = "---\nkind: Configuration\nspec: {secrets: {scopes: [{storeName: b, defaultAccess: deny}]}}\n"
    configuration, problems = load(tmp_path, component + config)
    assert configuration.scopes == ()
    (warning,) = problems
    assert (warning.severity, warning.code) == (Severity.WARNING, "config-first-document")
    assert '"Component"' in warning.message and "only the first document" in warning.message
    # a Configuration first, or a lone leading '---', is fine
    assert load(tmp_path, config + "---\n" + component)[1] == []
    assert load(tmp_path, "# c\n" + config)[1] == []


@pytest.mark.parametrize(
    "section, line",
    [
        ("tracing:\n    otel:\n      timeout: 5x\n", 5),  # not a Go duration
        ("tracing:\n    otel:\n      timeout: 10\n", 5),  # yaml.v3 refuses a number for time.Duration
        ("tracing:\n    stdout: maybe\n", 4),
        ("metric:\n    enabled: 'true'\n", 4),  # a quoted string is not a bool
        ("workflow:\n    maxConcurrentWorkflowInvocations: many\n", 4),
        ("features: {name: x}\n", 3),  # a mapping where a list belongs
    ],
)
def test_s1_7_a_config_daprd_cannot_decode_as_a_whole_makes_daprd_exit(tmp_path, section, line):
    # LoadStandaloneConfiguration: yaml.Unmarshal of the whole ConfigurationSpec fails on any field of
    # the wrong type, and daprd exits; not only spec.secrets counts.
    configuration, problems = load(tmp_path, "kind: Configuration\nspec:\n  " + section)
    (problem,) = problems
    assert (problem.severity, problem.code, problem.source.line) == (Severity.ERROR, "config-undecodable", line)
    assert "daprd exits" in problem.message


def test_s1_7_valid_sections_daprd_decodes_are_fine(tmp_path):
    text = (
        "spec:\n  tracing: {samplingRate: '1', stdout: yes, otel: {timeout: 1m30s, isSecure: false, headers: [a=b]}}\n"
        "  metric: {enabled: true, latencyDistributionBuckets: [1, 2, 0x10]}\n"
        "  workflow: {maxConcurrentWorkflowInvocations: 10, stateRetentionPolicy: {completed: 24h}}\n"
        "  nameResolution: {component: mdns, configuration: {anything: [1, {x: y}]}}\n"
        "  unknownSection: {whatever: 1}\n"
    )
    assert load(tmp_path, text)[1] == []


def test_s1_7_a_missing_config_file_is_fatal(tmp_path):
    # LoadStandaloneConfiguration: os.Stat fails -> error -> daprd exits. An error, never a warning.
    configuration, problems = load_configuration([str(tmp_path / "missing.yaml")], {})
    (problem,) = problems
    assert (problem.severity, problem.code) == (Severity.ERROR, "config-unreadable")
    assert "does not start" in problem.message


def test_s1_7_later_files_override_earlier_ones(tmp_path):
    first = "spec: {secrets: {scopes: [{storeName: a}]}, components: {deny: [x]}}\n"
    keeps = "spec: {secrets: {}}\n"
    replaces = "spec: {secrets: {scopes: [{storeName: b}]}}\n"
    clears = "spec: {secrets: null}\n"
    assert [s.store_name for s in load(tmp_path, first, keeps)[0].scopes] == ["a"]
    assert [s.store_name for s in load(tmp_path, first, replaces)[0].scopes] == ["b"]
    assert load(tmp_path, first, clears)[0].scopes == ()
    configuration, _ = load(tmp_path, first, replaces)
    assert configuration.component_deny == ("x",) and len(configuration.sources) == 2


def test_s1_7_repeated_store_name_stops_daprd(tmp_path):
    _, problems = load(tmp_path, "spec: {secrets: {scopes: [{storeName: v}, {storeName: v}]}}\n")
    (problem,) = problems
    assert problem.severity == Severity.ERROR
    assert problem.message.startswith("v storeName is repeated in secrets configuration")


@pytest.mark.parametrize(("access", "ok"), [("allow", True), ("DENY", True), ("", True), ("maybe", False)])
def test_s1_7_default_access_must_be_allow_or_deny(tmp_path, access, ok):
    _, problems = load(tmp_path, f"spec: {{secrets: {{scopes: [{{storeName: v, defaultAccess: '{access}'}}]}}}}\n")
    if ok:
        assert problems == []
    else:
        assert problems[0].message.startswith("defaultAccess maybe can be either allow or deny")


def test_s1_7_missing_file_and_bad_yaml_are_errors(tmp_path):
    bad = write(tmp_path, "bad.yaml", "spec: [unclosed\n")
    configuration, problems = load_configuration([str(tmp_path / "missing.yaml"), str(bad)], {})
    assert [(p.severity, p.code) for p in problems] == [
        (Severity.ERROR, "config-unreadable"),
        (Severity.ERROR, "config-yaml-error"),
    ]
    assert configuration.scopes == () and problems[1].source.line == 2


def test_s1_7_type_errors_and_duplicate_keys_are_errors(tmp_path):
    _, problems = load(tmp_path, "spec:\n  secrets:\n    scopes: vault\n")
    assert problems[0].code == "config-invalid" and "spec.secrets.scopes must be a list" in problems[0].message
    _, problems = load(tmp_path, "spec:\n  secrets:\n    scopes:\n    - vault\n")
    assert "spec.secrets.scopes[0] must be a mapping" in problems[0].message and problems[0].source.line == 4
    _, problems = load(tmp_path, "spec:\n  secrets: {}\n  secrets: {}\n")
    assert "written twice (lines 2 and 3)" in problems[0].message


def test_s1_7_merge_keys_let_explicit_keys_win(tmp_path):
    configuration, problems = load(
        tmp_path,
        "base: &b {storeName: base, defaultAccess: deny}\nspec:\n  secrets:\n    scopes:\n    - <<: *b\n      storeName: mine\n",
    )
    assert problems == [] and scopes_of(configuration) == [("mine", "deny", (), ())]


def test_s1_7_scope_naming_no_store_is_a_warning():
    configuration = Configuration((SecretScope("vault", source=Source("c.yaml", 3)), SecretScope("env")))
    (warning,) = scope_diagnostics(configuration, ["env", "other"])
    assert warning.severity == Severity.WARNING and warning.source == Source("c.yaml", 3)
    assert warning.message == "Secrets configuration added for 'vault', but no matching secret store was found"


def test_s1_7_kubernetes_manifest_uses_json_rules():
    manifest = {
        "apiVersion": "dapr.io/v1alpha1",
        "kind": "Configuration",
        "spec": {"Secrets": {"scopes": [{"storename": "vault", "allowedSecrets": ["a", None]}, None]}},
    }
    configuration, problems = configuration_from_manifest(manifest, Source("k8s://default/appconfig"))
    assert scopes_of(configuration) == [("vault", "", ("a", ""), ()), ("", "", (), ())]
    assert problems == []
    _, problems = configuration_from_manifest({"spec": {"secrets": {"scopes": [{"storeName": 5}]}}}, Source("k8s"))
    assert problems[0].code == "config-invalid" and "storeName must be a string" in problems[0].message


# --- §1.4 last bullet: spec.components.deny ---------------------------------------------------


def make(type_: str, version: str = "v1", name: str = "c") -> Component:
    return Component(name=name, type=type_, version=version)


def test_s1_4_deny_list_by_type_and_by_type_and_version(tmp_path):
    configuration, _ = load(tmp_path, "spec:\n  components:\n    deny: [bindings.http, state.redis/v2, a/b/c]\n")
    assert "are not allowed" in is_component_denied(configuration, make("bindings.http"))
    assert is_component_denied(configuration, make("state.redis", "v2")) is not None
    assert is_component_denied(configuration, make("state.redis", "v1")) is None
    assert is_component_denied(configuration, make("a", "b/c")) is None  # "a/b/c" is not a valid entry
    assert is_component_denied(configuration, make("secretstores.local.file")) is None


def test_s1_4_with_a_deny_list_components_need_type_and_version():
    configuration = Configuration(component_deny=("",))
    assert "no spec.type or spec.version" in is_component_denied(configuration, make("state.redis", ""))
    assert is_component_denied(configuration, make("state.redis", "v1")) is None
    assert is_component_denied(Configuration(), make("state.redis", "")) is None


def test_s4_r4_spec_api_rules_are_read_from_files_and_kubernetes_manifests(tmp_path):
    # dapr:pkg/config/configuration.go APISpec/APIAccessRule: yaml.v3 reads the untagged fields by
    # lower-cased name; the operator's JSON is matched case-insensitively by encoding/json.
    from dapr_secrets.components.model import ApiAccessRule

    configuration, problems = load(tmp_path, "spec:\n  api:\n    denied:\n    - {name: secrets, version: v1, protocol: http}\n")
    assert problems == [] and configuration.api_denied == (ApiAccessRule("secrets", "v1", "http"),)
    manifest = {"spec": {"API": {"Allowed": [{"Name": "state", "version": "v1", "protocol": "grpc"}]}}}
    configuration, problems = configuration_from_manifest(manifest, Source("cluster"))
    assert problems == [] and configuration.api_allowed == (ApiAccessRule("state", "v1", "grpc"),)
