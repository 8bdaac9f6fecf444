"""The GCP Secret Manager store's service-account keys and project, and its contract-suite entry (a
local TLS gRPC Secret Manager, tests/fakes/secretmanager_server.py; the real client signs its own JWTs
with a generated key the server trusts)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.gcp import store as gcp_store
from dapr_secrets.backends.gcp.store import GcpSecretManagerStore, LocalEndpoint
from tests.fakes.secretmanager_server import SecretManagerServer
from tests.fakes.tls import make_ca
from tests.helpers.contract import PAGE, SEED, TIMEOUT, Context, Subject

PROJECT = "my-project"
NUMBER = "123456789"


@dataclass(frozen=True)
class ServiceAccountKey:
    email: str
    key_id: str
    private_key: str  # PEM
    public_key: bytes  # PEM

    def metadata(self, **extra: str) -> dict[str, str]:
        """The component's fields, as a Dapr component spells them (dapr docs' example)."""
        return {
            "type": "service_account",
            "project_id": PROJECT,
            "private_key_id": self.key_id,
            "private_key": self.private_key,
            "client_email": self.email,
            "client_id": "111111111111111111111",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": "https://oauth2.googleapis.com/token",
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/reader",
            **extra,
        }

    def key_file(self, path: Path) -> Path:
        """The JSON key file `gcloud iam service-accounts keys create` writes."""
        fields = self.metadata()
        path.write_text(json.dumps(fields))
        return path


def make_key(email: str, key_id: str) -> ServiceAccountKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return ServiceAccountKey(email, key_id, private, public)


@functools.cache  # RSA keys are slow to make: the suite shares these two
def reader_key() -> ServiceAccountKey:
    return make_key(f"reader@{PROJECT}.iam.gserviceaccount.com", "0123456789abcdef0123456789abcdef01234567")


@functools.cache
def adc_key() -> ServiceAccountKey:
    return make_key(f"adc@{PROJECT}.iam.gserviceaccount.com", "fedcba9876543210fedcba9876543210fedcba98")


OpenStore = Callable[..., GcpSecretManagerStore]  # the per-store tests' store factory fixture

@contextmanager
def contract_subject(ctx: Context) -> Iterator[Subject]:
    ca = make_ca(ctx.tmp_path / "ca")
    key = reader_key()
    with SecretManagerServer(ca, PROJECT, NUMBER) as sm:
        sm.add_service_account(key.email, key.key_id, key.public_key)
        for name, value in SEED.items():
            sm.add_secret(name, value)
        sm.default_page_size = PAGE  # bulk sends no page size: the server decides
        ctx.monkeypatch.setattr(gcp_store, "LIST_PAGE_SIZE", PAGE)
        ctx.monkeypatch.setattr(gcp_store, "_endpoint_for_tests", LocalEndpoint(sm.address, str(ca.ca_pem)))
        opened: list[GcpSecretManagerStore] = []

        def open_() -> GcpSecretManagerStore:
            opened.append(GcpSecretManagerStore("gcpsm", key.metadata(), StoreContext(env={}, cwd=str(ctx.tmp_path))))
            return opened[-1]

        def denied() -> GcpSecretManagerStore:
            sm.deny(key.email, "secretmanager.versions.access", next(iter(SEED)))
            return open_()

        def open_at(port: int) -> GcpSecretManagerStore:
            ctx.monkeypatch.setattr(gcp_store, "DEFAULT_TIMEOUT", TIMEOUT)
            ctx.monkeypatch.setattr(gcp_store, "_endpoint_for_tests", LocalEndpoint(f"127.0.0.1:{port}", str(ca.ca_pem)))
            return open_()

        try:
            yield Subject(open_(), lambda: len(sm.value_requests()), pages=True, denied=denied, open_at=open_at,
                          bulk_name=lambda name: f"projects/{NUMBER}/secrets/{name}")  # contrib: secret.Name, the full name
        finally:
            for store in opened:
                store.close()
