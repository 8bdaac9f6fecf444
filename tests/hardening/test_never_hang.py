"""Issue #13, never hang: quitting never waits for a store, dead stores are probed side by side
under one deadline, a failed listing is not shown as ready, and a file that would block a read
(a FIFO, a device) is refused instead of read."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from backends.runtime import Runtime, RuntimeOptions
from backends.vault import VaultStore
from tests.fakes.vault_fault import VaultFault

ROOT = Path(__file__).resolve().parents[2]

VAULT_COMPONENT = """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: {name}
spec:
  type: secretstores.hashicorp.vault
  version: v1
  metadata:
  - name: vaultAddr
    value: {url}
  - name: vaultToken
    value: root
"""

# The real app, run the way `dapr-secrets` runs it (App.run: its own event loop, closed on exit),
# headless; it presses the key it reads on stdin once the parent says the store is hanging.
QUIT_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys, time
    from backends.runtime import Runtime, RuntimeOptions
    from backends.vault import VaultStore
    from tui.app import DaprSecretsApp, UiSettings

    VaultStore.timeout = 3600  # a store call that only ends when the server answers
    runtime = Runtime.load(RuntimeOptions(resources_paths=[sys.argv[1]]))
    app = DaprSecretsApp(runtime, UiSettings(clipboard_mode="off"))

    async def auto_pilot(pilot):
        print("up", flush=True)
        key = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        await pilot.press(key.strip())
        print(f"pressed {time.monotonic()}", flush=True)

    app.run(headless=True, auto_pilot=auto_pilot, size=(100, 30))
    print("exited", flush=True)
    """
)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.mark.parametrize("key", ["q", "ctrl+c"])
def test_quitting_does_not_wait_for_a_hung_store(tmp_path: Path, key: str):
    """Was: `q` took as long as the hung Vault call (the app's worker threads were joined on exit)."""
    with VaultFault({"dapr/db": {"k": "v"}}, delay=60) as vault:  # answers after a minute: hung
        (tmp_path / "vault.yaml").write_text(VAULT_COMPONENT.format(name="vault", url=vault.url))
        child = subprocess.Popen(
            [sys.executable, "-c", QUIT_SCRIPT, str(tmp_path)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            assert child.stdout.readline().strip() == "up"
            wait_until(lambda: vault.max_in_flight >= 1, 30, "the app to call the hung Vault")
            child.stdin.write(key + "\n")
            child.stdin.flush()
            pressed = float(child.stdout.readline().split()[1])
            child.wait(timeout=45)  # the store answers after 60 s
            stopped = time.monotonic()
            hanging = vault._in_flight  # requests still unanswered when the app was gone
        finally:
            child.kill()
            child.wait()
        output = child.stdout.read()
        assert child.returncode == 0, child.stderr.read()
        assert output.startswith("exited"), output
        assert hanging >= 1, "the app exited only after the store answered"
        # Not a timing assertion: the store's call (no client timeout) is still waiting, whatever the load.
        print(f"quit latency with a hung store ({key}): {stopped - pressed:.2f} s")


def four_dead_vaults(folder: Path, vault: VaultFault) -> None:
    for index in range(4):
        (folder / f"vault{index}.yaml").write_text(VAULT_COMPONENT.format(name=f"vault{index}", url=vault.url))


def test_doctor_checks_dead_stores_at_once_under_one_deadline(tmp_path: Path, monkeypatch):
    """Was: one store after the other, each waiting for its own timeout (four dead stores: 40 s)."""
    monkeypatch.setattr(VaultStore, "timeout", 3600)  # no call ends by itself: only the deadline does
    with VaultFault({"dapr/db": {"k": "v"}}, delay=60) as vault:
        four_dead_vaults(tmp_path, vault)
        runtime = Runtime.load(RuntimeOptions(resources_paths=[str(tmp_path)]))
        found = runtime.doctor(deadline=1.0)
        assert vault.max_in_flight == 4  # all four asked at the same time
        assert vault._in_flight == 4  # and the doctor answered while they all still hang
    unanswered = [d for d in found if d.code == "doctor-deadline"]
    assert [d.component for d in unanswered] == ["vault0", "vault1", "vault2", "vault3"]
    assert unanswered[0].message == "vault0: the store did not answer within the doctor's 1 s"
    assert unanswered[0].source is not None and Path(unanswered[0].source.file).name == "vault0.yaml"

