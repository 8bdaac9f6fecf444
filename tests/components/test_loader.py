"""dapr-behaviour.md §1.1 and §1.4: the self-hosted disk loader, rule by rule."""

from __future__ import annotations

import os

import pytest

from dapr_secrets.components.loader import (
    MAX_DOCUMENT_BYTES,
    component_from_manifest,
    is_yaml_file,
    load_resources,
    split_documents,
)
from dapr_secrets.components.model import Severity, Source
from tests.helpers.components import component, write


def names(result) -> list[str]:
    return [c.name for c in result.components]


def codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


# --- §1.4 reading rules 1-3: folders, order, extensions ----------------------------------------


def test_s1_4_1_files_load_in_byte_order_of_their_names(tmp_path):
    for file_name, name in [("b.yaml", "b"), ("a.yaml", "a"), ("B.yaml", "B"), ("_.yaml", "u"), ("ä.yaml", "ae")]:
        write(tmp_path, file_name, component(name=name))
    assert names(load_resources([str(tmp_path)])) == ["B", "u", "a", "b", "ae"]


def test_s1_4_1_folders_load_in_the_order_given(tmp_path):
    write(tmp_path / "one", "z.yaml", component(name="from-one"))
    write(tmp_path / "two", "a.yaml", component(name="from-two"))
    assert names(load_resources([str(tmp_path / "one"), str(tmp_path / "two")])) == ["from-one", "from-two"]


def test_s1_4_1_missing_folder_is_an_error_and_the_rest_still_loads(tmp_path):
    write(tmp_path, "a.yaml", component())
    result = load_resources([str(tmp_path / "nope"), str(tmp_path)])
    assert names(result) == ["mystore"]
    (problem,) = result.diagnostics
    assert (problem.severity, problem.code) == (Severity.ERROR, "resources-dir-missing")
    assert "daprd fails to start" in problem.message and problem.source.file == str(tmp_path / "nope")


def test_s1_4_1_a_file_given_as_folder_is_an_error(tmp_path):
    path = write(tmp_path, "a.yaml", component())
    result = load_resources([str(path)])
    assert result.components == [] and codes(result) == ["resources-not-a-dir"]


def test_s1_4_1_home_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    write(tmp_path / ".dapr" / "components", "a.yaml", component())
    assert names(load_resources(["~/.dapr/components"])) == ["mystore"]


def test_s1_4_2_subfolders_are_not_read_and_said_once(tmp_path):
    write(tmp_path / "nested", "a.yaml", component(name="deep"))
    write(tmp_path / "other", "b.yaml", component(name="deeper"))
    write(tmp_path, "top.yaml", component(name="top"))
    result = load_resources([str(tmp_path)])
    assert names(result) == ["top"]
    (info,) = result.diagnostics
    assert info.severity == Severity.INFO and info.code == "subfolders-ignored"
    assert "nested, other" in info.message


@pytest.mark.parametrize(
    ("file_name", "loaded"),
    [("a.yaml", True), ("a.yml", True), ("a.YAML", True), ("a.Yml", True), (".yaml", True)]
    + [("a.json", False), ("a.yaml.bak", False), ("yaml", False), ("a.yaml~", False)],
)
def test_s1_4_3_only_yaml_extensions_in_any_case(file_name, loaded):
    assert is_yaml_file(file_name) is loaded


def test_s1_4_3_other_files_are_skipped_with_daprds_warning(tmp_path):
    write(tmp_path, "README.md", "components live here")
    write(tmp_path, "x.YML", component(name="upper"))
    result = load_resources([str(tmp_path)])
    assert names(result) == ["upper"]
    (warning,) = result.diagnostics
    assert warning.severity == Severity.WARNING
    assert warning.message == "A non-YAML Component file README.md was detected, it will not be loaded"


# --- §1.4 rule 4: unreadable files ---------------------------------------------------------------


def test_s1_4_4_unreadable_file_is_skipped_with_a_warning(tmp_path):
    os.symlink(tmp_path / "missing-target.yaml", tmp_path / "broken.yaml")
    write(tmp_path, "ok.yaml", component())
    result = load_resources([str(tmp_path)])
    assert names(result) == ["mystore"]
    assert codes(result) == ["unreadable-file"]
    assert "error when opening file" in result.diagnostics[0].message


