"""Both AWS stores through our runtime and the real CLI entry point, answering like daprd's secrets
API (bodies, keys, status codes, error texts), with secret scopes applied, and Dapr's conformance
data (components-contrib tests/config/secretstores/aws: conftestsecret=abcd, secondsecret=efgh)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions, State
from dapr_secrets.tui.cli import main
from tests.helpers.aws import KEYS, REGION

SM_COMPONENT = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: awssecretmanager
spec:
  type: secretstores.aws.secretmanager
  version: v1
  metadata:
  - name: endpoint
    value: {endpoint}
  - name: region
    value: {region}
  - name: accessKey
    value: {access}
  - name: secretKey
    secretKeyRef: {{name: AWS_SECRET_KEY_FOR_DAPR, key: AWS_SECRET_KEY_FOR_DAPR}}
auth:
  secretStore: envstore
"""

SSM_COMPONENT = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: awsparameterstore
spec:
  type: secretstores.aws.parameterstore
  version: v1
  metadata:
  - name: region
    value: {region}
  - name: accessKey
    value: {access}
  - name: secretKey
    value: {secret}
  - name: prefix
    value: /dapr/
"""

ENV_STORE = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: envstore
spec:
  type: secretstores.local.env
  version: v1
"""

CONFIG = """\
apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: scoped
spec:
  secrets:
    scopes:
    - storeName: awssecretmanager
      defaultAccess: deny
      allowedSecrets: ["conftestsecret", "secondsecret"]
"""


@pytest.fixture
def resources(tmp_path: Path, aws: str, sm, ssm, monkeypatch) -> Path:
    folder = tmp_path / "components"
    folder.mkdir()
    (folder / "aws-sm.yaml").write_text(SM_COMPONENT.format(endpoint=aws, region=REGION, access=KEYS["accessKey"]))
    (folder / "aws-ssm.yaml").write_text(SSM_COMPONENT.format(region=REGION, access=KEYS["accessKey"], secret=KEYS["secretKey"]))
    (folder / "env.yaml").write_text(ENV_STORE)
    (tmp_path / "config.yaml").write_text(CONFIG)
    monkeypatch.setenv("AWS_SECRET_KEY_FOR_DAPR", KEYS["secretKey"])
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", aws)  # as one would point daprd at LocalStack
    for name, value in (("conftestsecret", "abcd"), ("secondsecret", "efgh")):
        sm.create_secret(Name=name, SecretString=value)
        ssm.put_parameter(Name=f"/dapr/{name}", Value=value, Type="SecureString")
    return folder


def cli(capsys, resources: Path, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--resources-path", str(resources), "--config", str(resources.parent / "config.yaml")])
    out, err = capsys.readouterr()
    return code, out, err


def test_conformance_data_through_the_cli_get(resources, capsys):
    # dapr pkg/api/http GetSecret body: the store's map as JSON
    assert cli(capsys, resources, "get", "awssecretmanager", "conftestsecret") == (0, '{"conftestsecret":"abcd"}\n', "")
    assert cli(capsys, resources, "get", "awsparameterstore", "secondsecret") == (0, '{"secondsecret":"efgh"}\n', "")


def test_conformance_data_through_the_cli_bulk(resources, capsys):
    code, out, _ = cli(capsys, resources, "bulk", "awsparameterstore")
    assert code == 0 and json.loads(out) == {"conftestsecret": {"conftestsecret": "abcd"}, "secondsecret": {"secondsecret": "efgh"}}


def test_secret_scopes_apply_to_aws_like_any_store(resources, sm, capsys):
    # dapr pkg/api/http: isSecretAllowed before the store is asked
    sm.create_secret(Name="hidden", SecretString="x")
    code, out, err = cli(capsys, resources, "get", "awssecretmanager", "hidden")
    assert code == 1 and out == ""
    assert json.loads(err) == {
        "errorCode": "ERR_PERMISSION_DENIED", "message": 'access denied by policy to get "hidden" from "awssecretmanager"'
    }
    code, out, _ = cli(capsys, resources, "bulk", "awssecretmanager")
    assert json.loads(out) == {"conftestsecret": {"conftestsecret": "abcd"}, "secondsecret": {"secondsecret": "efgh"}}


def test_errors_are_daprs_500_bodies(resources, capsys):
    code, _, err = cli(capsys, resources, "get", "awsparameterstore", "nope")
    body = json.loads(err)
    assert code == 1 and body["errorCode"] == "ERR_SECRET_GET"
    assert body["message"].startswith(
        "failed getting secret with key nope from secret store awsparameterstore: couldn't get secret: operation error SSM: GetParameter, "
    )
    assert body["message"].endswith("ParameterNotFound: Parameter /dapr/nope not found.")
    assert KEYS["secretKey"] not in err


def test_version_metadata_through_the_cli(resources, ssm, capsys):
    ssm.put_parameter(Name="/dapr/conftestsecret", Value="newer", Type="SecureString", Overwrite=True)
    assert cli(capsys, resources, "get", "awsparameterstore", "conftestsecret", "-m", "version_id=1")[1] == '{"conftestsecret":"abcd"}\n'
    assert cli(capsys, resources, "get", "awsparameterstore", "conftestsecret")[1] == '{"conftestsecret":"newer"}\n'


def test_list_prints_names_without_reading_values(resources, capsys):
    code, out, _ = cli(capsys, resources, "list", "awsparameterstore")
    assert (code, out.split()) == (0, ["conftestsecret", "secondsecret"])


def test_runtime_opens_both_stores_and_references_resolve(resources, aws):
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(resources),), cwd=str(resources)))
    try:
        runtime.start()
        assert runtime.status("awssecretmanager").state == State.READY
        assert runtime.api_get("awssecretmanager", "conftestsecret").text() == '{"conftestsecret":"abcd"}\n'
        assert runtime.api_bulk("awssecretmanager").status == 200
    finally:
        runtime.close()


def test_missing_sdk_lists_the_store_with_the_install_command(resources, monkeypatch, capsys):
    # without the [aws] extra: never a traceback, the exact install command everywhere
    monkeypatch.setitem(sys.modules, "boto3", None)  # `import boto3` now fails as if it were not installed
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(resources),), cwd=str(resources)))
    try:
        status = runtime.open("awsparameterstore")
        assert status.state == State.UNSUPPORTED and status.message == "boto3 is not installed: pip install 'dapr-secrets[aws]'"
    finally:
        runtime.close()
    code, _, err = cli(capsys, resources, "get", "awssecretmanager", "conftestsecret")
    assert code == 1 and "note: awssecretmanager: " in err and "pip install 'dapr-secrets[aws]'" in err
    code, out, _ = cli(capsys, resources, "doctor")
    assert "pip install 'dapr-secrets[aws]'" in out
