"""Issue #13, leaks: a setting that came from a secret is a secret in every form it can take, SDK
and credential-file texts are never echoed, and one masking policy holds for every output.
Each test would have caught its whole class before the fix."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from dapr_secrets.backends.base import SecretStore, StoreContext, StoreError, StoreMisconfigured, StoreUnreachable
from dapr_secrets.backends.redaction import MASK, RedactedStore, Redactor
from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.tui.cli import main


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("https://Vault.Canary-Host.internal:8200", "dial tcp vault.canary-host.internal:8200: connection refused"),
        ("https://vault.canary-host.internal:8200/", "Get \"HTTPS://VAULT.CANARY-HOST.INTERNAL:8200/v1/secret\""),
        ("canaryvault", "cannot reach https://canaryvault.vault.azure.net/: timeout"),
        ("C:\\canary\\dir", "open \"C:\\\\canary\\\\dir\": no such file"),  # JSON / Go quoting doubles backslashes
        ("C:\\canary\\dir", "path 'C:\\\\canary\\\\dir' not found"),  # repr
        ("canary token/with space", "GET /v1/canary%20token%2Fwith%20space failed"),
    ],
)
def test_a_secret_setting_is_masked_in_every_form(value: str, message: str):
    masked = Redactor([value]).text(message)
    assert "canary" not in masked.lower() and MASK in masked


def test_every_field_of_a_store_diagnostic_is_masked_including_its_file_path(tmp_path: Path, capsys):
    """A secretsFile path that came from another store shows in doctor's file:line (was: in the clear)."""
    secret_dir = tmp_path / "canary-dir"
    secret_dir.mkdir()
    (secret_dir / "secrets.json").write_text(json.dumps({"port": 5432}))  # a JSON number: a doctor finding
    components = tmp_path / "components"
    components.mkdir()
    (components / "stores.yaml").write_text(textwrap.dedent("""\
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata: {name: env}
        spec: {type: secretstores.local.env, version: v1}
        ---
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata: {name: files}
        spec:
          type: secretstores.local.file
          version: v1
          metadata:
          - name: secretsFile
            secretKeyRef: {name: SECRETS_PATH, key: SECRETS_PATH}
        auth: {secretStore: env}
        """))
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(components),), env={"SECRETS_PATH": str(secret_dir / "secrets.json")}))
    found = runtime.doctor()
    assert any(d.code and d.source and d.source.file == MASK for d in found)  # the finding is there, masked
    for diagnostic in found:
        assert "canary-dir" not in json.dumps(diagnostic.to_json())
    runtime.close()


def test_doctor_never_prints_a_credential_written_with_a_yaml_tag(tmp_path: Path, capsys):
    (tmp_path / "c.yaml").write_text(textwrap.dedent("""\
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata: {name: db}
        spec:
          type: state.redis
          version: v1
          metadata:
          - name: redisPassword
            value: !!int hunter2-canary
        """))
    for argv in (["doctor"], ["doctor", "--json"], ["refs"], ["refs", "--json"]):
        main([*argv, "--resources-path", str(tmp_path)])
        captured = capsys.readouterr()
        assert "hunter2-canary" not in captured.out + captured.err, argv


KUBECONFIGS = {
    "user without a name": """
        apiVersion: v1
        kind: Config
        current-context: c
        clusters: [{name: k, cluster: {server: "https://127.0.0.1:1"}}]
        contexts: [{name: c, context: {cluster: k, user: u}}]
        users: [{user: {token: kube-canary-token}}]
        """,
    "context names a missing user": """
        apiVersion: v1
        kind: Config
        current-context: c
        clusters: [{name: k, cluster: {server: "https://127.0.0.1:1"}}]
        contexts: [{name: c, context: {cluster: k, user: nobody}}]
        users: [{name: u, user: {token: kube-canary-token}}]
        """,
    "not YAML": "users: [{name: u, user: {token: kube-canary-token}}\n  : ]: [",
    "user entry not a mapping": """
        apiVersion: v1
        kind: Config
        current-context: c
        clusters: [{name: k, cluster: {server: "https://127.0.0.1:1"}}]
        contexts: [{name: c, context: {cluster: k, user: u}}]
        users: [{name: u, user: "token kube-canary-token"}]
        """,
}


@pytest.mark.parametrize("text", KUBECONFIGS.values(), ids=KUBECONFIGS.keys())
def test_a_malformed_kubeconfig_is_described_without_echoing_it(tmp_path: Path, text: str):
    from dapr_secrets.backends.kubernetes import kubeconfig_api

    path = tmp_path / "kubeconfig"
    path.write_text(textwrap.dedent(text))
    try:
        kubeconfig_api(str(path), None)
    except StoreError as error:
        assert "kube-canary-token" not in error.message + error.hint
        assert str(path) in error.message  # says which file
    else:  # the client accepted it: nothing was echoed either way
        pass


def test_kubeconfig_problems_are_in_our_words(tmp_path: Path):
    from dapr_secrets.backends.kubernetes import kubeconfig_contexts

    path = tmp_path / "kubeconfig"
    path.write_text(KUBECONFIGS["not YAML"])
    with pytest.raises(StoreMisconfigured, match="it is not valid YAML"):
        kubeconfig_contexts(str(path))


class _UnreachableStore(SecretStore):
    """Every call fails with the address it dialled (as an SDK error would say it)."""

    def _fail(self):
        raise StoreUnreachable("dial tcp vault.canary-host.internal:8200: connection refused")

    def get_secret(self, name, metadata):
        self._fail()

    def bulk_get(self, metadata):
        self._fail()

    def list_names(self, folder=""):
        self._fail()
        yield []

    def describe(self, name):
        self._fail()


def test_last_changed_errors_are_masked_like_every_other_store_error():
    """The tree's age column and diff ask last_changed: its errors pass the same redaction."""
    store = RedactedStore(_UnreachableStore("s", {}, StoreContext(env={}, cwd=".")), Redactor(["vault.canary-host.internal"]))
    with pytest.raises(StoreError) as error:
        store.last_changed("db")
    assert "canary" not in error.value.message and MASK in error.value.message