def test_s1_4_4_symlinked_file_loads_but_a_symlinked_folder_named_yaml_is_an_error(tmp_path):
    target = write(tmp_path / "elsewhere", "real.yaml", component(name="linked"))
    os.symlink(target, tmp_path / "link.yaml")
    os.symlink(tmp_path / "elsewhere", tmp_path / "dir.yaml")
    result = load_resources([str(tmp_path)])
    assert names(result) == ["linked"]
    assert ("yaml-named-folder", Severity.ERROR) in [(d.code, d.severity) for d in result.diagnostics]


def test_s1_4_4_pipes_are_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    result = load_resources([str(tmp_path)])  # would block forever if opened
    assert codes(result) == ["special-file"]


# --- §1.4 rule 5: splitting documents --------------------------------------------------------------


def test_s1_4_5_documents_split_on_newline_dashes_rest_of_line_discarded(tmp_path):
    text = (
        component(name="one") + "--- # a comment\n" + component(name="two") + "-----BEGIN\n" + component(name="three")
    )
    write(tmp_path, "multi.yaml", text)
    result = load_resources([str(tmp_path)])
    assert names(result) == ["one", "two", "three"] and result.diagnostics == []
    assert [c.source.line for c in result.components] == [1, 9, 17]


def test_s1_4_5_leading_dashes_are_a_document_marker_not_a_split(tmp_path):
    write(tmp_path, "a.yaml", "---\n" + component())
    result = load_resources([str(tmp_path)])
    assert names(result) == ["mystore"] and result.components[0].source.line == 2


def test_s1_4_5_dashes_inside_a_block_scalar_still_split(tmp_path):
    text = component(body="metadata:\n- name: cert\n  value: |\n    line one") + "---\n      tail\n"
    write(tmp_path, "a.yaml", text.encode())  # bytes: written as is, `---` at column 0
    result = load_resources([str(tmp_path)])
    assert names(result) == ["mystore"]
    assert result.components[0].metadata[0].value == "line one"  # the split ate the line break
    assert codes(result) == ["decode-error"]  # the "tail" remainder is a document of its own


def test_s1_4_5_split_documents_matches_the_go_scanner():
    assert split_documents(b"a\n---\nb") == ([(0, b"a"), (6, b"b")], None)
    assert split_documents(b"a\n---") == ([(0, b"a")], None)
    assert split_documents(b"---\na") == ([(0, b"---\na")], None)
    assert split_documents(b"\n---\n") == ([(0, b"")], None)
    assert split_documents(b"a\n--- x\nb\n--- end") == ([(0, b"a")], ("dropped", 8))


@pytest.mark.parametrize("last_line", ["--- # end", "--- ", "---x"])
def test_s1_4_last_line_dashes_without_newline_drops_this_document(tmp_path, last_line):
    # dapr:pkg/internal/loader/disk/disk.go splitYamlDoc: at EOF a final '---' line with more
    # characters and no line break never becomes a token; bufio.Scanner stops without an error.
    write(tmp_path, "a.yaml", component(name="one") + "---\n" + component(name="two") + last_line)
    result = load_resources([str(tmp_path)])
    assert names(result) == ["one"]
    (warning,) = result.diagnostics
    assert warning.code == "last-document-dropped" and warning.source.line == 9
    assert "daprd drops this document" in warning.message


def test_s1_4_bare_dashes_at_eof_keep_the_last_document(tmp_path):
    # splitYamlDoc: nothing after the separator at EOF returns the data before it as the last token.
    write(tmp_path, "a.yaml", component(name="one") + "---\n" + component(name="two") + "---")
    assert names(load_resources([str(tmp_path)])) == ["one", "two"]


