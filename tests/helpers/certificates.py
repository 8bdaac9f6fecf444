"""Client certificates for Entra app registrations, as Dapr reads them: PEM (certificate + key) or PKCS#12."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class ClientCertificate:
    certificate_pem: bytes  # what the app registration knows
    bundle_pem: bytes  # certificate + unencrypted private key, Dapr's PEM form
    pfx: bytes  # PKCS#12, protected by `password`
    password: str


@functools.cache  # RSA keys are slow to make; tests share them
def make_client_certificate(key_type: str = "rsa", password: str = "pfx-password") -> ClientCertificate:
    key = rsa.generate_private_key(65537, 2048) if key_type == "rsa" else ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dapr-secrets test app")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pfx = pkcs12.serialize_key_and_certificates(
        b"app", key, certificate, None, serialization.BestAvailableEncryption(password.encode())
    )
    return ClientCertificate(certificate_pem, certificate_pem + key_pem, pfx, password)
