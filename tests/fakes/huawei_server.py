"""A local Huawei Cloud CSMS and IAM: one HTTPS server (127.0.0.1) answering the calls daprd's store
and our browser make, shaped like the published APIs (dapr-cloud-stores.md §6, §8, §9.4).

Faithful where the store depends on it:
- signing: every request must carry `Authorization: SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=...,
  Signature=...` whose signature this server recomputes from the request as received (canonical
  method, URI with a trailing "/", sorted query, the signed headers, the body hash, X-Sdk-Date)
  with the account's SK; a wrong key gets API Gateway's 401 `APIGW.0301`, an unknown AK `APIGW.0101`;
- IAM `GET /v3/projects?name=<region>` lists the account's projects of that name (0, 1 or several);
- CSMS `ListSecrets` (limit, marker = the last name of the previous page, `next_marker` null on the
  last page, no state filter), `ShowSecret`, `ListSecretVersions` (ids and `version_stages`, paged the
  same way) and `ShowSecretVersion` (a version id or `latest`); every CSMS path needs the project id
  IAM gave, and the `X-Project-Id` header;
- faults: 429 `APIGW.0308` for the next n calls, 403 for secrets the key may not read, added latency.
The `CSMS.xxxx` numbers are this fake's; what the real service answers for an empty version segment
(`.../versions/`, which Dapr sends without version_id) is unknown: here a 400, as an invalid version.
Every request is recorded so tests can assert paging and that no value was read.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from tests.fakes.keyvault_server import JsonHandler, ServerLifecycle, start_https_server
from tests.fakes.tls import TestCA

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
CLOCK_SKEW = timedelta(minutes=15)
CREATED_MS = 1767323045000  # 2026-01-02 03:04:05Z


@dataclass
class FakeVersion:
    id: str
    value: str | None  # None: a binary-only secret
    stages: list[str]
    created_ms: int


@dataclass
class FakeSecret:
    name: str
    state: str = "ENABLED"
    versions: list[FakeVersion] = field(default_factory=list)
    created_ms: int = CREATED_MS


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]


@dataclass
class HuaweiServer(ServerLifecycle):
    ca: TestCA
    access_key: str
    secret_key: str
    region: str = "cn-north-4"
    project_id: str = "0123456789abcdef0123456789abcdef"
    extra_projects: int = 0  # more projects with the same name (IAM answers several)
    no_project: bool = False
    latency: float = 0.0
    secrets: dict[str, FakeSecret] = field(default_factory=dict)
    denied: set[str] = field(default_factory=set)
    requests: list[Recorded] = field(default_factory=list)
    _throttled: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: object = None
    _thread: object = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def start(self) -> HuaweiServer:
        fake = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake._handle(self)

        self._server, self._thread = start_https_server(Handler, self.ca)
        return self

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}"  # type: ignore[union-attr]

    # --- test set-up ---------------------------------------------------------------------------

    def add_secret(self, name: str, *values: str | None, state: str = "ENABLED") -> FakeSecret:
        secret = FakeSecret(name, state)
        self.secrets[name] = secret
        for value in values:
            self.add_version(name, value)
        return secret

    def add_version(self, name: str, value: str | None) -> None:
        """A new version becomes SYSCURRENT; the one before it SYSPREVIOUS (CSMS's own stages)."""
        secret = self.secrets[name]
        for version in secret.versions:
            version.stages = [s for s in version.stages if s not in ("SYSCURRENT", "SYSPREVIOUS")]
        if secret.versions:
            secret.versions[-1].stages.append("SYSPREVIOUS")
        number = len(secret.versions) + 1
        secret.versions.append(FakeVersion(f"v{number}", value, ["SYSCURRENT"], CREATED_MS + number * 60000))

    def throttle(self, count: int) -> None:
        self._throttled = count

    def value_requests(self) -> list[Recorded]:
        """ShowSecretVersion calls: the only ones that return a value."""
        return [r for r in self.requests if "/versions/" in r.path]

    def calls(self, kind: str) -> list[Recorded]:
        return [r for r in self.requests if _kind(r.path) == kind]

    # --- the server ----------------------------------------------------------------------------

    def _handle(self, handler: JsonHandler) -> None:
        request_id = f"req-{next(self._ids):06d}"
        split = urlsplit(handler.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        with self._lock:
            self.requests.append(Recorded("GET", unquote(split.path), query))
        if self.latency:
            time.sleep(self.latency)

        def error(status: int, code: str, message: str) -> None:
            handler.send_json(status, {"error_code": code, "error_msg": message, "request_id": request_id},
                              {"X-Request-Id": request_id})

        problem = self._check_signature(handler, split.path, split.query)
        if problem is not None:
            return error(401, *problem)
        with self._lock:
            if self._throttled > 0:
                self._throttled -= 1
                return error(429, "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit")
        segments = split.path.split("/")  # raw: "/v1/<pid>/secrets/<name>/versions/<id>"
        if split.path == "/v3/projects":
            projects = [] if self.no_project else [{"id": self.project_id, "name": self.region}]
            projects += [{"id": f"{self.project_id[:-2]}{n:02d}", "name": self.region} for n in range(self.extra_projects)]
            matching = [p for p in projects if p["name"] == query.get("name")]
            return handler.send_json(200, {"projects": matching, "links": {"self": "https://iam/v3/projects"}},
                                     {"X-IAM-Trace-Id": request_id})
        if len(segments) < 4 or segments[1] != "v1" or segments[3] != "secrets":
            return error(404, "APIGW.0101", "The API does not exist or has not been published in the environment")
        if segments[2] != self.project_id or handler.headers.get("X-Project-Id") != self.project_id:
            return error(403, "CSMS.0403", "The project id does not match the credential")
        rest = [unquote(s) for s in segments[4:]]
        if not rest:
            return handler.send_json(200, self._list_secrets(query), {"X-Request-Id": request_id})
        secret = self.secrets.get(rest[0])
        if rest[0] in self.denied:
            return error(403, "CSMS.0403", f"No permission to access secret {rest[0]}")
        if secret is None:
            return error(404, "CSMS.0404", f"The secret {rest[0]} does not exist")
        if len(rest) == 1:
            return handler.send_json(200, {"secret": _secret_json(secret)}, {"X-Request-Id": request_id})
        if len(rest) == 2 and rest[1] == "versions":
            return handler.send_json(200, self._list_versions(secret, query), {"X-Request-Id": request_id})
        if len(rest) == 3 and rest[1] == "versions":
            version_id = rest[2]
            if version_id == "":
                return error(400, "CSMS.0400", "Invalid parameter: version_id is empty")
            version = next((v for v in secret.versions if v.id == version_id or
                            (version_id == "latest" and "SYSCURRENT" in v.stages)), None)
            if version is None:
                return error(404, "CSMS.0404", f"The version {version_id} of secret {secret.name} does not exist")
            body: dict[str, object] = {"version_metadata": _version_json(secret, version)}
            if version.value is None:
                body["secret_binary"] = "AAEC"
            else:
                body["secret_string"] = version.value
            return handler.send_json(200, {"version": body}, {"X-Request-Id": request_id})
        return error(404, "APIGW.0101", "The API does not exist or has not been published in the environment")

    def _list_secrets(self, query: dict[str, str]) -> dict[str, object]:
        names = list(self.secrets)
        page, next_marker = _page(names, query)
        return {
            "secrets": [_secret_json(self.secrets[n]) for n in page],
            "page_info": {"next_marker": next_marker, "previous_marker": None, "current_count": len(page)},
        }

    def _list_versions(self, secret: FakeSecret, query: dict[str, str]) -> dict[str, object]:
        ids = [v.id for v in secret.versions]
        page, next_marker = _page(ids, query)
        by_id = {v.id: v for v in secret.versions}
        return {
            "version_metadatas": [_version_json(secret, by_id[i]) for i in page],
            "page_info": {"next_marker": next_marker, "previous_marker": None, "current_count": len(page)},
        }

    def _check_signature(self, handler: JsonHandler, raw_path: str, raw_query: str) -> tuple[str, str] | None:
        """API Gateway's AK/SK check, recomputed from the request as received."""
        auth = handler.headers.get("Authorization", "")
        algorithm, _, params = auth.partition(" ")
        fields = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        if algorithm != ALGORITHM or not {"Access", "SignedHeaders", "Signature"} <= fields.keys():
            return "APIGW.0301", "Incorrect IAM authentication information: Authorization format is incorrect"
        if fields["Access"] != self.access_key:
            return "APIGW.0101", "Incorrect IAM authentication information: AK access failed to be obtained"
        stamp = handler.headers.get("X-Sdk-Date", "")
        try:
            moment = datetime.strptime(stamp, DATE_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            return "APIGW.0301", "Incorrect IAM authentication information: x-sdk-date is invalid"
        if abs(datetime.now(UTC) - moment) > CLOCK_SKEW:
            return "APIGW.0301", "Incorrect IAM authentication information: request expired"
        signed = fields["SignedHeaders"].split(";")
        headers = {name.lower(): value.strip() for name, value in handler.headers.items()}
        if "host" not in signed or any(name not in headers for name in signed):
            return "APIGW.0301", "Incorrect IAM authentication information: signed headers are missing"
        segments = [quote(unquote(s), safe="~") for s in raw_path.split("/")]
        uri = "/".join(segments)
        uri = uri if uri.endswith("/") else uri + "/"
        pairs = sorted(parse_qsl(raw_query, keep_blank_values=True))
        canonical_query = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in pairs)
        canonical = "\n".join([
            handler.command, uri, canonical_query,
            "".join(f"{name}:{headers[name]}\n" for name in signed),
            ";".join(signed), hashlib.sha256(handler.read_body()).hexdigest(),
        ])
        to_sign = f"{ALGORITHM}\n{stamp}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        expected = hmac.new(self.secret_key.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, fields["Signature"]):
            return "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail"
        return None


def _page(items: list[str], query: dict[str, str]) -> tuple[list[str], str | None]:
    limit = int(query.get("limit") or 50)  # CSMS's default page size
    start = items.index(query["marker"]) + 1 if query.get("marker") in items else 0
    page = items[start:start + limit]
    more = start + limit < len(items)
    return page, (page[-1] if more and page else None)


def _secret_json(secret: FakeSecret) -> dict[str, object]:
    return {
        "id": f"id-{secret.name}",
        "name": secret.name,
        "state": secret.state,
        "kms_key_id": "kms-key-1",
        "description": "",
        "create_time": secret.created_ms,
        "update_time": secret.created_ms,
        "scheduled_delete_time": 0,
        "secret_type": "COMMON",
    }


def _version_json(secret: FakeSecret, version: FakeVersion) -> dict[str, object]:
    return {
        "id": version.id,
        "create_time": version.created_ms,
        "kms_key_id": "kms-key-1",
        "secret_name": secret.name,
        "version_stages": list(version.stages),
    }


def _kind(path: str) -> str:
    parts = path.split("/")
    if path == "/v3/projects":
        return "ListProjects"
    if len(parts) == 4:
        return "ListSecrets"
    if len(parts) == 5:
        return "ShowSecret"
    if len(parts) == 6:
        return "ListSecretVersions"
    return "ShowSecretVersion"
