"""Value-blind version changes (issue #12) on a real OpenBao: per version, the keys added, removed or
changed and when, never a value; deleted and destroyed versions are said, not compared. Also the
`versions` and `diff` commands end to end over the real Vault client."""

from __future__ import annotations

import io
import json

import pytest

from dapr_secrets.backends.versions import version_changes
from dapr_secrets.tui.cli import main

pytestmark = pytest.mark.integration

CANARIES = ("v1-canary-a", "v1-canary-b", "v2-canary-b", "v3-canary-c", "v4-canary-d", "staging-canary")


@pytest.fixture(scope="module")
def rotated(openbao):
    """secret/dapr/rotated: 1 {a, b}; 2 b changed; 3 b removed, c added; 4 destroyed; 5 d added."""
    kv2 = openbao.client().secrets.kv.v2
    for data in (
        {"a": "v1-canary-a", "b": "v1-canary-b"},
        {"a": "v1-canary-a", "b": "v2-canary-b"},
        {"a": "v1-canary-a", "c": "v3-canary-c"},
        {"a": "destroyed-one"},
        {"a": "v1-canary-a", "c": "v3-canary-c", "d": "v4-canary-d"},
    ):
        kv2.create_or_update_secret("dapr/rotated", secret=data, mount_point="secret")
    kv2.destroy_secret_versions("dapr/rotated", versions=[4], mount_point="secret")
    return "rotated"


def test_version_changes_name_keys_and_times_never_values(openbao, make_store, rotated):
    store = make_store({"vaultAddr": openbao.url, "vaultToken": "root"})
    details = store.describe(rotated)
    changes = {c.version: c for c in version_changes(store, rotated, details.versions)}
    assert [c for c in changes] == ["5", "4", "3", "2", "1"]
    assert (changes["5"].added, changes["5"].removed, changes["5"].changed) == (("d",), (), ())  # against 3, across 4
    assert changes["4"].unreadable == "it is destroyed"
    assert (changes["3"].added, changes["3"].removed, changes["3"].changed) == (("c",), ("b",), ())
    assert (changes["2"].added, changes["2"].removed, changes["2"].changed) == ((), (), ("b",))
    assert changes["1"].first and changes["1"].added == ("a", "b")
    assert all(c.created.startswith("20") for c in changes.values())
    text = json.dumps([c.to_json() for c in changes.values()]) + "".join(c.summary() for c in changes.values())
    assert all(canary not in text for canary in CANARIES)


def vault_setup(tmp_path, openbao, name: str = "vault", prefix: str = "dapr") -> str:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "vault.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: vault\nspec:\n"
        "  type: secretstores.hashicorp.vault\n  version: v1\n  metadata:\n"
        f"  - name: vaultAddr\n    value: {openbao.url}\n  - name: vaultToken\n    value: root\n"
        f"  - name: vaultKVPrefix\n    value: {prefix}\n"
    )
    return str(folder)


def test_versions_command_and_audit(openbao, rotated, tmp_path, capsys, monkeypatch, private_audit_log):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    folder = vault_setup(tmp_path, openbao)
    code = main(["--resources-path", folder, "versions", "vault", rotated])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["version", "created", "state", "changes"]
    assert lines[1].startswith("5 ") and lines[1].endswith("added d") and "current" in lines[1]
    assert "destroyed" in lines[2] and lines[2].endswith("cannot compare: it is destroyed")
    assert lines[3].endswith("added c; removed b") and lines[4].endswith("changed b") and lines[5].endswith("keys a, b")
    entry = json.loads(private_audit_log.read_text().splitlines()[-1])
    assert (entry["action"], entry["secret"], entry["outcome"]) == ("versions", rotated, "ok")
    assert all(canary not in out + private_audit_log.read_text() for canary in CANARIES)


def test_diff_of_two_vault_prefixes_over_the_real_client(openbao, rotated, tmp_path, capsys, monkeypatch):
    """The same component in two folders, one reading prefix `dapr`, the other `staging`."""
    kv2 = openbao.client().secrets.kv.v2
    kv2.create_or_update_secret("staging/rotated", secret={"a": "v1-canary-a", "c": "staging-canary"}, mount_point="secret")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    prod, staging = vault_setup(tmp_path, openbao, "prod"), vault_setup(tmp_path, openbao, "staging", prefix="staging")
    code = main(["--resources-path", staging, "diff", "vault", "--against-resources-path", prod, "--json"])
    out, err = capsys.readouterr()
    assert code == 1, err
    rows = {(r["name"], r["key"]): r for r in json.loads(out)["rows"]}
    assert rows[("rotated", "a")]["status"] == "same" and rows[("rotated", "a")]["shared"]
    assert rows[("rotated", "c")]["status"] == "different"
    assert rows[("rotated", "d")]["status"] == "only-right"
    assert all(canary not in out for canary in CANARIES)
