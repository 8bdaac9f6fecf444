"""A local Alibaba Cloud OOS (encrypted "secret parameters" only), over plain HTTP on 127.0.0.1, for
the real alibabacloud-oos20190601 client (dapr-cloud-stores.md §5 L2, §9.3).

Faithful where the store depends on it:
- the wire: `POST /` with the parameters in the query string and the action in `x-acs-action`,
  `x-acs-version: 2019-06-01`; JSON replies shaped like the published API;
- the signature: `Authorization: ACS3-HMAC-SHA256 Credential=<ak>,SignedHeaders=...,Signature=...`
  is recomputed from the canonical request (method, path, sorted query, signed headers, payload hash)
  with the registered secret; an unknown key answers `InvalidAccessKeyId.NotFound`, an empty one
  `MissingAccessKeyId`, a wrong secret `SignatureDoesNotMatch` (the cloud's codes);
- paging: `MaxResults` (GetSecretParametersByPath 1-10, default 10; the List APIs 10-100, default 50)
  and `NextToken`, omitted on the last page (Dapr's loop stops only then);
- paths: `Path` "/" is the root (every name); another path matches names that start with it, and
  `Recursive=false` keeps only direct children;
- versions: `ParameterVersion` picks one, else the latest; values only with `WithDecryption=true`;
- faults: RAM denial per action and name (403 `Forbidden.RAM`), throttling for the next n calls
  (400 `Throttling.User`), added latency.
Every request is recorded so tests can assert paging and that no value was read.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

from tests.fakes.keyvault_server import JsonHandler

API_VERSION = "2019-06-01"
CREATED = "2026-01-02T03:04:05Z"
_AUTH = re.compile(r"ACS3-HMAC-SHA256 Credential=(?P<ak>[^,]*),SignedHeaders=(?P<signed>[^,]*),Signature=(?P<sig>[0-9a-f]*)\Z")
VALUE_ACTIONS = {"GetSecretParameter", "GetSecretParametersByPath", "GetSecretParameters"}


def _true(text: str | None) -> bool:
    """Booleans in the query: the Go SDK sends "true", the Python one "True"; the API takes both."""
    return (text or "").lower() == "true"


@dataclass
class Parameter:
    name: str
    values: list[str]  # version n is values[n - 1]
    description: str = ""
    key_id: str = "default"


@dataclass(frozen=True)
class Request:
    action: str
    query: dict[str, str]
    access_key_id: str  # "" when the request was refused before that
    security_token: str = ""  # the STS token header, when one was sent


@dataclass
class OosServer:
    keys: dict[str, str] = field(default_factory=lambda: {"LTAI5tFakeAccessKey01": "fake-secret-0001"})
    parameters: dict[str, Parameter] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    latency: float = 0.0  # seconds added to every answer
    denied: set[tuple[str, str]] = field(default_factory=set)  # (action, name or "*")
    aliases: dict[str, str] = field(default_factory=dict)  # requested name -> stored name
    _throttled: int = 0
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # --- set-up ---------------------------------------------------------------------------------

    def add(self, name: str, *values: str, description: str = "") -> None:
        """An encrypted parameter with one version per value (the last is the latest)."""
        self.parameters[name] = Parameter(name, list(values), description)

    def rename_on_read(self, requested: str, returned: str) -> None:
        """Answer a read of `requested` with the parameter stored as `returned` (the service resolves
        names itself, e.g. a shared parameter's ARN-style name, and returns its own name)."""
        self.aliases[requested] = returned

    def deny(self, action: str, name: str = "*") -> None:
        self.denied.add((action, name))

    def throttle(self, count: int) -> None:
        self._throttled = count

    def calls(self, action: str) -> list[Request]:
        return [r for r in self.requests if r.action == action]

    def value_requests(self) -> list[Request]:
        """Requests that returned (or would have returned) a decrypted value."""
        return [
            r for r in self.requests
            if r.action in VALUE_ACTIONS
            or (r.action == "ListSecretParameterVersions" and _true(r.query.get("WithDecryption")))
        ]

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return f"127.0.0.1:{self._server.server_address[1]}"

    # --- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> OosServer:
        fake = self

        class Handler(JsonHandler):
            def setup(self) -> None:  # plain HTTP: no TLS handshake
                BaseHTTPRequestHandler.setup(self)

            def do_POST(self) -> None:
                fake._handle(self)

            do_GET = do_POST

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-oos", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    # --- the API --------------------------------------------------------------------------------

    def _handle(self, handler: JsonHandler) -> None:
        url = urlsplit(handler.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        body = handler.read_body()
        action = handler.headers.get("x-acs-action", "")
        if self.latency:
            time.sleep(self.latency)
        request_id = f"0000-{next(self._ids):06d}"
        key, error = self._authenticate(handler, url.path or "/", url.query, body)
        with self._lock:
            self.requests.append(Request(action, query, key or "", handler.headers.get("x-acs-security-token", "")))
            throttled = self._throttled > 0
            self._throttled -= throttled
        if error is None and throttled:
            error = (400, "Throttling.User", "Request was denied due to user flow control.")
        if error is None and handler.headers.get("x-acs-version") != API_VERSION:
            error = (400, "InvalidVersion", "Specified parameter Version is not valid.")
        if error is None:
            status, answer = self._answer(action, query)
        else:
            status, answer = error[0], {"Code": error[1], "Message": error[2]}
        if status >= 400:
            answer["HostId"] = "oos.cn-hangzhou.aliyuncs.com"
        answer["RequestId"] = request_id
        handler.send_json(status, answer)

    def _authenticate(self, handler: JsonHandler, path: str, raw_query: str, body: bytes) -> tuple[str | None, tuple | None]:
        match = _AUTH.match(handler.headers.get("Authorization", ""))
        if match is None:
            return None, (400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
        key = match["ak"]
        if key == "":
            return None, (400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action.")
        if key not in self.keys:
            return None, (404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        payload = hashlib.sha256(body).hexdigest()
        if handler.headers.get("x-acs-content-sha256", "") != payload:
            return key, (400, "SignatureDoesNotMatch", "The payload hash does not match.")
        signed = match["signed"].split(";")
        query = sorted(parse_qsl(raw_query, keep_blank_values=True))
        canonical_query = "&".join(f"{k}={quote(v, safe='~')}" for k, v in query)
        headers = "".join(f"{name}:{(handler.headers.get(name) or '').strip()}\n" for name in signed)
        canonical = f"{handler.command}\n{path}\n{canonical_query}\n{headers}\n{';'.join(signed)}\n{payload}"
        to_sign = f"ACS3-HMAC-SHA256\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        expected = hmac.new(self.keys[key].encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, match["sig"]) or "x-acs-action" not in signed or "host" not in signed:
            return key, (400, "SignatureDoesNotMatch",
                         "The request signature we calculated does not match the signature you provided. "
                         "Check your key and signing method.")
        return key, None

    def _denial(self, action: str, name: str) -> tuple[int, dict] | None:
        if (action, name) in self.denied or (action, "*") in self.denied:
            message = f"User not authorized to operate on the specified resource, or this API doesn't support RAM. (oos:{action})"
            return 403, {"Code": "Forbidden.RAM", "Message": message}
        return None

    def _answer(self, action: str, query: dict[str, str]) -> tuple[int, dict]:
        handler = {
            "GetSecretParameter": self._get,
            "GetSecretParametersByPath": self._by_path,
            "ListSecretParameters": self._list,
            "ListSecretParameterVersions": self._versions,
        }.get(action)
        if handler is None:
            message = f"Specified api is not found, please check your url and method ({action})."
            return 400, {"Code": "InvalidAction.NotFound", "Message": message}
        return handler(query)

    def _find(self, action: str, name: str) -> tuple[Parameter | None, tuple[int, dict] | None]:
        denial = self._denial(action, name)
        if denial:
            return None, denial
        parameter = self.parameters.get(self.aliases.get(name, name))
        if parameter is None:
            return None, (404, {"Code": "EntityNotExists.Parameter", "Message": f"The Parameter ({name}) does not exist."})
        return parameter, None

    def _get(self, query: dict[str, str]) -> tuple[int, dict]:
        parameter, error = self._find("GetSecretParameter", query.get("Name", ""))
        if error:
            return error
        version = int(query["ParameterVersion"]) if "ParameterVersion" in query else len(parameter.values)
        if not 1 <= version <= len(parameter.values):
            return 404, {"Code": "EntityNotExists.ParameterVersion", "Message": f"The ParameterVersion ({version}) does not exist."}
        shown = self._shape(parameter, version, _true(query.get("WithDecryption")))
        return 200, {"Parameter": shown}

    def _shape(self, parameter: Parameter, version: int, decrypt: bool) -> dict:
        shown = {"Name": parameter.name, "Type": "Secret", "ParameterVersion": version, "Description": parameter.description,
                 "KeyId": parameter.key_id, "CreatedDate": CREATED, "UpdatedDate": CREATED}
        if decrypt:
            shown["Value"] = parameter.values[version - 1]
        return shown

    def _under(self, path: str, recursive: bool) -> list[Parameter]:
        names = sorted(self.parameters)
        if path != "/":
            names = [n for n in names if n.startswith(path)]
            if not recursive:
                names = [n for n in names if "/" not in n[len(path):].strip("/")]
        return [self.parameters[n] for n in names]

    def _page(self, items: list, query: dict[str, str], low: int, high: int, default: int) -> tuple[list, dict] | tuple[int, dict]:
        size = int(query.get("MaxResults") or default)
        if not low <= size <= high:
            return 400, {"Code": "InvalidParameter.MaxResults", "Message": f"MaxResults must be between {low} and {high}."}
        start = int(query.get("NextToken") or 0)
        page = items[start:start + size]
        more = {"NextToken": str(start + size)} if start + size < len(items) else {}
        return page, {"MaxResults": size, **more}

    def _by_path(self, query: dict[str, str]) -> tuple[int, dict]:
        denial = self._denial("GetSecretParametersByPath", "*")
        if denial:
            return denial
        items = self._under(query.get("Path", ""), _true(query.get("Recursive")))
        paged = self._page(items, query, 1, 10, 10)
        if isinstance(paged[0], int):
            return paged  # type: ignore[return-value]
        page, extra = paged
        decrypt = _true(query.get("WithDecryption"))
        return 200, {"Parameters": [self._shape(p, len(p.values), decrypt) for p in page], **extra}

    def _list(self, query: dict[str, str]) -> tuple[int, dict]:
        denial = self._denial("ListSecretParameters", "*")
        if denial:
            return denial
        items = self._under(query.get("Path", "/") or "/", _true(query.get("Recursive")))
        paged = self._page(items, query, 10, 100, 50)
        if isinstance(paged[0], int):
            return paged  # type: ignore[return-value]
        page, extra = paged
        return 200, {"Parameters": [self._shape(p, len(p.values), False) for p in page], **extra}

    def _versions(self, query: dict[str, str]) -> tuple[int, dict]:
        parameter, error = self._find("ListSecretParameterVersions", query.get("Name", ""))
        if error:
            return error
        decrypt = _true(query.get("WithDecryption"))
        numbers = list(range(len(parameter.values), 0, -1))
        paged = self._page(numbers, query, 10, 100, 50)
        if isinstance(paged[0], int):
            return paged  # type: ignore[return-value]
        page, extra = paged
        rows = []
        for number in page:
            row = {"ParameterVersion": number, "UpdatedDate": CREATED, "UpdatedBy": "root"}
            if decrypt:
                row["Value"] = parameter.values[number - 1]
            rows.append(row)
        return 200, {"Name": parameter.name, "Type": "Secret", "Description": parameter.description, "CreatedDate": CREATED,
                     "CreatedBy": "root", "TotalCount": len(numbers), "ParameterVersions": rows, **extra}
