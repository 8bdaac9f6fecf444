"""A local Tencent Cloud Secrets Manager (SSM, API 2019-09-23): an HTTP server on 127.0.0.1 answering the
four actions the store uses, in the shapes of the published API (dapr-cloud-stores.md §9.5).

Faithful where the store depends on it:
- wire: `POST /` with a JSON body, the action in `X-TC-Action`, `X-TC-Version: 2019-09-23`; every
  reply is HTTP 200 `{"Response": {..., "RequestId"}}`, errors as `{"Response": {"Error": {"Code",
  "Message"}, "RequestId"}}`, a fresh RequestId per call;
- identity: the TC3-HMAC-SHA256 Authorization header is recomputed from the registered SecretKey (the
  canonical request over the SignedHeaders, the SHA-256 of the body, the date/service/tc3_request scope)
  and must match: an unknown SecretId answers AuthFailure.SecretIdNotFound, a wrong key
  AuthFailure.SignatureFailure, a timestamp off by more than 5 minutes AuthFailure.SignatureExpire, a
  wrong X-TC-Token AuthFailure.TokenFailure; CAM-style denial per SecretId, action and secret
  (AuthFailure.UnauthorizedOperation);
- data: ListSecrets pages by Offset/Limit (default 20; more than 100 refused), filters by State (0 all, 1
  Enabled, 2 Disabled), returns TotalCount; GetSecretValue needs a VersionId (an empty one is refused,
  Tencent has no "latest" for user secrets), answers SecretString or SecretBinary (the other null); a
  disabled secret answers ResourceUnavailable.ResourceDisabled; ListSecretVersionIds has no paging;
- faults: RequestLimitExceeded for the next n calls, and added latency per call.
Every request is recorded (action, body, SecretId) so tests can assert paging and that no value was read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SERVICE = "ssm"
API_VERSION = "2019-09-23"
CREATED = 1767323045  # 2026-01-02 03:04:05Z
MAX_CLOCK_SKEW = 300  # seconds
MAX_LIMIT = 100  # the real cap is not documented; refusing more than Dapr's 100 catches a page-size slip
DEFAULT_LIMIT = 20
STATES = {0: None, 1: "Enabled", 2: "Disabled"}


@dataclass
class Version:
    id: str
    string: str | None = None
    binary: str | None = None  # base64, as the API carries it
    created: int = CREATED


@dataclass
class FakeSecret:
    name: str
    versions: list[Version] = field(default_factory=list)
    status: str = "Enabled"
    description: str = ""
    created: int = CREATED


@dataclass(frozen=True)
class Request:
    action: str
    body: dict[str, Any]
    secret_id: str
    region: str


class TencentSsmServer:
    def __init__(self, region: str = "ap-guangzhou") -> None:
        self.region = region
        self.secrets: dict[str, FakeSecret] = {}  # insertion order = listing order
        self.keys: dict[str, tuple[str, str]] = {}  # SecretId -> (SecretKey, token or "")
        self.denied: set[tuple[str, str, str]] = set()  # (SecretId, action, secret name or "*")
        self.requests: list[Request] = []
        self.latency = 0.0
        self.throttle_next = 0
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def __enter__(self) -> TencentSsmServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- set-up ----------------------------------------------------------------------------------

    def add_key(self, secret_id: str, secret_key: str, token: str = "") -> None:
        self.keys[secret_id] = (secret_key, token)

    def add_secret(self, name: str, *versions: tuple[str, str], status: str = "Enabled", binary: bool = False,
                   description: str = "") -> FakeSecret:
        """A secret with versions given as (version id, value), oldest first; binary values are base64 text."""
        secret = FakeSecret(name, status=status, description=description)
        for number, (version_id, value) in enumerate(versions):
            kind = {"binary": value} if binary else {"string": value}
            secret.versions.append(Version(version_id, created=CREATED + number, **kind))
        self.secrets[name] = secret
        return secret

    def deny(self, secret_id: str, action: str, secret: str = "*") -> None:
        self.denied.add((secret_id, action, secret))

    def calls(self, action: str) -> list[Request]:
        return [r for r in self.requests if r.action == action]

    def value_requests(self) -> list[Request]:
        return self.calls("GetSecretValue")

    # --- the API ---------------------------------------------------------------------------------

    def handle(self, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        request_id = str(uuid.uuid4())
        try:
            action = headers.get("x-tc-action", "")
            secret_id = self._authenticate(headers, body)
            params = json.loads(body or b"{}")
            with self._lock:
                self.requests.append(Request(action, params, secret_id, headers.get("x-tc-region", "")))
                throttled = self.throttle_next > 0
                self.throttle_next -= throttled
            if self.latency:
                time.sleep(self.latency)
            if throttled:
                raise ApiError("RequestLimitExceeded", "请求的次数超过了频率限制。")
            if headers.get("x-tc-version") != API_VERSION:
                raise ApiError("InvalidParameterValue", f"The version {headers.get('x-tc-version')} is not supported.")
            if headers.get("x-tc-region", "") != self.region:
                if headers.get("x-tc-region"):
                    raise ApiError("InvalidParameter.UnsupportedRegion", "The `Region` is not valid.")
                raise ApiError("MissingParameter", "The request is missing a required parameter `Region`.")
            handler = {
                "ListSecrets": self._list_secrets,
                "GetSecretValue": self._get_secret_value,
                "DescribeSecret": self._describe_secret,
                "ListSecretVersionIds": self._list_versions,
            }.get(action)
            if handler is None:
                raise ApiError("InvalidAction", f"The action `{action}` is not supported.")
            reply = handler(secret_id, params)
        except ApiError as error:
            reply = {"Error": {"Code": error.code, "Message": error.message}}
        return {"Response": {**reply, "RequestId": request_id}}

    def _authenticate(self, headers: dict[str, str], body: bytes) -> str:
        """TC3-HMAC-SHA256 as Tencent's API gateway checks it (signature v3 docs)."""
        auth = headers.get("authorization", "")
        algorithm, _, rest = auth.partition(" ")
        parts = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
        if algorithm != "TC3-HMAC-SHA256" or not {"Credential", "SignedHeaders", "Signature"} <= parts.keys():
            raise ApiError("AuthFailure.InvalidAuthorization", "Authorization 不符合腾讯云标准。")
        secret_id, date, service, terminator = (parts["Credential"].split("/") + ["", "", "", ""])[:4]
        if secret_id not in self.keys:
            raise ApiError("AuthFailure.SecretIdNotFound",
                           "密钥不存在，请在控制台检查密钥是否已被删除或者禁用，"
                           "如状态正常，请检查密钥是否填写正确，注意前后不得有空格。")
        timestamp = int(headers.get("x-tc-timestamp", "0") or 0)
        if abs(time.time() - timestamp) > MAX_CLOCK_SKEW:
            raise ApiError("AuthFailure.SignatureExpire", "签名过期。Timestamp 和服务器时间相差不得超过五分钟。")
        secret_key, token = self.keys[secret_id]
        signed = parts["SignedHeaders"].split(";")
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
        canonical_request = "\n".join(
            ["POST", "/", "", canonical_headers, parts["SignedHeaders"], hashlib.sha256(body).hexdigest()]
        )
        scope = f"{date}/{service}/{terminator}"
        string_to_sign = "\n".join(
            ["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
        )
        key = _hmac(f"TC3{secret_key}".encode(), date)
        key = _hmac(_hmac(key, SERVICE), "tc3_request")
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        if (
            "content-type" not in signed or "host" not in signed or service != SERVICE or terminator != "tc3_request"
            or date != day or not hmac.compare_digest(expected, parts["Signature"])
        ):
            raise ApiError("AuthFailure.SignatureFailure", "请求签名验证失败，请检查您的签名计算是否正确。")
        if headers.get("x-tc-token", "") != token:
            raise ApiError("AuthFailure.TokenFailure", "token 错误。")
        return secret_id

    def _check(self, secret_id: str, action: str, name: str) -> None:
        if {(secret_id, action, "*"), (secret_id, action, name)} & self.denied:
            resource = f"qcs::ssm:{self.region}:uin/100000000001:secret/creatorUin/100000000001/{name or '*'}"
            raise ApiError(
                "AuthFailure.UnauthorizedOperation",
                f"请求未授权。请参考 CAM 文档对鉴权的说明。 operation (ssm:{action}) resource ({resource})",
            )

    def _secret(self, params: dict[str, Any]) -> FakeSecret:
        name = params.get("SecretName")
        if not name:
            raise ApiError("MissingParameter", "The request is missing a required parameter `SecretName`.")
        if name not in self.secrets:
            raise ApiError("ResourceNotFound", f"凭据 {name} 不存在。")
        return self.secrets[name]

    def _list_secrets(self, secret_id: str, params: dict[str, Any]) -> dict[str, Any]:
        self._check(secret_id, "ListSecrets", "")
        offset, limit, state = int(params.get("Offset", 0)), int(params.get("Limit", DEFAULT_LIMIT)), int(params.get("State", 0))
        if limit > MAX_LIMIT or limit < 1 or offset < 0 or state not in STATES:
            raise ApiError("InvalidParameterValue", "参数取值错误。")
        wanted = STATES[state]
        matching = [s for s in self.secrets.values() if wanted is None or s.status == wanted]
        return {
            "TotalCount": len(matching),
            "SecretMetadatas": [self._metadata(s) for s in matching[offset:offset + limit]],
        }

    def _get_secret_value(self, secret_id: str, params: dict[str, Any]) -> dict[str, Any]:
        self._check(secret_id, "GetSecretValue", params.get("SecretName", ""))
        secret = self._secret(params)
        version_id = params.get("VersionId")
        if not version_id:  # required; user secrets have no "latest" alias (SSM_Current: product secrets)
            raise ApiError("MissingParameter", "The request is missing a required parameter `VersionId`.")
        if secret.status != "Enabled":
            raise ApiError("ResourceUnavailable.ResourceDisabled", f"凭据 {secret.name} 已被禁用。")
        version = next((v for v in secret.versions if v.id == version_id), None)
        if version is None:
            raise ApiError("ResourceNotFound", f"凭据 {secret.name} 的版本 {version_id} 不存在。")
        return {"SecretName": secret.name, "VersionId": version.id, "SecretBinary": version.binary, "SecretString": version.string}

    def _describe_secret(self, secret_id: str, params: dict[str, Any]) -> dict[str, Any]:
        self._check(secret_id, "DescribeSecret", params.get("SecretName", ""))
        return self._metadata(self._secret(params))

    def _list_versions(self, secret_id: str, params: dict[str, Any]) -> dict[str, Any]:
        self._check(secret_id, "ListSecretVersionIds", params.get("SecretName", ""))
        secret = self._secret(params)
        return {"SecretName": secret.name, "Versions": [{"VersionId": v.id, "CreateTime": v.created} for v in secret.versions]}

    def _metadata(self, secret: FakeSecret) -> dict[str, Any]:
        return {
            "SecretName": secret.name,
            "Description": secret.description,
            "KmsKeyId": "",
            "CreateUin": 100000000001,
            "Status": secret.status,
            "DeleteTime": 0,
            "CreateTime": secret.created,
            "KmsKeyType": "DEFAULT",
            "RotationStatus": 0,
            "SecretType": 0,
        }


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 resets connections when bulk opens 16 at once


class ApiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code, self.message = code, message


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _handler(server: TencentSsmServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = json.dumps(server.handle(headers, body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    return Handler
