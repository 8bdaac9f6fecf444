"""secretstores.alicloud.parameterstore through the runtime (daprd's HTTP bodies and codes,
dapr-behaviour.md §4; dapr-cloud-stores.md §1 rules 3 and 6) and the headless CLI, with the access key
taken from a local.env store by secretKeyRef."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dapr_secrets.tui.cli import main
from tests.fakes.oos_server import OosServer
from tests.helpers.alibaba import ACCESS_KEY_ID, ACCESS_KEY_SECRET, REGION
from tests.helpers.runtime import LOCAL_ENV, runtime_for

COMPONENT = f"""\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: alicloudparameterstore
spec:
  type: secretstores.alicloud.parameterstore
  version: v1
  metadata:
  - name: regionId
    value: {REGION}
  - name: accessKeyId
    secretKeyRef: {{name: ALIBABA_ACCESS_KEY_ID, key: ALIBABA_ACCESS_KEY_ID}}
  - name: accessKeySecret
    secretKeyRef: {{name: ALIBABA_ACCESS_KEY_SECRET, key: ALIBABA_ACCESS_KEY_SECRET}}
auth:
  secretStore: env
"""

STORE = "alicloudparameterstore"


@pytest.fixture
def resources(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    (tmp_path / "alibaba.yaml").write_text(COMPONENT)
    (tmp_path / "zz-env.yaml").write_text(LOCAL_ENV)
    return tmp_path, {"ALIBABA_ACCESS_KEY_ID": ACCESS_KEY_ID, "ALIBABA_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET}


@pytest.mark.usefixtures("local_oos")
def test_s1_r6_get_and_bulk_answer_with_daprs_bodies_and_codes(resources, oos: OosServer) -> None:
    # dapr pkg/api/http GetSecret / BulkGetSecret; contrib parameterstore.go GetSecret / BulkGetSecret
    path, env = resources
    oos.add("/prod/db", "one", "two")
    oos.add("/prod/api", "k")
    runtime = runtime_for(path, env)
    try:
        runtime.start()
        assert runtime.status(STORE).state.value == "ready"
        assert runtime.api_get(STORE, "/prod/db").text() == '{"/prod/db":"two"}\n'
        assert runtime.api_get(STORE, "/prod/db", {"version_id": "1"}).text() == '{"/prod/db":"one"}\n'
        bulk = runtime.api_bulk(STORE)
        assert (bulk.status, bulk.body) == (200, {"/prod/api": {"/prod/api": "k"}, "/prod/db": {"/prod/db": "two"}})
        bad = runtime.api_get(STORE, "/prod/db", {"version_id": "v1"})
        assert (bad.status, bad.body) == (500, {
            "errorCode": "ERR_SECRET_GET",
            "message": f'failed getting secret with key /prod/db from secret store {STORE}: '
            'strconv.ParseInt: parsing "v1": invalid syntax',
        })
        missing = runtime.api_get(STORE, "nope")
        assert missing.status == 500 and missing.body["errorCode"] == "ERR_SECRET_GET"
        assert missing.body["message"].startswith(
            f"failed getting secret with key nope from secret store {STORE}: couldn't get secret: SDKError:\n"
            "   StatusCode: 404\n   Code: EntityNotExists.Parameter\n"
        )
        oos.deny("GetSecretParametersByPath")
        broken = runtime.api_bulk(STORE)
        assert broken.status == 500 and broken.body["message"].startswith(
            f"failed getting secrets from secret store {STORE}: couldn't get secrets: SDKError:\n   StatusCode: 403\n"
        )
        assert ACCESS_KEY_SECRET not in json.dumps([missing.body, broken.body, bad.body])
    finally:
        runtime.close()


@pytest.mark.usefixtures("local_oos")
def test_cli_get_bulk_with_path_list_and_doctor(resources, oos: OosServer, monkeypatch, capsys) -> None:
    path, env = resources
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(path)
    oos.add("/prod/db", "one", "two")
    oos.add("/dev/db", "d")
    args = ["--resources-path", str(path)]

    assert main(["get", STORE, "/prod/db", "-m", "version_id=1", *args]) == 0
    assert capsys.readouterr().out == '{"/prod/db":"one"}\n'

    assert main(["bulk", STORE, "-m", "path=/dev/", *args]) == 0
    assert json.loads(capsys.readouterr().out) == {"/dev/db": {"/dev/db": "d"}}

    reads = len(oos.value_requests())
    assert main(["list", STORE, "--json", *args]) == 0
    assert json.loads(capsys.readouterr().out)["names"] == ["/dev/db", "/prod/db"]
    main(["doctor", "--json", *args])
    capsys.readouterr()
    assert len(oos.value_requests()) == reads  # list and doctor read no value

    assert main(["versions", STORE, "/prod/db", "--json", *args]) == 0  # each version read with version_id
    out = capsys.readouterr().out
    assert [change["version"] for change in json.loads(out)] == ["2", "1"] and "one" not in out and "two" not in out

    assert main(["get", STORE, "/prod/db", "-m", "version_id=2147483648", *args]) == 1
    out, err = capsys.readouterr()
    assert out == "" and json.loads(err) == {
        "errorCode": "ERR_SECRET_GET",
        "message": f'failed getting secret with key /prod/db from secret store {STORE}: '
        'strconv.ParseInt: parsing "2147483648": value out of range',
    }