def test_s1_4_a_document_over_64_kib_hangs_daprd_at_start_up(tmp_path):
    # disk.go decodeYaml: the Scanner fails with "token too long" and decodeYaml loops forever on
    # the failed scanner, so daprd hangs (it does not skip the file). The tool must not hang.
    big = "#" * MAX_DOCUMENT_BYTES + "\n"
    write(tmp_path, "a.yaml", component(name="small") + "---\n" + big + component(name="after"))
    result = load_resources([str(tmp_path)])
    assert names(result) == ["small"]
    (problem,) = result.diagnostics
    assert (problem.severity, problem.code, problem.source.line) == (Severity.ERROR, "document-too-large", 9)
    assert problem.message.startswith("daprd hangs at start-up") and "skip" not in problem.message.replace("does not skip", "")
    assert problem.source.file.endswith("a.yaml")


def test_s1_4_5_a_document_of_just_under_64_kib_is_fine():
    document = b"a: " + b"x" * (MAX_DOCUMENT_BYTES - 10) + b"\n"
    assert split_documents(document + b"---\nb: 1\n") == ([(0, document[:-1]), (len(document) + 4, b"b: 1\n")], None)


# --- §1.4 rules 6-9 ------------------------------------------------------------------------------


def test_s1_4_6_parse_error_is_reported_with_its_line_and_other_documents_load(tmp_path):
    write(tmp_path, "a.yaml", component(name="one") + "---\nkey: [unclosed\n---\n" + component(name="two"))
    result = load_resources([str(tmp_path)])
    assert names(result) == ["one", "two"]
    (warning,) = result.diagnostics
    assert warning.code == "yaml-parse-error" and warning.source.file.endswith("a.yaml")
    assert warning.source.line in (9, 10) and "daprd cannot parse" in warning.message


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: dapr.io/v1alpha1\nkind: Subscription\nmetadata: {name: s}\n",
        "apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata: {name: r}\n",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
        "# only a comment\n",
        "",
    ],
)
def test_s1_4_7_other_kinds_and_empty_documents_are_silently_ignored(tmp_path, text):
    write(tmp_path, "a.yaml", text)
    result = load_resources([str(tmp_path)])
    assert result.components == [] and result.diagnostics == []


def test_s1_4_7_component_with_another_api_version_is_ignored_but_said(tmp_path):
    write(tmp_path, "a.yaml", component().replace("dapr.io/v1alpha1", "dapr.io/v1"))
    result = load_resources([str(tmp_path)])
    assert result.components == [] and codes(result) == ["wrong-api-version"]
    assert '"dapr.io/v1"' in result.diagnostics[0].message


def test_s1_4_7_kind_is_case_sensitive(tmp_path):
    write(tmp_path, "a.yaml", component().replace("kind: Component", "kind: component"))
    result = load_resources([str(tmp_path)])
    assert result.components == [] and codes(result) == ["wrong-kind"]


def test_s1_4_7_a_configuration_in_the_resources_folder_is_not_used_for_scopes(tmp_path):
    write(tmp_path, "a.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\n")
    result = load_resources([str(tmp_path)])
    assert result.components == [] and codes(result) == ["configuration-in-resources"]
    assert result.diagnostics[0].severity == Severity.INFO


@pytest.mark.parametrize(("name", "problem"), [(".", "may not be '.'"), ("..", "may not be '..'")])
def test_s1_4_8_dot_names_are_invalid(tmp_path, name, problem):
    write(tmp_path, "a.yaml", component(name=f"'{name}'"))
    result = load_resources([str(tmp_path)])
    assert result.components == []
    assert result.diagnostics[0].code == "invalid-name" and problem in result.diagnostics[0].message


def test_s1_4_8_slash_and_percent_are_invalid_with_daprds_message(tmp_path):
    write(tmp_path, "a.yaml", component(name="'a/b%c'"))
    result = load_resources([str(tmp_path)])
    assert result.diagnostics[0].message.startswith(
        "invalid name \"a/b%c\" for \"Component\": may not contain '/'; may not contain '%'"
    )


def test_s1_4_8_uppercase_spaces_and_colons_are_fine(tmp_path):
    write(tmp_path, "a.yaml", component(name="'My Store:TestEnginePath-customSecretsPath'"))
    assert names(load_resources([str(tmp_path)])) == ["My Store:TestEnginePath-customSecretsPath"]


