"""Issue #14, "Done when", in a real terminal (tmux) driving the real `dapr-secrets` entry point on a
realistic setup: a nested local.file store and several components (one of them scoped to another
app) that read the same secret.

Counting rule for keystrokes: every key sent counts, except the characters of a name typed into the
filter (`/` counts, the name does not, `enter` counts). The copy travels through OSC 52 into tmux's
buffer (`set-clipboard on`), as in test_tmux_e2e.py.
"""

from __future__ import annotations

import json
import os
import shlex

import pytest

from tests.helpers.tmux import TMUX, Terminal, entry_point
from tests.helpers.tui import component_yaml

pytestmark = pytest.mark.skipif(
    TMUX is None, reason="tmux is not installed (`make test` installs it): the end-to-end terminal test needs it"
)

SECRET = "db:primary:password"
VALUE = "oncall-canary-93b1"
USERS = ["billing", "inventory", "orders", "reports"]  # the walk's order: loaded components by name, then other apps'


def write_setup(root):
    components = root / "components"
    components.mkdir()
    (root / "shop.json").write_text(json.dumps({"db": {"primary": {"password": VALUE}, "replica": {"password": "r"}},
                                                "api": {"token": "t"}}))
    (components / "shop.yaml").write_text(component_yaml("shop", "secretstores.local.file", {"secretsFile": "shop.json"}))
    ref = {"secretKeyRef": {"name": SECRET, "key": SECRET}}
    for name, type_ in (("orders", "state.redis"), ("billing", "pubsub.redis"), ("inventory", "state.postgresql")):
        (components / f"{name}.yaml").write_text(component_yaml(name, type_, {"redisPassword": ref}, auth="shop"))
    (components / "reports.yaml").write_text(component_yaml("reports", "state.redis", {"redisPassword": ref}, auth="shop",
                                                            extra="scopes: [reports-app]\n"))
    (components / "hook.yaml").write_text(component_yaml("hook", "bindings.http", {"token": {"secretKeyRef": {"name": "api:token"}}},
                                                         auth="shop"))
    return components


@pytest.fixture
def terminal(tmp_path):
    components = write_setup(tmp_path)
    term = Terminal(f"dapr-secrets-oncall-{os.getpid()}")
    command = shlex.join([*entry_point(), "--resources-path", str(components), "--app-id", "checkout",
                          "--clipboard", "osc52", "--clipboard-timeout", "60"])
    term.run("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "36", "-c", str(tmp_path),
             f"env -u COLUMNS -u LINES TERM=xterm-256color {command}")
    term.run("set-option", "-g", "set-clipboard", "on")
    try:
        yield term
    finally:
        term.close()


class Keys:
    """Sends keys and counts them by the rule in the module docstring."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.count = 0

    def press(self, *keys: str) -> None:
        self.count += len(keys)
        self.terminal.keys(*keys)

    def type_name(self, name: str) -> None:
        self.terminal.keys("-l", name)  # the name itself is not counted


def test_copy_a_nested_key_by_name_then_hop_to_every_user_and_back(terminal):
    terminal.wait_for("shop")
    keys = Keys(terminal)

    # Copy a nested key by name: / name enter c (3 keys).
    keys.press("/")
    terminal.wait_for("filter the names of every ready store")
    keys.type_name(SECRET)
    terminal.wait_for(f"shop  {SECRET}")
    keys.press("Enter")
    terminal.wait_for(f"{SECRET}  in shop")
    terminal.wait_for("used by 4")  # the badge: three components here and one of another app
    keys.press("c")
    screen = terminal.wait_for(f"Copied shop/{SECRET} (tmux buffer)")
    assert terminal.run("show-buffer", "-b", "dapr-secrets") == VALUE
    assert VALUE not in screen  # copied, never shown
    assert keys.count <= 6, f"copying took {keys.count} keys"

    # Every user of the secret: ] lands in its component with the reference highlighted, escape
    # comes back to the secret; ] from the secret again goes on to the next user.
    for number, user in enumerate(USERS, start=1):
        before = keys.count
        keys.press("]")
        screen = terminal.wait_for(f"user {number} of {len(USERS)} of shop/{SECRET}")  # the view's subtitle
        assert f"─ {user}  " in screen  # that component's view is shown (its title: name and type)
        keys.press("Escape")
        terminal.wait_for(f"{SECRET}  in shop")  # back on the secret: its detail pane again
        assert keys.count - before <= 2, f"the hop to {user} and back took {keys.count - before} keys"

    # Back and forward after a jump: alt+right goes forward where ctrl+i arrives as tab (tmux).
    keys.press("]")
    terminal.wait_for(f"user 1 of {len(USERS)}")
    keys.press("C-o")
    terminal.wait_for(f"{SECRET}  in shop")
    keys.press("M-Right")
    terminal.wait_for("billing  pubsub.redis")
    keys.press("q")
