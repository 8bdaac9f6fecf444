"""A local Google Cloud Secret Manager: a gRPC server (TLS, 127.0.0.1) answering the four RPCs the
store uses, with the client package's own proto-plus messages as codecs (dapr-cloud-stores.md §9.2).

Faithful where the store depends on it:
- names: `parent="projects/<id or number>"` is accepted, but every returned name carries the
  project NUMBER (dapr/dapr #6998); `latest` and version aliases resolve like the API;
- paging: `page_size` 0 means "the server decides" (`default_page_size`), the token is omitted on
  the last page; versions are listed newest first;
- states: a disabled or destroyed version answers FAILED_PRECONDITION, a secret without versions
  NOT_FOUND, an empty version id INVALID_ARGUMENT;
- identity: every call must carry a self-signed service-account JWT (RS256, `kid` = the key id) that
  verifies against a registered public key, else UNAUTHENTICATED; IAM-style PERMISSION_DENIED per
  account, permission and secret; the "API not enabled" error carries ErrorInfo SERVICE_DISABLED;
- faults: RESOURCE_EXHAUSTED for the next n calls, added latency, a hang past the caller's deadline.
Every request is recorded (method, message as a dict, caller) so tests can assert paging and that no
value was read.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from concurrent import futures
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from google.cloud.secretmanager_v1.types import resources, service
from google.protobuf import duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from tests.fakes.tls import TestCA

SERVICE = "google.cloud.secretmanager.v1.SecretManagerService"
ENABLED, DISABLED, DESTROYED = (resources.SecretVersion.State[s] for s in ("ENABLED", "DISABLED", "DESTROYED"))
CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@dataclass
class Version:
    number: int
    data: bytes
    state: Any
    created: datetime


@dataclass
class FakeSecret:
    id: str
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    locations: tuple[str, ...] = ()  # user-managed replication; () = automatic
    created: datetime = CREATED
    expire_time: datetime | None = None
    next_rotation: datetime | None = None
    rotation_period: timedelta | None = None
    aliases: dict[str, int] = field(default_factory=dict)
    versions: list[Version] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    method: str
    message: dict[str, Any]
    caller: str  # the service account's email, "" when the call was refused before that


class SecretManagerServer:
    def __init__(self, ca: TestCA, project_id: str = "my-project", project_number: str = "123456789") -> None:
        self.project_id = project_id
        self.project_number = project_number
        self.secrets: dict[str, FakeSecret] = {}
        self.requests: list[Request] = []
        self.default_page_size = 25000  # the API's own cap when page_size is 0
        self.public_keys: dict[str, tuple[str, Any]] = {}  # key id -> (client email, public key)
        self.denied: set[tuple[str, str, str]] = set()  # (email, permission, secret id or "*")
        self.api_enabled = True
        self.exhausted_calls = 0  # the next n calls answer RESOURCE_EXHAUSTED
        self.latency = 0.0  # seconds added to every call
        self.hang = 0.0  # seconds AccessSecretVersion sleeps (past the caller's deadline)
        self.in_flight = 0
        self.peak_in_flight = 0  # most calls answered at once (bulk's concurrency)
        self._lock = threading.Lock()
        self._clock = itertools.count()
        handlers = {
            "ListSecrets": (self._list_secrets, service.ListSecretsRequest, service.ListSecretsResponse),
            "GetSecret": (self._get_secret, service.GetSecretRequest, resources.Secret),
            "ListSecretVersions": (
                self._list_versions,
                service.ListSecretVersionsRequest,
                service.ListSecretVersionsResponse,
            ),
            "AccessSecretVersion": (
                self._access,
                service.AccessSecretVersionRequest,
                service.AccessSecretVersionResponse,
            ),
        }
        generic = grpc.method_handlers_generic_handler(
            SERVICE,
            {
                name: grpc.unary_unary_rpc_method_handler(
                    self._guarded(name, fn), request_deserializer=req.deserialize, response_serializer=resp.serialize
                )
                for name, (fn, req, resp) in handlers.items()
            },
        )
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=32))
        self._server.add_generic_rpc_handlers((generic,))
        credentials = grpc.ssl_server_credentials([(ca.key_pem.read_bytes(), ca.cert_pem.read_bytes())])
        self.port = self._server.add_secure_port("127.0.0.1:0", credentials)
        self.address = f"127.0.0.1:{self.port}"

    def __enter__(self) -> SecretManagerServer:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop(grace=None)

    # --- set-up -----------------------------------------------------------------------------------

    def add_service_account(self, email: str, key_id: str, public_key_pem: bytes) -> None:
        self.public_keys[key_id] = (email, load_pem_public_key(public_key_pem))

    def add_secret(self, secret_id: str, *values: bytes | str, **attributes: Any) -> FakeSecret:
        secret = FakeSecret(secret_id, **attributes)
        self.secrets[secret_id] = secret
        for value in values:
            self.add_version(secret_id, value)
        return secret

    def add_version(self, secret_id: str, value: bytes | str, state: Any = ENABLED) -> int:
        secret = self.secrets[secret_id]
        data = value.encode() if isinstance(value, str) else value
        number = len(secret.versions) + 1
        secret.versions.append(Version(number, data, state, CREATED + timedelta(minutes=next(self._clock))))
        return number

    def deny(self, email: str, permission: str, secret_id: str = "*") -> None:
        self.denied.add((email, permission, secret_id))

    def calls(self, method: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.method == method]

    def value_requests(self) -> list[Request]:
        return self.calls("AccessSecretVersion")

    # --- plumbing -----------------------------------------------------------------------------------

    def _guarded(self, method: str, handler: Any) -> Any:
        def call(request: Any, context: grpc.ServicerContext) -> Any:
            caller = self._authenticate(context)
            with self._lock:
                fields = type(request).to_dict(request, always_print_fields_with_no_presence=False)
                self.requests.append(Request(method, fields, caller))
                exhausted = self.exhausted_calls > 0
                self.exhausted_calls -= 1 if exhausted else 0
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                if self.latency:
                    time.sleep(self.latency)
            finally:
                with self._lock:
                    self.in_flight -= 1
            if exhausted:
                context.abort(
                    grpc.StatusCode.RESOURCE_EXHAUSTED,
                    "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute'.",
                )
            if not self.api_enabled:
                _abort_with_reason(
                    context,
                    code_pb2.PERMISSION_DENIED,
                    f"Secret Manager API has not been used in project {self.project_number} before or it is "
                    "disabled. Enable it by visiting https://console.developers.google.com/apis/api/"
                    f"secretmanager.googleapis.com/overview?project={self.project_number} then retry.",
                    "SERVICE_DISABLED",
                )
            return handler(request, context, caller)

        return call

    def _authenticate(self, context: grpc.ServicerContext) -> str:
        metadata = dict(context.invocation_metadata())
        scheme, _, token = metadata.get("authorization", "").partition(" ")
        if scheme != "Bearer" or token.count(".") != 2:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Request is missing required authentication credential.")
        head, body, signature = token.split(".")
        header, claims = json.loads(_unb64(head)), json.loads(_unb64(body))
        email, key = self.public_keys.get(header.get("kid", ""), ("", None))
        try:
            if key is None or header.get("alg") != "RS256":
                raise ValueError("unknown key")
            key.verify(_unb64(signature), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except Exception:  # noqa: BLE001 - any bad token is the same refusal
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Request had invalid authentication credentials.")
        if claims.get("iss") != email or claims.get("exp", 0) < time.time():
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Request had invalid authentication credentials.")
        return email

    def _check(self, context: grpc.ServicerContext, caller: str, permission: str, secret_id: str, resource: str) -> None:
        if {(caller, permission, secret_id), (caller, permission, "*")} & self.denied:
            context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"Permission '{permission}' denied for resource '{resource}' (or it may not exist).",
            )

    def _project(self, context: grpc.ServicerContext, parent: str) -> None:
        if parent not in (f"projects/{self.project_id}", f"projects/{self.project_number}"):
            context.abort(grpc.StatusCode.NOT_FOUND, f"Project '{parent}' not found or deleted.")

    def _secret(self, context: grpc.ServicerContext, name: str) -> tuple[FakeSecret, str]:
        """The secret a resource name names (with the project id or number)."""
        project, _, secret_id = name.partition("/secrets/")
        self._project(context, project)
        secret = self.secrets.get(secret_id)
        if secret is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"Secret [{self._name(secret_id)}] not found.")
        return secret, secret_id

    def _name(self, secret_id: str) -> str:
        return f"projects/{self.project_number}/secrets/{secret_id}"

    # --- the RPCs -----------------------------------------------------------------------------------

    def _list_secrets(self, request: Any, context: grpc.ServicerContext, caller: str) -> Any:
        self._project(context, request.parent)
        self._check(context, caller, "secretmanager.secrets.list", "*", request.parent)
        ids = list(self.secrets)  # in creation order, like the API
        page, token = _page(context, ids, request.page_size or self.default_page_size, request.page_token)
        return service.ListSecretsResponse(
            secrets=[self._secret_message(self.secrets[i]) for i in page], next_page_token=token, total_size=len(ids)
        )

    def _get_secret(self, request: Any, context: grpc.ServicerContext, caller: str) -> Any:
        secret, secret_id = self._secret(context, request.name)
        self._check(context, caller, "secretmanager.secrets.get", secret_id, self._name(secret_id))
        return self._secret_message(secret)

    def _list_versions(self, request: Any, context: grpc.ServicerContext, caller: str) -> Any:
        secret, secret_id = self._secret(context, request.parent)
        self._check(context, caller, "secretmanager.versions.list", secret_id, self._name(secret_id))
        newest_first = [str(v.number) for v in reversed(secret.versions)]
        page, token = _page(context, newest_first, request.page_size or self.default_page_size, request.page_token)
        versions = [self._version_message(secret_id, secret.versions[int(n) - 1]) for n in page]
        return service.ListSecretVersionsResponse(
            versions=versions, next_page_token=token, total_size=len(newest_first)
        )

    def _access(self, request: Any, context: grpc.ServicerContext, caller: str) -> Any:
        secret_name, _, wanted = request.name.partition("/versions/")
        secret_id = secret_name.partition("/secrets/")[2]
        resource = f"{self._name(secret_id)}/versions/{wanted}"
        self._check(context, caller, "secretmanager.versions.access", secret_id, resource)
        if self.hang:
            time.sleep(self.hang)
        if wanted == "":
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"Invalid resource field value in the request: [{request.name}]")
        secret, secret_id = self._secret(context, secret_name)
        version = self._resolve(secret, wanted)
        if version is None:
            if not secret.versions or wanted == "latest":
                context.abort(
                    grpc.StatusCode.NOT_FOUND, f"Secret [{self._name(secret_id)}] not found or has no versions."
                )
            context.abort(grpc.StatusCode.NOT_FOUND, f"Secret Version [{resource}] not found.")
        full = f"{self._name(secret_id)}/versions/{version.number}"
        if version.state != ENABLED:
            context.abort(
                grpc.StatusCode.FAILED_PRECONDITION, f"Secret Version [{full}] is in {version.state.name} state."
            )
        return service.AccessSecretVersionResponse(name=full, payload=resources.SecretPayload(data=version.data))

    def _resolve(self, secret: FakeSecret, wanted: str) -> Version | None:
        if wanted == "latest":
            return secret.versions[-1] if secret.versions else None
        number = secret.aliases.get(wanted)
        if number is None and wanted.isdigit():
            number = int(wanted)
        if number is None or not 1 <= number <= len(secret.versions):
            return None
        return secret.versions[number - 1]

    # --- messages -----------------------------------------------------------------------------------

    def _secret_message(self, secret: FakeSecret) -> Any:
        if secret.locations:
            replication = resources.Replication(
                user_managed=resources.Replication.UserManaged(
                    replicas=[resources.Replication.UserManaged.Replica(location=loc) for loc in secret.locations]
                )
            )
        else:
            replication = resources.Replication(automatic=resources.Replication.Automatic())
        message = resources.Secret(
            name=self._name(secret.id),
            replication=replication,
            create_time=secret.created,
            labels=secret.labels,
            annotations=secret.annotations,
            version_aliases=secret.aliases,
            etag='"1"',
        )
        if secret.expire_time:
            message.expire_time = secret.expire_time
        if secret.next_rotation or secret.rotation_period:
            message.rotation = resources.Rotation(
                next_rotation_time=secret.next_rotation,
                rotation_period=duration_pb2.Duration(seconds=int(secret.rotation_period.total_seconds()))
                if secret.rotation_period
                else None,
            )
        return message

    def _version_message(self, secret_id: str, version: Version) -> Any:
        message = resources.SecretVersion(
            name=f"{self._name(secret_id)}/versions/{version.number}",
            create_time=version.created,
            state=version.state,
        )
        if version.state == DESTROYED:
            message.destroy_time = version.created + timedelta(days=1)
        return message


def _page(context: grpc.ServicerContext, items: list[str], size: int, token: str) -> tuple[list[str], str]:
    """A page of `items` after the offset in `token`, and the next token ("" on the last page)."""
    if token and not token.isdigit():
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "Invalid page token.")
    start = int(token or 0)
    end = start + min(size, 25000)
    return items[start:end], str(end) if end < len(items) else ""


def _abort_with_reason(context: grpc.ServicerContext, code: int, message: str, reason: str) -> None:
    info = error_details_pb2.ErrorInfo(reason=reason, domain="googleapis.com", metadata={"service": "secretmanager.googleapis.com"})
    status = status_pb2.Status(code=code, message=message)
    status.details.add().Pack(info)
    context.abort_with_status(rpc_status.to_status(status))


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