def test_s1_4_8_empty_name_is_skipped(tmp_path):
    write(tmp_path, "a.yaml", component(name="''"))
    result = load_resources([str(tmp_path)])
    assert result.components == [] and codes(result) == ["empty-name"]


def test_s1_4_9_decode_errors_skip_the_component(tmp_path):
    write(tmp_path, "a.yaml", component(name="bad", body="metadata: {name: x}") + "---\n" + component(name="good"))
    result = load_resources([str(tmp_path)])
    assert names(result) == ["good"]
    (problem,) = result.diagnostics
    assert "spec.metadata must be a list, not a mapping" in problem.message and problem.component == "bad"


def test_s1_4_9_metadata_field_types_are_checked_too(tmp_path):
    write(tmp_path, "a.yaml", component().replace("  name: mystore", "  name: mystore\n  labels: [a]"))
    result = load_resources([str(tmp_path)])
    assert result.components == [] and "metadata.labels must be a mapping" in result.diagnostics[0].message


def test_s1_4_9_a_document_that_is_not_a_mapping_is_a_decode_error(tmp_path):
    write(tmp_path, "a.yaml", "just some text\n")
    result = load_resources([str(tmp_path)])
    assert codes(result) == ["decode-error"] and "must be a mapping of fields" in result.diagnostics[0].message


# --- §1.1 fields --------------------------------------------------------------------------------


def test_s1_1_fields_are_read(tmp_path):
    write(
        tmp_path,
        "a.yaml",
        """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: mystore
          namespace: prod
        spec:
          type: secretstores.local.file
          version: v1
          initTimeout: 10s
          ignoreErrors: yes
          metadata:
          - name: secretsFile
            value: ./secrets.json
          - name: password
            secretKeyRef:
              name: db-secret
              key: password
          - name: token
            envRef: MY_TOKEN
        auth:
          secretStore: otherstore
        scopes:
        - app1
        """,
    )
    result = load_resources([str(tmp_path)])
    (store,) = result.components
    assert (store.name, store.namespace, store.type, store.version) == (
        "mystore",
        "prod",
        "secretstores.local.file",
        "v1",
    )
    assert (store.init_timeout, store.ignore_errors, store.auth_secret_store, store.scopes) == (
        "10s",
        True,
        "otherstore",
        ("app1",),
    )
    secrets_file, password, token = store.metadata
    assert (secrets_file.name, secrets_file.value, secrets_file.line) == ("secretsFile", "./secrets.json", 12)
    assert password.secret_key_ref.name == "db-secret" and password.secret_key_ref.key == "password"
    assert password.value is None and password.line == 14
    assert token.env_ref == "MY_TOKEN" and token.value is None and token.secret_key_ref is None
    assert store.source.line == 1 and result.diagnostics == []


def test_s1_1_field_names_match_case_insensitively(tmp_path):
    write(
        tmp_path,
        "a.yaml",
        """
        APIVERSION: dapr.io/v1alpha1
        Kind: Component
        Metadata: {Name: mystore}
        Spec:
          Type: secretstores.local.env
          METADATA:
          - NAME: prefix
            Value: APP_
        auth: {secretstore: abc}
        SCOPES: [a]
        unknownField: ignored
        """,
    )
    (store,) = load_resources([str(tmp_path)]).components
    assert (store.name, store.type, store.auth_secret_store, store.scopes) == (
        "mystore",
        "secretstores.local.env",
        "abc",
        ("a",),
    )
    assert store.metadata[0].name == "prefix" and store.metadata[0].value == "APP_"


def test_s1_1_case_variants_of_a_field_the_last_in_sorted_order_wins(tmp_path):
    write(tmp_path, "a.yaml", component().replace("  type: secretstores.local.file", "  Type: first\n  type: second"))
    assert load_resources([str(tmp_path)]).components[0].type == "second"


def test_s1_1_empty_secret_key_ref_name_means_no_ref_and_empty_env_ref_means_none(tmp_path):
    body = "metadata:\n- name: a\n  secretKeyRef: {key: k}\n- name: b\n  envRef: ''\n- name: c\n  value: null"
    (store,) = load_resources([str(write(tmp_path, "a.yaml", component(body=body)).parent)]).components
    assert [(i.secret_key_ref, i.env_ref, i.value) for i in store.metadata] == [(None, None, None)] * 3


