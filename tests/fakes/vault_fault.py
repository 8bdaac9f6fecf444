"""A small Vault HTTP server for what a real OpenBao cannot easily do: injected errors, delays, and
counting every request.

Two modes:
- fake: an in-memory KV v2 mount speaking Vault's wire shape (GET data/, LIST metadata/, GET metadata/,
  sys/internal/ui/mounts), answering 403 to a wrong X-Vault-Token;
- proxy (`upstream=`): forwards every request to a real Vault, adding `delay` seconds first.
Either way every request is recorded, and `fail(...)` makes matching requests answer an error.
Plain HTTP on 127.0.0.1, port chosen by the OS.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # with the query string
    token: str | None  # the X-Vault-Token header
    headers: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass
class Fault:
    status: int  # 0: answer normally (after `delay`)
    errors: list[str] = field(default_factory=list)
    body: bytes | None = None  # sent instead of {"errors": errors}
    delay: float = 0.0  # seconds to wait before answering
    method: str | None = None  # only this HTTP method ("GET", "LIST"); None = all
    path_contains: str = ""


class VaultFault:
    def __init__(
        self,
        secrets: dict[str, dict] | None = None,
        *,
        mount: str = "secret",
        token: str = "root",
        upstream: str | None = None,
        delay: float = 0.0,
    ) -> None:
        self.secrets = dict(secrets or {})  # path under the mount -> data, e.g. {"dapr/db": {"pw": "x"}}
        self.mount = mount
        self.token = token
        self.upstream = upstream  # "http://127.0.0.1:8200": proxy mode
        self.delay = delay  # added to every request
        self.faults: list[Fault] = []
        self.requests: list[Recorded] = []
        self.max_in_flight = 0  # most requests being served at the same time
        self._in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="vault-fault", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> VaultFault:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> VaultFault:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail(self, status: int, errors: list[str] | None = None, **match: object) -> Fault:
        fault = Fault(status, errors if errors is not None else [], **match)  # type: ignore[arg-type]
        self.faults.append(fault)
        return fault

    def slow(self, delay: float, **match: object) -> Fault:
        """Matching requests answer normally, `delay` seconds late."""
        return self.fail(0, delay=delay, **match)

    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = 0
        self.faults.clear()

    def matching_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if (fault.method in (None, method)) and fault.path_contains in path:
                return fault
        return None

    # --- the in-memory KV v2 mount ---

    def answer(self, method: str, path: str, token: str | None) -> tuple[int, dict]:
        if token != self.token:
            return 403, {"errors": ["permission denied"]}
        url = urlsplit(path)
        if url.path == f"/v1/sys/internal/ui/mounts/{self.mount}":
            return 200, {"data": {"type": "kv", "path": f"{self.mount}/", "options": {"version": "2"}}}
        data_prefix, metadata_prefix = f"/v1/{self.mount}/data/", f"/v1/{self.mount}/metadata"
        if method == "GET" and url.path.startswith(data_prefix):
            return self._read(url.path.removeprefix(data_prefix), parse_qs(url.query).get("version", ["0"])[0])
        if method == "LIST" and url.path.startswith(metadata_prefix):
            return self._list(url.path.removeprefix(metadata_prefix).strip("/"))
        if method == "GET" and url.path.startswith(metadata_prefix + "/"):
            name = url.path.removeprefix(metadata_prefix + "/")
            if name not in self.secrets:
                return 404, {"errors": []}
            created = "2026-01-01T00:00:00.000000001Z"
            return 200, {
                "data": {
                    "current_version": 1,
                    "created_time": created,
                    "updated_time": created,
                    "versions": {"1": {"created_time": created, "deletion_time": "", "destroyed": False}},
                }
            }
        return 404, {"errors": [f'no handler for route "{url.path.removeprefix("/v1/")}". route entry not found.']}

    def _read(self, name: str, version: str) -> tuple[int, dict]:
        if name not in self.secrets or version not in ("", "0", "1"):
            return 404, {"errors": []}
        metadata = {"created_time": "2026-01-01T00:00:00Z", "deletion_time": "", "destroyed": False, "version": 1}
        return 200, {"request_id": "fake", "data": {"data": self.secrets[name], "metadata": metadata}}

    def _list(self, folder: str) -> tuple[int, dict]:
        prefix = f"{folder}/" if folder else ""
        keys: set[str] = set()
        for name in self.secrets:
            if name.startswith(prefix):
                head, slash, _ = name.removeprefix(prefix).partition("/")
                keys.add(head + slash)
        if not keys:
            return 404, {"errors": []}
        return 200, {"data": {"keys": sorted(keys)}}


def _compact(value: object) -> bytes:
    """JSON the way Vault (Go) writes it: no spaces."""
    return json.dumps(value, separators=(",", ":")).encode()


def _handler_for(vault: VaultFault) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like Vault
        disable_nagle_algorithm = True  # headers and body go out in two writes: don't wait 40 ms between them

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
            pass

        def handle_one_request(self) -> None:
            """Every verb (GET, LIST, ...) lands here instead of a do_VERB method per verb."""
            try:
                self.raw_requestline = self.rfile.readline(65537)
                if not self.raw_requestline or not self.parse_request():
                    self.close_connection = True
                    return
                self._serve()
                self.wfile.flush()
            except (ConnectionError, TimeoutError):
                self.close_connection = True

        def _serve(self) -> None:
            token = self.headers.get("X-Vault-Token")
            vault.record(Recorded(self.command, self.path, token, dict(self.headers.items())))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fault = vault.matching_fault(self.command, self.path)
            vault.enter()
            try:
                time.sleep(vault.delay + (fault.delay if fault else 0.0))
                if fault is not None and fault.status:
                    self._send(fault.status, fault.body or _compact({"errors": fault.errors}))
                elif vault.upstream:
                    self._send(*self._forward(token, body))
                else:
                    status, answer = vault.answer(self.command, self.path, token)
                    self._send(status, _compact(answer))
            finally:
                vault.leave()

        def _forward(self, token: str | None, body: bytes) -> tuple[int, bytes]:
            upstream = urlsplit(vault.upstream)
            connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
            try:
                headers = {"X-Vault-Request": "true", **({"X-Vault-Token": token} if token else {})}
                connection.request(self.command, self.path, body=body or None, headers=headers)
                answer = connection.getresponse()
                return answer.status, answer.read()
            finally:
                connection.close()

        def _send(self, status: int, payload: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (ConnectionError, TimeoutError):
                self.close_connection = True  # the client gave up (a timeout test)

    return Handler
