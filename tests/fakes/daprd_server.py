"""A local HTTP server that speaks a running daprd's metadata and secrets API, from the published
shapes (dapr:pkg/api/http/metadata.go metadataResponse, secrets.go, middlewares.go, and the answers
of dapr-behaviour.md §4), so the sidecar mode is tested over a real socket.

- `GET /v1.0/metadata`: `id`, `runtimeVersion`, `enabledFeatures`, `components[]` with `name`,
  `type`, `version`, `capabilities`; `dapr_version` picks which fields exist ("1.18" all of them,
  "1.4" only id, actors, extended and components without capabilities, as old sidecars sent).
- `GET /v1.0/secrets/{store}/bulk` and `/{store}/{name}`: routed on path.Clean(EscapedPath) and
  the segment decoded once (CleanPathMiddleware); 500 ERR_SECRET_STORES_NOT_CONFIGURED, 401
  ERR_SECRET_STORE_NOT_FOUND, 403 ERR_PERMISSION_DENIED, 500 ERR_SECRET_GET, 204 for nil, bulk
  silently without denied names.
- With `token` set, every API call needs header `dapr-api-token`, else `invalid api token` 401 text
  (APITokenAuthMiddleware; /v1.0/healthz excepted).
"""

from __future__ import annotations

import json
import posixpath
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote


@dataclass
class FakeDaprd:
    app_id: str = "orders"
    dapr_version: str = "1.18"
    # name -> (type, version, capabilities)
    components: dict[str, tuple[str, str, tuple[str, ...]]] = field(default_factory=dict)
    # store -> secret name -> {key: value}; a value of None answers a nil map (204)
    secrets: dict[str, dict[str, dict[str, str] | None]] = field(default_factory=dict)
    denied: dict[str, set[str]] = field(default_factory=dict)  # store -> names its scopes deny
    failing: dict[str, str] = field(default_factory=dict)  # store -> the store error text
    token: str | None = None
    port: int = 0  # 0: any free port
    requests: list[tuple[str, dict[str, str], str | None]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeDaprd:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeDaprd:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- the API

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        raw_path, _, query = request.path.partition("?")
        path = posixpath.normpath(raw_path) if raw_path not in ("", "/") else raw_path
        metadata = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            if key.startswith("metadata."):
                metadata.setdefault(key[len("metadata."):], value)
        self.requests.append((path, metadata, request.headers.get("dapr-api-token")))
        if self.token and request.headers.get("dapr-api-token") != self.token and path != "/v1.0/healthz":
            return _send(request, 401, b"invalid api token\n", "text/plain; charset=utf-8")
        segments = path.strip("/").split("/")
        if segments == ["v1.0", "metadata"]:
            return _send_json(request, 200, self._metadata())
        if len(segments) == 4 and segments[:2] == ["v1.0", "secrets"]:
            store, name = unquote(segments[2]), segments[3]
            if name == "bulk":
                return self._bulk(request, store)
            return self._get(request, store, unquote(name))
        _send(request, 404, b"404 page not found\n", "text/plain; charset=utf-8")

    def _metadata(self) -> dict:
        components = []
        for name, (kind, version, capabilities) in self.components.items():
            entry = {"name": name, "type": kind}
            if version:
                entry["version"] = version
            if capabilities and self.dapr_version != "1.4":
                entry["capabilities"] = list(capabilities)
            components.append(entry)
        body: dict = {"id": self.app_id, "components": components}
        if self.dapr_version == "1.4":
            body.update({"actors": [], "extended": {}})
        else:
            body.update({"runtimeVersion": self.dapr_version + ".3", "enabledFeatures": ["SchedulerReminders"]})
        return body

    def _store_error(self, request: BaseHTTPRequestHandler, store: str) -> bool:
        if not any(kind.startswith("secretstores.") for kind, _, _ in self.components.values()):
            _send_json(request, 500, {"errorCode": "ERR_SECRET_STORES_NOT_CONFIGURED", "message": "secret store is not configured"})
            return True
        if store not in self.secrets and store not in self.failing:
            _send_json(
                request, 401, {"errorCode": "ERR_SECRET_STORE_NOT_FOUND", "message": f"failed finding secret store with key {store}"}
            )
            return True
        return False

    def _get(self, request: BaseHTTPRequestHandler, store: str, name: str) -> None:
        if self._store_error(request, store):
            return
        if name in self.denied.get(store, set()):
            return _send_json(
                request, 403,
                {
                    "errorCode": "ERR_PERMISSION_DENIED",
                    "message": f"access denied by policy to get {json.dumps(name)} from {json.dumps(store)}",
                },
            )
        if store in self.failing:
            return _send_json(
                request, 500,
                {
                    "errorCode": "ERR_SECRET_GET",
                    "message": f"failed getting secret with key {name} from secret store {store}: {self.failing[store]}",
                },
            )
        value = self.secrets[store].get(name)
        if value is None:
            return _send(request, 204, b"", None)
        _send_json(request, 200, value)

    def _bulk(self, request: BaseHTTPRequestHandler, store: str) -> None:
        if self._store_error(request, store):
            return
        if store in self.failing:
            return _send_json(
                request, 500,
                {"errorCode": "ERR_SECRET_GET", "message": f"failed getting secrets from secret store {store}: {self.failing[store]}"},
            )
        denied = self.denied.get(store, set())
        _send_json(request, 200, {k: v for k, v in self.secrets[store].items() if k not in denied and v is not None})


def _send_json(request: BaseHTTPRequestHandler, status: int, body: object) -> None:
    _send(request, status, json.dumps(body, separators=(",", ":")).encode() + b"\n", "application/json")  # Go encoding/json: compact


def _send(request: BaseHTTPRequestHandler, status: int, payload: bytes, content_type: str | None) -> None:
    request.send_response(status)
    if content_type:
        request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(payload)))
    request.end_headers()
    request.wfile.write(payload)


def demo_sidecar(port: int = 0) -> FakeDaprd:
    """A sidecar for app `orders` that has drifted from the demo folder (`make run`): the value of
    demo-file's `redis:password` rotated, `audit-log` not loaded, a cron binding the files do not
    have, and its secret scopes deny `api:orders-key`. For the drift screenshot."""
    import os

    from dapr_secrets.backends.runtime import Runtime, RuntimeOptions

    demo = Runtime.load(RuntimeOptions(
        resources_paths=("examples/components",), config_files=("examples/config.yaml",), app_id="orders",
        env={"DEMO_API_TOKEN": "demo-token-not-real", "DEMO_SMTP_PASSWORD": "demo-smtp-password-not-real"}, cwd=os.getcwd(),
    ))
    demo.start()
    components = {
        c.name: (c.type, c.version, ())
        for c in demo.components
        if c.name != "audit-log" and demo.status(c.name).state.value in ("ready", "degraded", "unsupported")
    }
    components["nightly-report"] = ("bindings.cron", "v1", ())
    secrets = {name: dict(demo.api_bulk(name).body or {}) for name, (kind, _, _) in components.items() if kind == "secretstores.local.file"}
    secrets["demo-file"]["redis:password"] = {"redis:password": "rotated-demo-password"}
    demo.close()
    return FakeDaprd(components=components, secrets=secrets, denied={"demo-file": {"api:orders-key"}}, port=port)
