"""secretstores.gcp.secretmanager through the runtime (daprd's HTTP bodies and codes, dapr-behaviour.md
§4; dapr-cloud-stores.md §1 rules 3 and 6) and the headless CLI, with the key taken from a local.env
store by secretKeyRef, secret scopes, and the doctor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dapr_secrets.tui.cli import main
from tests.fakes.secretmanager_server import DISABLED, SecretManagerServer
from tests.helpers.gcp import NUMBER, PROJECT, ServiceAccountKey
from tests.helpers.runtime import LOCAL_ENV, runtime_for

FULL = f"projects/{NUMBER}/secrets"

COMPONENT = f"""\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: gcpsecretmanager
spec:
  type: secretstores.gcp.secretmanager
  version: v1
  metadata:
  - name: type
    value: service_account
  - name: project_id
    value: {PROJECT}
  - name: private_key_id
    secretKeyRef: {{name: GCP_PRIVATE_KEY_ID, key: GCP_PRIVATE_KEY_ID}}
  - name: private_key
    secretKeyRef: {{name: GCP_PRIVATE_KEY, key: GCP_PRIVATE_KEY}}
  - name: client_email
    secretKeyRef: {{name: GCP_CLIENT_EMAIL, key: GCP_CLIENT_EMAIL}}
auth:
  secretStore: env
"""


CONFIG = """\
apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: appconfig
spec:
  secrets:
    scopes:
    - storeName: gcpsecretmanager
      defaultAccess: deny
      allowedSecrets: ["db"]
"""


@pytest.fixture
def resources(tmp_path: Path, reader_key: ServiceAccountKey) -> tuple[Path, dict[str, str]]:
    (tmp_path / "gcp.yaml").write_text(COMPONENT)  # sorts before env.yaml, opens anyway
    (tmp_path / "zz-env.yaml").write_text(LOCAL_ENV)
    env = {
        "GCP_PRIVATE_KEY_ID": reader_key.key_id,
        "GCP_PRIVATE_KEY": reader_key.private_key,
        "GCP_CLIENT_EMAIL": reader_key.email,
    }
    return tmp_path, env


@pytest.mark.usefixtures("local_gcp")
def test_s1_r6_get_and_bulk_answer_with_daprs_bodies_and_codes(resources, sm: SecretManagerServer,
                                                               reader_key: ServiceAccountKey) -> None:
    # dapr pkg/api/http GetSecret / BulkGetSecret; contrib secretmanager.go GetSecret / BulkGetSecret
    path, env = resources
    sm.add_secret("db", "one", "two")
    sm.add_secret("api", "k")
    runtime = runtime_for(path, env)
    try:
        runtime.start()
        assert runtime.status("gcpsecretmanager").state.value == "ready"
        assert runtime.api_get("gcpsecretmanager", "db").text() == '{"db":"two"}\n'
        assert runtime.api_get("gcpsecretmanager", "db", {"version_id": "1"}).text() == '{"db":"one"}\n'
        bulk = runtime.api_bulk("gcpsecretmanager")
        assert (bulk.status, bulk.body) == (
            200, {f"{FULL}/db": {f"{FULL}/db": "two"}, f"{FULL}/api": {f"{FULL}/api": "k"}}
        )
        missing = runtime.api_get("gcpsecretmanager", "nope")
        assert (missing.status, missing.body) == (500, {
            "errorCode": "ERR_SECRET_GET",
            "message": "failed getting secret with key nope from secret store gcpsecretmanager: failed to access "
            f"secret version: rpc error: code = NotFound desc = Secret [{FULL}/nope] not found.",
        })
        sm.add_secret("later", "x")
        sm.add_version("later", "y", DISABLED)
        broken = runtime.api_bulk("gcpsecretmanager")
        assert (broken.status, broken.body) == (500, {
            "errorCode": "ERR_SECRET_GET",
            "message": "failed getting secrets from secret store gcpsecretmanager: failed to access secret version: "
            f"rpc error: code = FailedPrecondition desc = Secret Version [{FULL}/later/versions/2] is in DISABLED state.",
        })
        assert reader_key.private_key.splitlines()[1] not in json.dumps([missing.body, broken.body])
    finally:
        runtime.close()


@pytest.mark.usefixtures("local_gcp")
def test_secret_scopes_apply_to_the_requested_name(resources, sm: SecretManagerServer) -> None:
    # dapr pkg/api/http: scopes are checked on the requested key before the store is asked
    path, env = resources
    (path / "config.yaml").write_text(CONFIG)
    sm.add_secret("db", "v")
    sm.add_secret("other", "w")
    runtime = runtime_for(path, env, config_files=(str(path / "config.yaml"),))
    try:
        runtime.start()
        assert runtime.api_get("gcpsecretmanager", "db").text() == '{"db":"v"}\n'
        denied = runtime.api_get("gcpsecretmanager", "other")
        assert denied.status == 403 and denied.body["errorCode"] == "ERR_PERMISSION_DENIED"
        assert [r.message["name"] for r in sm.value_requests()] == [f"projects/{PROJECT}/secrets/db/versions/latest"]
    finally:
        runtime.close()


@pytest.mark.usefixtures("local_gcp")
def test_cli_get_bulk_names_and_doctor(resources, sm: SecretManagerServer, monkeypatch, capsys) -> None:
    path, env = resources
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(path)
    sm.add_secret("db", "one", "two")
    sm.add_secret("empty")
    args = ["--resources-path", str(path)]

    assert main(["get", "gcpsecretmanager", "db", "-m", "version_id=1", *args]) == 0
    assert capsys.readouterr().out == '{"db":"one"}\n'

    assert main(["bulk", "gcpsecretmanager", *args]) == 1  # "empty" has no version: all-or-nothing
    out, err = capsys.readouterr()
    assert out == ""
    assert json.loads(err) == {
        "errorCode": "ERR_SECRET_GET",
        "message": "failed getting secrets from secret store gcpsecretmanager: failed to access secret version: "
        f"rpc error: code = NotFound desc = Secret [{FULL}/empty] not found or has no versions.",
    }

    reads = len(sm.value_requests())  # get's and bulk's
    assert main(["list", "gcpsecretmanager", "--json", *args]) == 0
    assert json.loads(capsys.readouterr().out)["names"] == ["db", "empty"]

    main(["doctor", "--json", *args])
    findings = json.loads(capsys.readouterr().out)
    codes = [f["code"] for f in findings["diagnostics"]]
    assert "gcp-breaks-bulk" in codes
    assert len(sm.value_requests()) == reads  # list and doctor read no value
