"""Hints that reach the fix (issue #14), through the real CLI on real local.file / local.env stores:
a missing key lists the keys that exist and the nearest one, a missing secret names the other stores
that have it, a chained store's failure shows the causal chain, and no message repeats itself.
Names only: no value ever appears in a hint."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from dapr_secrets.backends.hints import missing_key_message, nearest
from dapr_secrets.tui.cli import main

FILE_SECRETS = {"webhook": {"token": "value-token-1", "url": "value-url-1"}, "db": {"password": "value-db-1"}}
OTHER_SECRETS = {"smtp": {"password": "value-smtp-1"}}

COMPONENTS = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: app-secrets
spec:
  type: secretstores.local.file
  version: v1
  metadata:
  - name: secretsFile
    value: {file}
  - name: multiValued
    value: "true"
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: mail-secrets
spec:
  type: secretstores.local.file
  version: v1
  metadata:
  - name: secretsFile
    value: {other}
  - name: multiValued
    value: "true"
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: hook
spec:
  type: bindings.http
  version: v1
  metadata:
  - name: securityToken
    secretKeyRef:
      name: webhook
      key: auth-token
auth:
  secretStore: app-secrets
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: mailer
spec:
  type: bindings.smtp
  version: v1
  metadata:
  - name: password
    secretKeyRef:
      name: smtp
      key: password
auth:
  secretStore: app-secrets
"""

CHAIN = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: env-secrets
spec:
  type: secretstores.local.env
  version: v1
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: legacy-secrets
spec:
  type: secretstores.local.file
  version: v1
  metadata:
  - name: secretsFile
    secretKeyRef:
      name: LEGACY_FILE
auth:
  secretStore: env-secrets
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: legacy-ftp
spec:
  type: bindings.ftp
  version: v1
  metadata:
  - name: password
    secretKeyRef:
      name: ftp
      key: password
auth:
  secretStore: legacy-secrets
"""


@pytest.fixture
def setup(tmp_path: Path) -> Path:
    (tmp_path / "app.json").write_text(json.dumps(FILE_SECRETS))
    (tmp_path / "mail.json").write_text(json.dumps(OTHER_SECRETS))
    folder = tmp_path / "components"
    folder.mkdir()
    (folder / "components.yaml").write_text(COMPONENTS.format(file=tmp_path / "app.json", other=tmp_path / "mail.json"))
    return folder


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_missing_key_lists_the_keys_that_exist_and_the_nearest(setup, capsys):
    code, out, _ = run(capsys, "--resources-path", str(setup), "doctor")
    assert code == 1
    line = next(line for line in out.splitlines() if "hook: metadata 'securityToken'" in line)
    assert line.endswith("secret 'webhook' has no key 'auth-token' (its keys: 'token', 'url')")
    hint = out.splitlines()[out.splitlines().index(line) + 1]
    assert hint.strip() == "hint: did you mean 'token'? set secretKeyRef.key to 'token', or add key 'auth-token' to secret 'webhook'"
    assert "value-" not in out  # names, never values


def test_a_missing_secret_names_the_other_stores_that_have_it(setup, capsys):
    code, out, _ = run(capsys, "--resources-path", str(setup), "doctor", "--json")
    found = json.loads(out)["diagnostics"]
    mailer = next(d for d in found if d["component"] == "mailer")
    assert mailer["code"] == "ref-secret-not-found"
    assert mailer["hint"] == "secret 'smtp' is in 'mail-secrets': point auth.secretStore there, or create it in 'app-secrets'"
    assert "value-" not in out


def test_get_of_a_missing_secret_says_which_store_has_it_after_daprds_body(setup, capsys, monkeypatch):
    code, _, err = run(capsys, "--resources-path", str(setup), "get", "app-secrets", "smtp")
    assert json.loads(err)["errorCode"] == "ERR_SECRET_GET"  # redirected: daprd's body alone, for scripts
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # a person at a terminal
    code, _, err = run(capsys, "--resources-path", str(setup), "get", "app-secrets", "smtp")
    body, hint = err.splitlines()
    assert code == 1 and json.loads(body)["errorCode"] == "ERR_SECRET_GET"  # daprd's body, unchanged
    assert hint == "hint: secret 'smtp' is in 'mail-secrets': ask that store, or create it in 'app-secrets'"
    code, _, err = run(capsys, "--resources-path", str(setup), "get", "app-secrets", "webhok")
    assert err.splitlines()[1] == "hint: did you mean 'webhook'? ask for that name, or create secret 'webhok' in 'app-secrets'"


def test_a_secret_that_exists_gets_no_hint(setup, capsys):
    code, out, err = run(capsys, "--resources-path", str(setup), "get", "app-secrets", "db")
    assert code == 0 and err == "" and json.loads(out) == {"password": "value-db-1"}


def test_a_chained_store_failure_shows_the_causal_chain(tmp_path, capsys, monkeypatch):
    (tmp_path / "chain.yaml").write_text(CHAIN)
    monkeypatch.setenv("LEGACY_FILE", "")
    code, out, _ = run(capsys, "--resources-path", str(tmp_path), "doctor", "--json")
    found = {d["component"]: d for d in json.loads(out)["diagnostics"] if d["severity"] == "error"}
    ftp = found["legacy-ftp"]
    assert ftp["message"].endswith("legacy-ftp <- legacy-secrets <- env-secrets/LEGACY_FILE (empty)")
    assert ftp["hint"] == "give env-secrets/LEGACY_FILE a value: metadata 'secretsFile' of legacy-secrets comes from it"
    store = found["legacy-secrets"]
    assert "(legacy-secrets <- env-secrets/LEGACY_FILE (empty))" in store["message"]
    assert store["line"] == CHAIN.splitlines().index("  - name: secretsFile") + 1  # the field at fault, for `e`
    assert "Add a metadata item" not in store["hint"] + ftp["hint"]  # the generic "add the field" is gone


def test_a_longer_chain_names_every_link_once(tmp_path, capsys, monkeypatch):
    """A component behind a component behind the failing store: one chain, no nested repetition."""
    extra = CHAIN + """\
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: ftp-secrets
spec:
  type: secretstores.local.file
  version: v1
  metadata:
  - name: secretsFile
    secretKeyRef:
      name: path
