"""A local Microsoft Entra ID (Azure AD) token endpoint, over HTTPS, for real azure-identity credentials.

What MSAL asks for, with `authority=<this server>` and `disable_instance_discovery=True`:
- `GET /<tenant>/v2.0/.well-known/openid-configuration` (token_endpoint, authorization_endpoint, issuer);
- `POST /<tenant>/oauth2/v2.0/token` with `grant_type=client_credentials`, `client_id`, `scope`, and
  either `client_secret` or a `client_assertion` (a JWT signed with a certificate's key, or a
  federated token read from a file for workload identity).
Errors use Entra's OAuth shape `{"error", "error_description"}` with AADSTS codes: a wrong secret is
401 invalid_client AADSTS7000215, an unknown app 400 unauthorized_client AADSTS700016.
Issued tokens are opaque; `client_for(token)` tells the Key Vault fake whose token it is.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets as random_tokens
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding

from tests.fakes.keyvault_server import JsonHandler, ServerLifecycle, _TLSServer, start_https_server
from tests.fakes.tls import TestCA

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class TokenRequest:
    tenant: str
    form: dict[str, str]  # never contains anything but test credentials


@dataclass
class EntraServer(ServerLifecycle):
    ca: TestCA
    tenant_id: str
    token_requests: list[TokenRequest] = field(default_factory=list)
    _client_secrets: dict[str, str] = field(default_factory=dict)
    _client_certificates: dict[str, x509.Certificate] = field(default_factory=dict)
    _federated_tokens: dict[str, str] = field(default_factory=dict)
    _issued: dict[str, str] = field(default_factory=dict)  # access token -> client id
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: _TLSServer | None = None
    _thread: threading.Thread | None = None

    # --- test controls -------------------------------------------------------------------------

    def add_client_secret(self, client_id: str, secret: str) -> None:
        self._client_secrets[client_id] = secret

    def add_client_certificate(self, client_id: str, certificate_pem: bytes) -> None:
        self._client_certificates[client_id] = x509.load_pem_x509_certificate(certificate_pem)

    def add_federated_token(self, client_id: str, token: str) -> None:
        """Workload identity: the service-account token Entra accepts as this app's assertion."""
        self._federated_tokens[client_id] = token

    def client_for(self, access_token: str) -> str | None:
        return self._issued.get(access_token)

    @property
    def authority(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> EntraServer:
        entra = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib naming
                entra._openid_configuration(self)

            def do_POST(self) -> None:  # noqa: N802 - stdlib naming
                entra._token(self)

        self._server, self._thread = start_https_server(Handler, self.ca)
        return self


    # --- protocol --------------------------------------------------------------------------------

    def _openid_configuration(self, handler: JsonHandler) -> None:
        segments = urlsplit(handler.path).path.strip("/").split("/")
        if segments[1:] != ["v2.0", ".well-known", "openid-configuration"]:
            handler.send_json(404, {"error": "not_found"})
            return
        tenant = segments[0]
        base = f"{self.authority}/{tenant}"
        handler.send_json(
            200,
            {
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "issuer": f"{self.authority}/{tenant}/v2.0",
                "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            },
        )

    def _token(self, handler: JsonHandler) -> None:
        tenant = urlsplit(handler.path).path.strip("/").split("/")[0]
        form = {k: v[0] for k, v in parse_qs(handler.read_body().decode()).items()}
        with self._lock:
            self.token_requests.append(TokenRequest(tenant, form))
        status, body = self._issue(tenant, form)
        handler.send_json(status, body)

    def _issue(self, tenant: str, form: dict[str, str]) -> tuple[int, dict]:
        if tenant != self.tenant_id:
            return 400, _oauth_error("invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.")
        client = form.get("client_id", "")
        problem = self._check_client(client, form)
        if problem is not None:
            return problem
        token = "tok-" + random_tokens.token_hex(12)
        with self._lock:
            self._issued[token] = client
        return 200, {"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": token}

    def _check_client(self, client: str, form: dict[str, str]) -> tuple[int, dict] | None:
        if "client_secret" in form:
            if client not in self._client_secrets:
                return _unknown_app(client, self.tenant_id)
            if form["client_secret"] != self._client_secrets[client]:
                return 401, _oauth_error(
                    "invalid_client",
                    f"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is "
                    f"the client secret value, not the client secret ID, for a secret added to app '{client}'.",
                )
            return None
        if form.get("client_assertion_type") == ASSERTION_TYPE:
            return self._check_assertion(client, form.get("client_assertion", ""))
        return 401, _oauth_error(
            "invalid_client", "AADSTS7000218: The request body must contain client_assertion or client_secret."
        )

    def _check_assertion(self, client: str, assertion: str) -> tuple[int, dict] | None:
        if client in self._federated_tokens:
            if assertion == self._federated_tokens[client]:
                return None
            return 401, _oauth_error(
                "invalid_client",
                "AADSTS700213: No matching federated identity record found for presented assertion subject.",
            )
        certificate = self._client_certificates.get(client)
        if certificate is None:
            return _unknown_app(client, self.tenant_id)
        if not _signed_by(assertion, certificate):
            return 401, _oauth_error("invalid_client", "AADSTS700027: Client assertion contains an invalid signature.")
        return None


def _signed_by(assertion: str, certificate: x509.Certificate) -> bool:
    """An RS256 or PS256 JWT whose thumbprint header names `certificate` and whose signature it verifies."""
    try:
        header_b64, payload_b64, signature_b64 = assertion.split(".")
        header = json.loads(_b64url_decode(header_b64))
    except ValueError:
        return False
    der = certificate.public_bytes(Encoding.DER)
    thumbprints = {
        "x5t": base64.urlsafe_b64encode(hashlib.sha1(der).digest()).decode().rstrip("="),
        "x5t#S256": base64.urlsafe_b64encode(hashlib.sha256(der).digest()).decode().rstrip("="),
    }
    if not any(str(header.get(name, "")).rstrip("=") == value for name, value in thumbprints.items()):  # MSAL pads
        return False
    chosen = (
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
        if header.get("alg") == "PS256"
        else padding.PKCS1v15()
    )
    try:
        certificate.public_key().verify(  # type: ignore[union-attr, call-arg]
            _b64url_decode(signature_b64), f"{header_b64}.{payload_b64}".encode(), chosen, hashes.SHA256()
        )
    except (InvalidSignature, TypeError):
        return False
    return True


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _oauth_error(error: str, description: str) -> dict:
    return {
        "error": error,
        "error_description": f"{description}\r\nTrace ID: 00000000-0000-0000-0000-000000000000\r\nTimestamp: 2026-01-01 00:00:00Z",
        "error_codes": [int(description.split(":")[0].removeprefix("AADSTS"))],
    }


def _unknown_app(client: str, tenant: str) -> tuple[int, dict]:
    return 400, _oauth_error(
        "unauthorized_client",
        f"AADSTS700016: Application with identifier '{client}' was not found in the directory '{tenant}'.",
    )