@pytest.mark.parametrize(
    ("written", "code"), [("10", "init-timeout-invalid"), ("0s", None), ("1m30s", None)]
)
def test_s1_1_init_timeout_not_a_go_duration_falls_back_to_5s(tmp_path, written, code):
    # dapr:pkg/runtime/processor/components.go processComponentAndDependents: only a ParseDuration
    # error gives the default; zero or negative is the runtime's init failure (test_runtime.py)
    write(tmp_path, "a.yaml", component(body=f"initTimeout: '{written}'"))
    result = load_resources([str(tmp_path)])
    assert result.components[0].init_timeout == written
    assert codes(result) == ([code] if code else [])


def test_s1_1_unknown_top_level_fields_with_plain_values_are_ignored(tmp_path):
    write(tmp_path, "a.yaml", component(top="status: {ready: true}"))
    result = load_resources([str(tmp_path)])
    assert names(result) == ["mystore"] and result.diagnostics == []


# --- §1.4 filtering -------------------------------------------------------------------------------


def test_s1_4_duplicate_names_across_folders_are_an_error_in_daprds_words(tmp_path):
    write(tmp_path / "one", "a.yaml", component(kind="secretstores.local.file"))
    write(tmp_path / "two", "a.yaml", component(kind="secretstores.local.env"))
    result = load_resources([str(tmp_path / "one"), str(tmp_path / "two")])
    assert [c.type for c in result.components] == ["secretstores.local.file"]
    (problem,) = result.diagnostics
    assert problem.severity == Severity.ERROR and problem.code == "duplicate-name"
    assert problem.message.startswith(
        "duplicate definition of Component name mystore (secretstores.local.env/v1) "
        "with existing mystore (secretstores.local.file/v1)"
    )
    assert str(tmp_path / "one" / "a.yaml") in problem.hint


def test_s1_4_duplicate_label_without_version(tmp_path):
    write(
        tmp_path,
        "a.yaml",
        component().replace("  version: v1\n", "") + "---\n" + component().replace("  version: v1\n", ""),
    )
    assert "name mystore (secretstores.local.file) with existing mystore (secretstores.local.file)" in (
        load_resources([str(tmp_path)]).diagnostics[0].message
    )


def test_s1_4_scoped_out_first_then_in_scope_is_not_a_duplicate(tmp_path):
    write(tmp_path, "a.yaml", component(kind="first", top="scopes: [other]"))
    write(tmp_path, "b.yaml", component(kind="second", top="scopes: [orders]"))
    result = load_resources([str(tmp_path)], app_id="orders")
    assert [c.type for c in result.components] == ["second"]
    assert codes(result) == ["scoped-out"]


def test_s1_4_in_scope_first_then_scoped_out_is_a_duplicate(tmp_path):
    """The duplicate check runs before the scope check."""
    write(tmp_path, "a.yaml", component(kind="first", top="scopes: [orders]"))
    write(tmp_path, "b.yaml", component(kind="second", top="scopes: [other]"))
    result = load_resources([str(tmp_path)], app_id="orders")
    assert [c.type for c in result.components] == ["first"] and codes(result) == ["duplicate-name"]


def test_s1_4_scopes_are_exact_and_case_sensitive(tmp_path):
    write(tmp_path, "a.yaml", component(name="a", top="scopes: [Orders]"))
    write(tmp_path, "b.yaml", component(name="b", top="scopes: [orders, billing]"))
    write(tmp_path, "c.yaml", component(name="c"))
    assert names(load_resources([str(tmp_path)], app_id="orders")) == ["b", "c"]


def test_s1_4_without_an_app_id_everything_loads_and_keeps_its_scopes(tmp_path):
    write(tmp_path, "a.yaml", component(top="scopes: [a, b]"))
    result = load_resources([str(tmp_path)])
    assert result.components[0].scopes == ("a", "b") and result.diagnostics == []


