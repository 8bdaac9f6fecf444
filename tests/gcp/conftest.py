"""Fixtures for the GCP Secret Manager store: a local TLS gRPC Secret Manager (tests/fakes), a
generated service-account key it trusts, and a factory that opens stores pointed at it through the
module-level test seam. The real SecretManagerServiceClient signs its own JWTs with the key."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.gcp import store as gcp_store
from dapr_secrets.backends.gcp.store import GcpSecretManagerStore, LocalEndpoint
from tests.fakes.secretmanager_server import SecretManagerServer
from tests.fakes.tls import TestCA, make_ca

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


OpenStore = Callable[..., GcpSecretManagerStore]


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return make_ca(tmp_path_factory.mktemp("gcp-ca"))


@pytest.fixture(scope="session")
def reader_key() -> ServiceAccountKey:
    return make_key(f"reader@{PROJECT}.iam.gserviceaccount.com", "0123456789abcdef0123456789abcdef01234567")


@pytest.fixture(scope="session")
def adc_key() -> ServiceAccountKey:
    return make_key(f"adc@{PROJECT}.iam.gserviceaccount.com", "fedcba9876543210fedcba9876543210fedcba98")


@pytest.fixture
def sm(ca: TestCA, reader_key: ServiceAccountKey, adc_key: ServiceAccountKey) -> Iterator[SecretManagerServer]:
    with SecretManagerServer(ca, PROJECT, NUMBER) as server:
        server.add_service_account(reader_key.email, reader_key.key_id, reader_key.public_key)
        server.add_service_account(adc_key.email, adc_key.key_id, adc_key.public_key)
        yield server


@pytest.fixture
def local_gcp(monkeypatch: pytest.MonkeyPatch, ca: TestCA, sm: SecretManagerServer) -> None:
    """Point every GCP store opened in the test at the local server."""
    monkeypatch.setattr(gcp_store, "_endpoint_for_tests", LocalEndpoint(sm.address, str(ca.ca_pem)))


@pytest.fixture
def open_store(tmp_path: Path, local_gcp: None, reader_key: ServiceAccountKey) -> Iterator[OpenStore]:
    """Open stores like daprd's Init (no network); closed at the end of the test."""
    opened: list[GcpSecretManagerStore] = []

    def open_(properties: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None) -> GcpSecretManagerStore:
        props = reader_key.metadata() if properties is None else dict(properties)
        store = GcpSecretManagerStore("gcpsm", props, StoreContext(env=env or {}, cwd=str(tmp_path)))
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()
