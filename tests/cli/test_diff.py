"""`dapr-secrets diff` (issue #12): two stores of one setup, one store across two folders and across
two Kubernetes namespaces (the fake API server), value-blind; exit status like diff(1); keyed
fingerprints only. Canary values prove no value reaches the output or the audit line."""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest

from dapr_secrets.backends import registry
from dapr_secrets.backends.base import AccessDenied, LastChanged, SecretEntry, SecretStore, StoreUnreachable
from dapr_secrets.backends.compare import Fingerprinter
from dapr_secrets.tui.cli import main

LEFT = {"db": {"password": "left-canary-db", "user": "shared-canary-user"}, "api": {"token": "same-canary-tok"},
        "only-left": {"k": "left-only-canary"}}
RIGHT = {"db": {"password": "right-canary-db", "user": "shared-canary-user", "host": "h-canary"},
         "api": {"token": "same-canary-tok"}, "only-right": {"k": "right-only-canary"}}
CANARIES = ("left-canary-db", "right-canary-db", "shared-canary-user", "same-canary-tok", "left-only-canary",
            "right-only-canary", "h-canary")


class HalfReadableStore(SecretStore):
    """A store whose bulk read fails and whose `locked-*` secrets are denied (as a policy would)."""

    multi_valued = True
    secrets: ClassVar[dict[str, dict[str, str]]] = {}

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        if name.startswith("locked"):
            raise AccessDenied(f"permission denied reading {name}")
        return dict(self.secrets[name])

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        raise StoreUnreachable("bulk is not allowed")

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        yield [SecretEntry(name) for name in self.secrets]


def write_setup(root: Path, stores: dict[str, dict], nested: bool = True) -> Path:
    """A resources folder with one multi-valued local.file store per entry."""
    folder = root / "components"
    folder.mkdir(parents=True)
    for name, document in stores.items():
        secrets_file = root / f"{name}.json"
        secrets_file.write_text(json.dumps(document))
        (folder / f"{name}.yaml").write_text(
            f"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n"
            f"  type: secretstores.local.file\n  version: v1\n  metadata:\n"
            f"  - name: secretsFile\n    value: {secrets_file}\n  - name: multiValued\n    value: \"true\"\n"
        )
    return folder


