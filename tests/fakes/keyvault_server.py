"""A protocol-faithful local Azure Key Vault (secrets only), over HTTPS, for the real SecretClient.

Shapes follow the published Key Vault REST API (api-version 7.x / 2025+), as the SDK sees them:
- the bearer challenge: an unauthenticated request gets 401 with
  `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"`;
- `GET /secrets` (list properties; `maxresults` capped at 25, Key Vault's page limit) with an absolute
  `nextLink` the SDK follows verbatim; `GET /secrets/<name>/versions` the same way;
- `GET /secrets/<name>/` (latest, note the trailing slash) and `GET /secrets/<name>/<version>`;
- errors as `{"error": {"code", "message"[, "innererror"]}}`: 404 SecretNotFound, 403 Forbidden
  (no permission: innererror AccessDenied; disabled secret: innererror SecretDisabled), 429 Throttled
  with Retry-After.
Expired and not-yet-active secrets are served normally, as Key Vault does (its docs: "get" works
outside the nbf/exp window). Every request is recorded so tests can assert paging and auth headers.

`start_https_server` is shared with the Entra fake.
"""

from __future__ import annotations

import contextlib
import json
import secrets as random_tokens
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.fakes.tls import TestCA

PAGE_LIMIT = 25  # Key Vault never returns more than 25 items per page


