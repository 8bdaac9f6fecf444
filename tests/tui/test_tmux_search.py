"""End to end (issue #14, "Done when"): in a real terminal (tmux) the real `dapr-secrets` entry point
finds, with `/`, a secret three folders deep in a Vault store (a real OpenBao dev server) whose
folders nobody expanded: search lists every folder in the background."""

from __future__ import annotations

import os
import shlex
import time

import pytest

from tests.helpers.tmux import TMUX, Terminal, entry_point
from tests.helpers.tui import Resources, component_yaml
from tests.vault.openbao import ROOT_TOKEN, Bao

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (`make test` installs it): the end-to-end terminal test needs it"),
]

MOUNT = "tmux-search"
DEEP = "team/payments/prod/stripe-key"  # under Dapr's default prefix `dapr/`: three folders deep


@pytest.fixture(scope="module")
def deep_mount(openbao: Bao) -> str:
    client = openbao.client()
    client.sys.enable_secrets_engine("kv", path=MOUNT, options={"version": "2"})
    kv2 = client.secrets.kv.v2
    kv2.create_or_update_secret(f"dapr/{DEEP}", secret={"key": "tmux-deep-value"}, mount_point=MOUNT)
    kv2.create_or_update_secret("dapr/team/orders/db", secret={"password": "tmux-orders-value"}, mount_point=MOUNT)
    kv2.create_or_update_secret("dapr/top", secret={"k": "tmux-top-value"}, mount_point=MOUNT)
    return MOUNT


def test_slash_finds_a_vault_secret_in_folders_nobody_expanded(tmp_path, openbao, deep_mount):
    resources = Resources(tmp_path)
    resources.write("vault.yaml", component_yaml("vault", "secretstores.hashicorp.vault",
                                                 {"vaultAddr": openbao.url, "vaultToken": ROOT_TOKEN, "enginePath": deep_mount}))
    term = Terminal(f"dapr-secrets-search-{os.getpid()}")
    command = shlex.join([*entry_point(), "--resources-path", str(resources.components)])
    term.run("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "36", f"env -u COLUMNS -u LINES TERM=xterm-256color {command}")
    try:
        screen = term.wait_for("vault  hashicorp.vault  1+ secrets, 1 folder not listed")  # shown as the app starts: its top
        assert "stripe-key" not in screen
        term.keys("/")
        term.wait_for("filter the names of every ready store")
        term.keys("-l", "stripe")
        screen = term.wait_for(f"vault  {DEEP}")  # found though team/ was never expanded
        deadline = time.monotonic() + 20
        while "still being listed" in screen and time.monotonic() < deadline:  # complete, and said so
            time.sleep(0.2)
            screen = term.screen()
        assert "still being listed" not in screen and f"vault  {DEEP}" in screen
        term.keys("Enter")
        screen = term.wait_for(f"{DEEP}  in vault")  # the detail pane: the secret the search found
        assert "tmux-deep-value" not in screen  # masked
        term.wait_for("vault  hashicorp.vault  3 secrets")  # the pane's title: every folder listed, counted
        term.keys("q")
    finally:
        term.close()