auth:
  secretStore: legacy-secrets
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: uploader
spec:
  type: bindings.ftp
  version: v1
  metadata:
  - name: password
    secretKeyRef:
      name: ftp
auth:
  secretStore: ftp-secrets
"""
    (tmp_path / "chain.yaml").write_text(extra)
    monkeypatch.setenv("LEGACY_FILE", "")
    code, out, _ = run(capsys, "--resources-path", str(tmp_path), "doctor", "--json")
    found = {d["component"]: d for d in json.loads(out)["diagnostics"] if d["severity"] == "error"}
    message = found["uploader"]["message"]
    assert message.endswith("uploader <- ftp-secrets <- legacy-secrets <- env-secrets/LEGACY_FILE (empty)")
    assert message.count("waiting for") == 1 and message.count("legacy-secrets") == 1


def test_no_doctor_message_repeats_itself(tmp_path, capsys, monkeypatch):
    (tmp_path / "chain.yaml").write_text(CHAIN)
    monkeypatch.setenv("LEGACY_FILE", "")
    _, out, _ = run(capsys, "--resources-path", str(tmp_path), "doctor", "--json")
    for diagnostic in json.loads(out)["diagnostics"]:
        message = diagnostic["message"]
        assert "[LEGACY_FILE]" not in message  # a key that is the secret's name is not written twice
        clauses = [part.strip() for part in message.replace(";", ":").split(":") if part.strip()]
        assert len(clauses) == len(set(clauses)), message
        assert diagnostic["hint"] not in message


def test_key_names_in_hints_reach_the_terminal_escaped(tmp_path, capsys):
    """Names are untrusted: a key with a terminal escape reaches the screen escaped."""
    (tmp_path / "s.json").write_text(json.dumps({"x": {"k\x1b]0;owned\x07": "v"}}))
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "c.yaml").write_text(
        COMPONENTS.split("---")[0].format(file=tmp_path / "s.json")
        + "---\napiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: user\nspec:\n  type: state.redis\n"
        "  version: v1\n  metadata:\n  - name: redisPassword\n    secretKeyRef:\n      name: x\n      key: k\n"
        "auth:\n  secretStore: app-secrets\n"
    )
    _, out, _ = run(capsys, "--resources-path", str(folder), "doctor")
    assert "\x1b" not in out and "\x07" not in out
    assert "its keys: 'k" in out and "owned" in out


def test_nearest_prefers_a_different_case_then_a_close_spelling():
    assert nearest("Password", ["password", "user"]) == "password"
    assert nearest("pasword", ["password", "user"]) == "password"
    assert nearest("zzz", ["password", "user"]) is None


def test_long_key_lists_are_counted_not_printed_whole():
    message = missing_key_message("s", "k", [f"key{i:02}" for i in range(20)])
    assert message.endswith("'key07' and 12 more)")