class _TLSServer(ThreadingHTTPServer):
    """A threading HTTPS server whose TLS handshake runs in the connection's own thread."""

    daemon_threads = True
    request_queue_size = 128  # the default 5 drops bursts of connects; clients then wait 1 s to resend SYN

    def __init__(self, handler: type[BaseHTTPRequestHandler], context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.tls_context = context
        self.connections: set[socket.socket] = set()

    def get_request(self):  # type: ignore[override]
        sock, address = super().get_request()
        tls_sock = self.tls_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        self.connections.add(tls_sock)
        return tls_sock, address

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            return  # a client hung up (a timeout, a closed session): no traceback in test output
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    def close_connections(self) -> None:
        for connection in list(self.connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()


class JsonHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler with JSON helpers; quiet."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stalls
    server: _TLSServer

    def setup(self) -> None:
        super().setup()
        try:
            self.request.do_handshake()
        except (ssl.SSLError, OSError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_json(self, status: int, body: object, headers: Mapping[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


def start_https_server(handler: type[BaseHTTPRequestHandler], ca: TestCA) -> tuple[_TLSServer, threading.Thread]:
    server = _TLSServer(handler, ca.server_context())
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=f"fake-{handler.__name__}", daemon=True)
    thread.start()
    return server, thread


def stop_https_server(server: _TLSServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.close_connections()
    server.server_close()
    thread.join(timeout=5)


class ServerLifecycle:
    """stop() and the context manager for a fake whose start() fills `_server` and `_thread`."""

    _server: _TLSServer | None
    _thread: threading.Thread | None

    def start(self):  # pragma: no cover - each fake defines it
        raise NotImplementedError

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            stop_https_server(self._server, self._thread)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class FakeSecretVersion:
    version: str
    value: str | None
    enabled: bool | None = True  # None: the attribute is missing
    created: int = 1_700_000_000
    updated: int = 1_700_000_000
    expires: int | None = None
    not_before: int | None = None
    content_type: str | None = None
    tags: dict[str, str] | None = None
    managed: bool = False


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: Mapping[str, str]
    authorization: str | None
    at: float  # time.monotonic() when the request arrived
    status: int = 0


@dataclass
class _Throttle:
    remaining: int
    retry_after: str


@dataclass
class KeyVaultServer(ServerLifecycle):
    """A local Key Vault. `authorize(token)` returns the client id a bearer token belongs to, or None.

    `permissions` maps client id -> allowed operations ("get", "list"); None allows everything.
    `delay` (seconds) is added to every request, for benchmarks.
    """

    ca: TestCA
    tenant_id: str
    authorize: Callable[[str], str | None]
    permissions: dict[str, set[str]] | None = None
    forbidden_secrets: set[str] = field(default_factory=set)  # RBAC denies reading these, per secret
    delay: float = 0.0
    # While set to an unset Event, every list page after the first waits for it: lets a test look
    # at the first page for as long as it likes, whatever the machine's load.
    later_pages_gate: threading.Event | None = None
    secrets: dict[str, list[FakeSecretVersion]] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    _throttle: _Throttle | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: _TLSServer | None = None
    _thread: threading.Thread | None = None

    # --- test controls -------------------------------------------------------------------------

    def add_secret(self, name: str, value: str | None, **attributes: object) -> str:
        """Add a new (latest) version of `name`; returns its version id."""
        versions = self.secrets.setdefault(name, [])
        created = int(attributes.pop("created", 1_700_000_000 + len(versions)))  # type: ignore[call-overload]
        version = FakeSecretVersion(
            version=random_tokens.token_hex(16),
            value=value,
            created=created,
            updated=int(attributes.pop("updated", created)),  # type: ignore[call-overload]
            **attributes,  # type: ignore[arg-type]
        )
        versions.append(version)
        return version.version

    def throttle(self, count: int, retry_after: str = "1") -> None:
        """Answer the next `count` authenticated requests with 429 Throttled and this Retry-After."""
        self._throttle = _Throttle(count, retry_after)

    def value_requests(self) -> list[RecordedRequest]:
        """Authenticated requests that read a secret value (GET /secrets/<name>/[version])."""
        return [r for r in self.requests if r.authorization and _is_value_path(r.path)]

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> KeyVaultServer:
        vault = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                vault._handle(self)

        self._server, self._thread = start_https_server(Handler, self.ca)
        return self


    # --- protocol --------------------------------------------------------------------------------

    def _handle(self, handler: JsonHandler) -> None:
        if self.delay:
            time.sleep(self.delay)
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        authorization = handler.headers.get("Authorization")
        status, body, headers = self._answer(parts.path, query, authorization)
        with self._lock:
            self.requests.append(RecordedRequest("GET", parts.path, query, authorization, time.monotonic(), status))
        handler.send_json(status, body, headers)

    def _answer(self, path: str, query: dict[str, str], authorization: str | None) -> tuple[int, object, dict]:
        client = self._client_for(authorization)
        if client is None:
            message = (
                "AKV10000: Request is missing a Bearer or PoP token."
                if not authorization
                else "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/..., found a token this vault does not know."
            )
            return 401, _error("Unauthorized", message), {"WWW-Authenticate": self._challenge()}
        throttled = self._take_throttle()
        if throttled is not None:
            return (
                429,
                _error(
                    "Throttled",
                    "Request was not processed because too many requests were received. Reason: A generic throttling limit was reached.",
                ),
                {"Retry-After": throttled},
            )
        segments = [unquote(s) for s in path.strip("/").split("/")]
        if segments == ["secrets"]:
            latest = [(name, versions[-1]) for name, versions in self.secrets.items()]
            return self._list(client, query, latest, "secrets")
        if len(segments) == 3 and segments[0] == "secrets" and segments[2] == "versions":
            return self._list_versions(client, segments[1], query)
        if len(segments) in (2, 3) and segments[0] == "secrets":
            version = segments[2] if len(segments) == 3 else ""
            return self._get(client, segments[1], version)
        return 404, _error("NotFound", f"The requested path {path} was not found."), {}

    def _client_for(self, authorization: str | None) -> str | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        return self.authorize(authorization.removeprefix("Bearer "))

    def _challenge(self) -> str:
        return (
            f'Bearer authorization="https://login.microsoftonline.com/{self.tenant_id}", '
            'resource="https://vault.azure.net"'
        )

    def _take_throttle(self) -> str | None:
        with self._lock:
            if self._throttle is None or self._throttle.remaining <= 0:
                return None
            self._throttle.remaining -= 1
            return self._throttle.retry_after

    def _denied(self, client: str, operation: str) -> tuple[int, object, dict] | None:
        if self.permissions is None or operation in self.permissions.get(client, set()):
            return None
        message = (
            f"The user, group or application 'appid={client};oid=00000000-0000-0000-0000-000000000001' does not "
            f"have secrets {operation} permission on key vault 'fakevault;location=westeurope'. For help resolving "
            "this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287"
        )
        return 403, _error("Forbidden", message, inner="AccessDenied"), {}

    def _denied_by_rbac(self, client: str, name: str) -> tuple[int, object, dict] | None:
        if name not in self.forbidden_secrets:
            return None
        message = (
            "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or "
            "role definitions were changed recently, please observe propagation time.\r\n"
            f"Caller: appid={client};oid=00000000-0000-0000-0000-000000000001\r\n"
            "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\n"
            f"Resource: '/subscriptions/0/resourcegroups/rg/providers/microsoft.keyvault/vaults/fakevault/secrets/{name}'"
        )
        return 403, _error("Forbidden", message, inner="ForbiddenByRbac"), {}

    def _list(
        self, client: str, query: dict[str, str], entries: list[tuple[str, FakeSecretVersion]], path: str
    ) -> tuple[int, object, dict]:
        """One page of secrets (ids without version) or of one secret's versions (ids with version)."""
        denied = self._denied(client, "list")
        if denied:
            return denied
        size = min(int(query.get("maxresults", PAGE_LIMIT)), PAGE_LIMIT)
        start = int(query.get("$skiptoken", "0"))
        if start and self.later_pages_gate is not None:
            self.later_pages_gate.wait(timeout=30)
        with_version = path.endswith("/versions")
        page = [self._item(name, version, with_version=with_version) for name, version in entries[start : start + size]]
        next_link = None
        if start + size < len(entries):
            api = quote(query.get("api-version", "7.5"))
            next_link = f"{self.url}/{path}?api-version={api}&$skiptoken={start + size}&maxresults={size}"
        return 200, {"value": page, "nextLink": next_link}, {}

    def _list_versions(self, client: str, name: str, query: dict[str, str]) -> tuple[int, object, dict]:
        versions = self._versions_of(name)
        if versions is None:
            return 404, _not_found(name), {}
        return self._list(client, query, [(name, v) for v in versions], f"secrets/{quote(name)}/versions")

    def _get(self, client: str, name: str, version: str) -> tuple[int, object, dict]:
        denied = self._denied(client, "get") or self._denied_by_rbac(client, name)
        if denied:
            return denied
        versions = self._versions_of(name)
        chosen = (
            versions[-1]
            if versions and not version
            else next((v for v in versions or [] if v.version == version), None)
        )
        if chosen is None:
            return 404, _not_found(f"{name}/{version}" if version else name), {}
        if not chosen.enabled:
            return (
                403,
                _error("Forbidden", "Operation get is not allowed on a disabled secret.", inner="SecretDisabled"),
                {},
            )
        bundle = self._item(name, chosen, with_version=True)
        bundle["value"] = chosen.value
        return 200, bundle, {}

    def _versions_of(self, name: str) -> list[FakeSecretVersion] | None:
        # Key Vault names are case-insensitive.
        for known, versions in self.secrets.items():
            if known.lower() == name.lower():
                return versions
        return None

    def _item(self, name: str, version: FakeSecretVersion, *, with_version: bool) -> dict:
        attributes: dict[str, object] = {
            "created": version.created,
            "updated": version.updated,
            "recoveryLevel": "Recoverable+Purgeable",
            "recoverableDays": 90,
        }
        if version.enabled is not None:
            attributes["enabled"] = version.enabled
        if version.expires is not None:
            attributes["exp"] = version.expires
        if version.not_before is not None:
            attributes["nbf"] = version.not_before
        item: dict[str, object] = {
            "id": f"{self.url}/secrets/{quote(name)}" + (f"/{version.version}" if with_version else ""),
            "attributes": attributes,
        }
        if version.content_type is not None:
            item["contentType"] = version.content_type
        if version.tags is not None:
            item["tags"] = version.tags
        if version.managed:
            item["managed"] = True
        return item


def _is_value_path(path: str) -> bool:
    segments = path.strip("/").split("/")
    return segments[0] == "secrets" and len(segments) in (2, 3) and segments[-1] != "versions"


def _error(code: str, message: str, inner: str | None = None) -> dict:
    error: dict[str, object] = {"code": code, "message": message}
    if inner:
        error["innererror"] = {"code": inner}
    return {"error": error}


def _not_found(name: str) -> dict:
    return _error(
        "SecretNotFound",
        f"A secret with (name/id) {name} was not found in this key vault. If you recently deleted this secret you "
        "may be able to recover it using the correct recovery command. For help resolving this issue, please see "
        "https://go.microsoft.com/fwlink/?linkid=2125182",
    )
