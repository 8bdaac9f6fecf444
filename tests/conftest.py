"""Fixtures for every test."""

from __future__ import annotations

import pytest

# Server fixtures more than one folder uses (one OpenBao, one moto per session).
pytest_plugins = ("tests.helpers.servers",)


@pytest.fixture(autouse=True)
def private_audit_log(tmp_path_factory, monkeypatch):
    """The CLI appends to $XDG_STATE_HOME/dapr-secrets/audit.jsonl by default: tests write theirs
    to a temporary folder, never to the user's own audit trail."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state / "dapr-secrets" / "audit.jsonl"