@pytest.mark.parametrize(
    ("namespace", "loaded"),
    [(None, ["none", "prod", "dev"]), ("", ["none", "prod", "dev"]), ("prod", ["none", "prod"])],
)
def test_s1_4_namespace_filtering(tmp_path, namespace, loaded):
    write(tmp_path, "a.yaml", component(name="none"))
    write(tmp_path, "b.yaml", component(name="prod").replace("  name: prod", "  name: prod\n  namespace: prod"))
    write(tmp_path, "c.yaml", component(name="dev").replace("  name: dev", "  name: dev\n  namespace: dev"))
    result = load_resources([str(tmp_path)], namespace=namespace)
    assert names(result) == loaded
    assert codes(result) == ([] if len(loaded) == 3 else ["other-namespace"])


def test_s1_4_namespace_filter_runs_before_duplicates(tmp_path):
    write(tmp_path, "a.yaml", component().replace("  name: mystore", "  name: mystore\n  namespace: dev"))
    write(tmp_path, "b.yaml", component().replace("  name: mystore", "  name: mystore\n  namespace: prod"))
    result = load_resources([str(tmp_path)], namespace="prod")
    assert [c.namespace for c in result.components] == ["prod"] and "duplicate-name" not in codes(result)


def test_s1_4_empty_names_still_take_part_in_duplicate_detection(tmp_path):
    write(tmp_path, "a.yaml", component(name="''") + "---\n" + component(name="''"))
    assert codes(load_resources([str(tmp_path)])) == ["empty-name", "duplicate-name"]


# --- the Kubernetes path and scale -----------------------------------------------------------


def test_component_from_manifest_takes_json_objects():
    manifest = {
        "apiVersion": "dapr.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "vault", "namespace": "prod", "creationTimestamp": "2024-01-02T03:04:05Z"},
        "spec": {"type": "secretstores.hashicorp.vault", "version": "v1", "metadata": [{"name": "n", "value": 5}]},
    }
    component_, problems = component_from_manifest(manifest, Source("k8s://prod/vault"))
    assert problems == [] and component_.metadata[0].value == "5"
    assert component_.source == Source("k8s://prod/vault")


def test_component_from_manifest_rejects_a_bad_creation_timestamp():
    manifest = {
        "apiVersion": "dapr.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "x", "creationTimestamp": "2024-01-02"},
    }
    component_, problems = component_from_manifest(manifest, Source("k8s"))
    assert component_ is None and "RFC 3339" in problems[0].message


def test_a_thousand_files_load_in_order(tmp_path):
    for index in range(1000):
        write(
            tmp_path,
            f"c{index:04d}.yaml",
            component(name=f"store-{index:04d}", body="metadata:\n- name: a\n  value: b"),
        )
    result = load_resources([str(tmp_path)])
    assert names(result) == [f"store-{index:04d}" for index in range(1000)] and result.diagnostics == []


def test_too_deep_documents_are_said_to_be_this_tools_limit(tmp_path):
    write(tmp_path, "a.yaml", "a: " + "[" * 150 + "]" * 150 + "\n")
    result = load_resources([str(tmp_path)])
    assert codes(result) == ["yaml-too-deep"] and "daprd may load it" in result.diagnostics[0].message


def test_kubernetes_mode_the_same_name_in_two_namespaces_is_not_a_duplicate(tmp_path):
    # In Kubernetes mode daprd gets one namespace's components from the operator (names are unique per
    # namespace), so disk.go filterManifests' duplicate error only holds within a namespace.
    write(tmp_path, "a.yaml", component(name="db").replace("name: db", "name: db\n  namespace: team-a"))
    write(tmp_path, "b.yaml", component(name="db").replace("name: db", "name: db\n  namespace: team-b"))
    result = load_resources([str(tmp_path)], kubernetes=True)
    assert names(result) == ["db", "db"] and codes(result) == []
    assert codes(load_resources([str(tmp_path)])) == ["duplicate-name"]  # self-hosted: one name space
    write(tmp_path, "c.yaml", component(name="db").replace("name: db", "name: db\n  namespace: team-a"))
    assert codes(load_resources([str(tmp_path)], kubernetes=True)) == ["duplicate-name"]
