"""Issue #13, never hang: quitting never waits for a store, dead stores are probed side by side
under one deadline, a failed listing is not shown as ready, and a file that would block a read
(a FIFO, a device) is refused instead of read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions, State
from dapr_secrets.backends.vault.store import VaultStore
from dapr_secrets.tui.cli import main
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
    from dapr_secrets.backends.runtime import Runtime, RuntimeOptions, State
    from dapr_secrets.backends.vault.store import VaultStore
    from dapr_secrets.tui.app import DaprSecretsApp, UiSettings

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
        # all four asked at the same time, the doctor having answered while they hang (under load a
        # store's first request can leave after the deadline: wait for it, do not time it)
        wait_until(lambda: vault.max_in_flight == 4, 30, "the four stores to be asked")
        assert vault._in_flight == 4
    unanswered = [d for d in found if d.code == "doctor-deadline"]
    assert [d.component for d in unanswered] == ["vault0", "vault1", "vault2", "vault3"]
    assert unanswered[0].message == "vault0: the store did not answer within the doctor's 1 s"
    assert unanswered[0].source is not None and Path(unanswered[0].source.file).name == "vault0.yaml"



def finishes(call, timeout: float = 20.0):
    """The call's result; fails instead of hanging when the call blocks (a FIFO open would)."""
    outcome: list = []
    thread = threading.Thread(target=lambda: outcome.append(call()), daemon=True)
    thread.start()
    thread.join(timeout)
    assert outcome, "blocked: the call never returned"
    return outcome[0]


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


@needs_fifo
def test_a_fifo_as_config_is_refused_not_read(tmp_path: Path, capsys):
    """Was: `open` on the FIFO blocked forever (no writer), before the TUI or any command started."""
    (tmp_path / "components").mkdir()
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)
    runtime = finishes(lambda: Runtime.load(RuntimeOptions(resources_paths=[str(tmp_path / "components")], config_files=[str(fifo)])))
    [problem] = [d for d in runtime.diagnostics if d.code == "config-unreadable"]
    assert problem.message.startswith(f"cannot read {fifo}: it is a named pipe (FIFO), not a file (reading it could block forever)")
    assert problem.hint == "point --config at the Configuration YAML file itself"
    status = finishes(lambda: main(["doctor", "--resources-path", str(tmp_path / "components"), "--config", str(fifo)]))
    output = capsys.readouterr()
    assert status == 2 and "named pipe (FIFO)" in output.out + output.err  # 2: the inputs cannot be loaded


@needs_fifo
@pytest.mark.parametrize(("make", "kind"), [("fifo", "a named pipe (FIFO)"), ("device", "a character device")])
def test_a_secrets_file_that_is_not_a_file_is_refused_not_read(tmp_path: Path, make: str, kind: str):
    """Was: the store's Init blocked on the FIFO (or read /dev/zero until memory ran out)."""
    if make == "fifo":
        target = tmp_path / "secrets.json"
        os.mkfifo(target)
    else:
        target = Path("/dev/zero")
    (tmp_path / "store.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: files\nspec:\n"
        f"  type: secretstores.local.file\n  version: v1\n  metadata:\n  - name: secretsFile\n    value: {target}\n"
    )
    runtime = Runtime.load(RuntimeOptions(resources_paths=[str(tmp_path)]))
    status = finishes(lambda: runtime.open("files"))
    assert status.state == State.ERROR
    assert status.message == f"open {target}: it is {kind}, not a file (reading it could block forever: not read)"


FILE_SETTINGS = {
    "vault token": ("secretstores.hashicorp.vault", "vaultAddr: http://127.0.0.1:9\n", "vaultTokenMountPath"),
    "vault CA": ("secretstores.hashicorp.vault", "vaultAddr: https://127.0.0.1:9\nvaultToken: root\n", "caCert"),
    "key vault certificate": (
        "secretstores.azure.keyvault",
        "vaultName: v\nazureTenantId: t\nazureClientId: c\nazureAuthMethods: clientcertificate\n",
        "azureCertificateFile",
    ),
}


@needs_fifo
@pytest.mark.parametrize("setting", sorted(FILE_SETTINGS))
def test_a_credential_file_that_is_a_fifo_is_refused_not_read(tmp_path: Path, setting: str):
    """Was: opening the store blocked forever on `open` of the pipe (no writer): the token file, the CA
    file, the client certificate are files a person names, read through the one non-blocking reader."""
    kind, metadata, field = FILE_SETTINGS[setting]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    entries = [line.split(": ", 1) for line in (metadata + f"{field}: {fifo}\n").splitlines()]
    (tmp_path / "store.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: creds\nspec:\n"
        f"  type: {kind}\n  version: v1\n  metadata:\n"
        + "".join(f"  - name: {name}\n    value: {value}\n" for name, value in entries)
    )
    runtime = Runtime.load(RuntimeOptions(resources_paths=[str(tmp_path)], env={}))
    status = finishes(lambda: runtime.open("creds"))
    # Vault reads its files in Init; Key Vault's credential reads the certificate at the first request
    answer = finishes(lambda: runtime.api_bulk("creds"))
    said = status.message + json.dumps(answer.body)
    assert "named pipe (FIFO)" in said or "not a regular file" in said, said