def run(capsys, monkeypatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_no_canary(*texts: str) -> None:
    for text in texts:
        for canary in CANARIES:
            assert canary not in text, canary


@pytest.fixture
def two_folders(tmp_path) -> tuple[Path, Path]:
    return write_setup(tmp_path / "staging", {"app": LEFT}), write_setup(tmp_path / "prod", {"app": RIGHT})


def test_diff_across_two_folders_rows_exit_status_and_shared_finding(two_folders, capsys, monkeypatch, private_audit_log):
    staging, prod = two_folders
    code, out, err = run(capsys, monkeypatch, "--resources-path", str(staging), "diff", "app",
                         "--against-resources-path", str(prod), "--json")
    assert code == 1 and err == ""
    result = json.loads(out)
    rows = {(row["name"], row["key"]): row["status"] for row in result["rows"]}
    assert rows == {
        ("api", "token"): "same", ("db", "host"): "only-right", ("db", "password"): "different",
        ("db", "user"): "same", ("only-left", "k"): "only-left", ("only-right", "k"): "only-right",
    }
    assert result["across_environments"] and result["shared_values"] == [
        {"name": "api", "key": "token"}, {"name": "db", "key": "user"}]
    code, text, _ = run(capsys, monkeypatch, "--resources-path", str(staging), "diff", "app",
                        "--against-resources-path", str(prod))
    assert code == 1 and "finding: 2 value(s) are the same in both environments" in text
    assert any(line.split()[:3] == ["different", "db", "password"] for line in text.splitlines())
    same = [line for line in text.splitlines() if line.startswith("same")]
    assert len(same) == 2 and all(line.startswith("same (shared)") for line in same)  # plain "same" rows are left out
    (audit,) = [json.loads(line) for line in private_audit_log.read_text().splitlines()][-1:]
    assert audit["action"] == "diff" and audit["outcome"] == "different" and "prod" in audit["other"]
    assert_no_canary(out, text, private_audit_log.read_text())


def test_diff_identical_exits_0_and_two_stores_of_one_setup_are_no_finding(tmp_path, capsys, monkeypatch):
    folder = write_setup(tmp_path, {"one": LEFT, "two": LEFT})
    code, out, _ = run(capsys, monkeypatch, "--resources-path", str(folder), "diff", "one", "two", "--json")
    result = json.loads(out)
    assert code == 0 and result["identical"] and result["shared_values"] == []
    assert all(row["status"] == "same" and "shared" not in row for row in result["rows"])
    code, out, _ = run(capsys, monkeypatch, "--resources-path", str(folder), "diff", "one", "two")
    assert code == 0 and out.endswith("\n4 same\n") and "finding" not in out
    assert_no_canary(out)


def test_diff_errors_exit_2(tmp_path, capsys, monkeypatch):
    folder = write_setup(tmp_path, {"one": LEFT})
    code, out, err = run(capsys, monkeypatch, "--resources-path", str(folder), "diff", "one", "nope")
    assert code == 2 and out == "" and "no secret store named 'nope'" in err
    code, out, err = run(capsys, monkeypatch, "--resources-path", str(folder), "diff", "one")
    assert code == 2 and "nothing to compare with" in err


def test_diff_unreadable_secrets_are_rows_with_the_reason(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(registry.SECRET_STORE_TYPES, "test.halfread", "tests.cli.test_diff:HalfReadableStore")
    monkeypatch.setattr(HalfReadableStore, "secrets", {"api": {"token": "same-canary-tok"}, "locked-db": {}})
    folder = write_setup(tmp_path, {"files": {"api": {"token": "same-canary-tok"}, "locked-db": {"p": "x"}}})
    (folder / "half.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: half\nspec:\n"
        "  type: secretstores.test.halfread\n  version: v1\n"
    )
    code, out, _ = run(capsys, monkeypatch, "--resources-path", str(folder), "diff", "files", "half", "--json")
    # The file store dates its side (the file's modification time); the dates are checked elsewhere.
    rows = [{k: v for k, v in row.items() if not k.endswith("_changed")} for row in json.loads(out)["rows"]]
    assert code == 2  # like diff(1): trouble wins over "different"
    assert {"name": "locked-db", "key": None, "status": "unreadable-right",
            "reason": "permission denied reading locked-db"} in rows
    assert {"name": "api", "key": "token", "status": "same"} in rows


def test_fingerprints_are_keyed_hmac_never_an_unkeyed_hash(two_folders, capsys, monkeypatch):
    staging, prod = two_folders
    monkeypatch.setenv("TEAM_FP_KEY", "a shared key")

    def fingerprints(*extra: str) -> dict:
        _, out, _ = run(capsys, monkeypatch, "--resources-path", str(staging), "diff", "app",
                        "--against-resources-path", str(prod), "--json", *extra)
        return {(r["name"], r["key"]): (r.get("left_fingerprint"), r.get("right_fingerprint")) for r in json.loads(out)["rows"]}

    keyed_once, keyed_twice = fingerprints("--fingerprint-key-env", "TEAM_FP_KEY"), fingerprints("--fingerprint-key-env", "TEAM_FP_KEY")
    assert keyed_once == keyed_twice  # the same key: two people can compare
    left, right = keyed_once[("api", "token")]
    assert left == right and len(left) == 16
    assert keyed_once[("db", "password")][0] != keyed_once[("db", "password")][1]
    random_once, random_twice = fingerprints("--fingerprints"), fingerprints("--fingerprints")
    assert random_once[("api", "token")] != random_twice[("api", "token")]  # a random key per run
    unkeyed = hashlib.sha256(b"same-canary-tok").hexdigest()
    for prints in (keyed_once, random_once):
        assert all(fp is None or fp not in unkeyed for pair in prints.values() for fp in pair)
    assert fingerprints()[("api", "token")] == (None, None)  # none unless asked for
    code, _, err = run(capsys, monkeypatch, "--resources-path", str(staging), "diff", "app",
                       "--against-resources-path", str(prod), "--fingerprint-key-env", "UNSET_VAR_XYZ")
    assert code == 2 and "UNSET_VAR_XYZ is not set" in err
    assert Fingerprinter(b"k")("v") == Fingerprinter(b"k")("v") != Fingerprinter(b"j")("v")


def test_diff_across_two_kubernetes_namespaces(kube_cluster, tmp_path, capsys, monkeypatch):
    """The built-in kubernetes store reads NAMESPACE (components-contrib kubernetes.go getNamespaceFromMetadata):
    --against-namespace builds the other side as a daprd in that namespace."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("KUBECONFIG", str(kube_cluster.kubeconfig))
    monkeypatch.setenv("HOME", str(home))
    kube_cluster.add_secret("staging", "db", {"password": "left-canary-db", "user": "shared-canary-user"})
    kube_cluster.add_secret("prod", "db", {"password": "right-canary-db", "user": "shared-canary-user"})
    kube_cluster.add_secret("prod", "only-prod", {"k": "right-only-canary"})
    empty = tmp_path / "components"
    empty.mkdir()
    code, out, err = run(capsys, monkeypatch, "--kubernetes", "--resources-path", str(empty), "--namespace", "staging",
                         "diff", "kubernetes", "--against-namespace", "prod", "--json")
    assert code == 1, err
    result = json.loads(out)
    rows = {(row["name"], row["key"]): row["status"] for row in result["rows"]}
    assert rows == {("db", "password"): "different", ("db", "user"): "same", ("only-prod", "k"): "only-right"}
    assert result["shared_values"] == [{"name": "db", "key": "user"}] and "namespace prod" in result["right"]
    assert_no_canary(out, err)


def test_diff_rows_say_when_each_side_last_changed_without_reading_more(two_folders, capsys, monkeypatch):
    """local.file: the secrets file's modification time, said as such; in --json and in the table."""
    staging, prod = two_folders
    os.utime(staging.parent / "app.json", (1_764_836_400, 1_764_836_400))  # 2025-12-04 08:20Z
    os.utime(prod.parent / "app.json", (1_764_840_000, 1_764_840_000))  # 2025-12-04 09:20Z
    code, out, _ = run(capsys, monkeypatch, "--resources-path", str(staging), "diff", "app",
                       "--against-resources-path", str(prod), "--json")
    rows = {(row["name"], row["key"]): row for row in json.loads(out)["rows"]}
    password = rows[("db", "password")]
    assert password["left_changed"] == {"time": "2025-12-04T08:20:00Z", "source": "file modified"}
    assert password["right_changed"] == {"time": "2025-12-04T09:20:00Z", "source": "file modified"}
    assert rows[("only-left", "k")]["left_changed"]["time"] == "2025-12-04T08:20:00Z"
    code, text, _ = run(capsys, monkeypatch, "--resources-path", str(staging), "diff", "app",
                        "--against-resources-path", str(prod))
    header, *lines = [line for line in text.splitlines() if line.startswith(("status", "different"))]
    assert header.split()[-4:] == ["left", "changed", "right", "changed"]
    assert lines[0].split() == ["different", "db", "password", "2025-12-04", "08:20Z", "2025-12-04", "09:20Z"]
    assert_no_canary(out, text)


def test_diff_dates_a_store_whose_listing_does_not_through_last_changed(tmp_path, capsys, monkeypatch):
    """A store that dates secrets only one by one (Vault's metadata): one last_changed per secret,
    never an extra value read; a secret it cannot date has no time."""
    monkeypatch.setitem(registry.SECRET_STORE_TYPES, "test.dated", "tests.cli.test_diff:DatedStore")
    monkeypatch.setattr(DatedStore, "secrets", {"a": {"k": "one-canary"}, "b": {"k": "two-canary"}})
    monkeypatch.setattr(DatedStore, "reads", [])
    folder = tmp_path / "components"
    folder.mkdir()
    for name in ("left", "right"):
        (folder / f"{name}.yaml").write_text(
            f"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: secretstores.test.dated\n"
            "  version: v1\n")
    code, out, _ = run(capsys, monkeypatch, "--resources-path", str(folder), "diff", "left", "right", "--json", "--all")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)["rows"]}
    assert rows["a"]["left_changed"] == {"time": "2026-01-02T03:04:05Z", "source": "updated"}
    assert "left_changed" not in rows["b"]  # the store does not say: no time, not a made-up one
    assert DatedStore.reads == []  # bulk read the values once; dates came from metadata only
    assert_no_canary(out)


class DatedStore(SecretStore):
    """Knows `a`'s last change only by a per-secret metadata call; records value reads past bulk."""

    multi_valued = True
    secrets: ClassVar[dict[str, dict[str, str]]] = {}
    reads: ClassVar[list[str]] = []

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        DatedStore.reads.append(name)
        return dict(self.secrets[name])

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        return {name: dict(values) for name, values in self.secrets.items()}

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        yield [SecretEntry(name) for name in self.secrets]

    def last_changed(self, name: str) -> LastChanged | None:
        return LastChanged(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "updated") if name == "a" else None
