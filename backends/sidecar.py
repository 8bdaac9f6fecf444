"""A running Dapr sidecar, asked over its HTTP API (issue #18): which components it loaded
(`GET /v1.0/metadata`) and what its secrets API answers, exactly as the app would be answered.

Everything the sidecar sends is untrusted input: bodies are size-limited, every call has a
timeout, and errors say what to do in our own words (never echoing a body that might hold a value).
The standard library's HTTP client is enough here and keeps start-up free of another import.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from dapr_secrets.backends.base import (
    DEFAULT_TIMEOUT,
    AccessDenied,
    SecretEntry,
    SecretNotFound,
    SecretStore,
    StoreContext,
    StoreError,
    StoreTimeout,
    StoreUnreachable,
)
from dapr_secrets.backends.resources import LoadedResources
from dapr_secrets.backends.runtime import DOCTOR_DEADLINE, ApiResponse, ComponentStatus, Runtime, RuntimeOptions, State
from dapr_secrets.components.model import Component, Configuration, Diagnostic, Reference, ScopeDecision, Severity, Source

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_BODY = 64 * 1024 * 1024  # a bulk answer of a big store fits; a runaway one is cut off
TOKEN_ENV = "DAPR_API_TOKEN"  # the variable the Dapr SDKs and CLI read for the dapr-api-token header
TOKEN_HEADER = "dapr-api-token"  # dapr:pkg/security/consts APITokenHeader


@dataclass(frozen=True)
class SidecarComponent:
    name: str
    type: str
    version: str = ""
    capabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class SidecarInfo:
    """The parts of `GET /v1.0/metadata` this tool uses. Older Dapr versions omit some fields
    (`runtimeVersion` since 1.10, `capabilities` since 1.5); they read as empty."""

    app_id: str
    runtime_version: str
    components: tuple[SidecarComponent, ...]
    enabled_features: tuple[str, ...] = ()


@dataclass(frozen=True)
class SidecarAnswer:
    """One HTTP answer: status, the JSON body when there is one, the raw text otherwise."""

    status: int
    body: dict[str, Any] | None
    text: str


def api_path(*segments: str) -> str:
    """A `/v1.0/...` path that daprd decodes back to exactly these segments. daprd routes on
    path.Clean(r.URL.EscapedPath()) (CleanPathMiddleware) and decodes each segment once, so
    percent-encoding everything (`%` as `%25`, undecodable bytes as themselves) is exact; only a bare
    `.` or `..` would be removed by path.Clean, so those become `%2E` (dapr-behaviour.md §4 R3)."""
    from urllib.parse import quote

    def encode(segment: str) -> str:
        if segment in (".", ".."):
            return "%2E" * len(segment)
        return quote(segment.encode("utf-8", "surrogateescape"), safe="")

    return "/v1.0/" + "/".join(encode(s) for s in segments)


def secret_path(store: str, name: str) -> str:
    """GET one secret: a secret literally named `bulk` would hit the bulk route, so one of its
    letters is percent-encoded (`%62ulk`), which daprd decodes after routing (§4 R1)."""
    path = api_path("secrets", store, name)
    return path[: -len("bulk")] + "%62ulk" if name == "bulk" else path


class SidecarClient:
    def __init__(self, url: str, token: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StoreError(
                f"--sidecar needs an http:// or https:// address, got {url!r}",
                "e.g. --sidecar http://localhost:3500 (daprd's --dapr-http-port), after `kubectl port-forward` if needed",
            )
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def get(self, path: str, metadata: Mapping[str, str] | None = None) -> SidecarAnswer:
        """GET one API path; raises StoreError for anything that is not an HTTP answer."""
        import http.client
        import ssl
        import urllib.error
        import urllib.request
        from urllib.parse import urlencode

        query = urlencode({f"metadata.{k}": v for k, v in (metadata or {}).items()})
        request = urllib.request.Request(self.url + path + (f"?{query}" if query else ""))
        if self.token:
            request.add_header(TOKEN_HEADER, self.token)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) checked above
                return _answer(response.status, response.read(MAX_BODY + 1))
        except urllib.error.HTTPError as error:
            return _answer(error.code, error.read(MAX_BODY + 1))
        except TimeoutError:
            raise StoreTimeout(
                f"the sidecar at {self.url} did not answer within {self.timeout:g} s", "check that daprd is running and not stuck"
            ) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, ssl.SSLError):
                raise StoreUnreachable(
                    f"TLS with the sidecar at {self.url} failed ({type(error.reason).__name__})",
                    "daprd's HTTP API is plain HTTP unless you put TLS in front of it: try http://",
                ) from None
            if isinstance(error.reason, TimeoutError):
                raise StoreTimeout(f"the sidecar at {self.url} did not answer within {self.timeout:g} s") from None
            raise StoreUnreachable(
                f"cannot reach the sidecar at {self.url}",
                "start it (`dapr run ...`), or forward its port: kubectl port-forward pod/<pod> 3500:3500",
            ) from None
        except (http.client.HTTPException, OSError) as error:
            raise StoreUnreachable(f"the sidecar at {self.url} broke the connection ({type(error).__name__})") from None

    def metadata(self) -> SidecarInfo:
        answer = self.get("/v1.0/metadata")
        if answer.status == 401:
            raise AccessDenied(
                f"the sidecar at {self.url} refused the API token (HTTP 401)",
                f"pass the token daprd runs with: --dapr-api-token or {TOKEN_ENV}",
            )
        if answer.status != 200 or answer.body is None:
            raise StoreError(
                f"the sidecar at {self.url} answered GET /v1.0/metadata with HTTP {answer.status}, not Dapr's metadata",
                "check that the address is daprd's HTTP port (default 3500), not the app's",
            )
        return _parse_metadata(answer.body)


def _answer(status: int, raw: bytes) -> SidecarAnswer:
    if len(raw) > MAX_BODY:
        raise StoreError(f"the sidecar's answer is larger than {MAX_BODY:,} bytes; not read")
    text = raw.decode("utf-8", "replace")
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        body = None
    return SidecarAnswer(status, body if isinstance(body, dict) else None, text)


def _parse_metadata(body: dict[str, Any]) -> SidecarInfo:
    def text(value: object) -> str:
        return value if isinstance(value, str) else ""

    components = []
    for entry in body.get("components") or ():
        if isinstance(entry, dict) and text(entry.get("name")):
            capabilities = entry.get("capabilities") or ()
            components.append(
                SidecarComponent(
                    text(entry.get("name")),
                    text(entry.get("type")),
                    text(entry.get("version")),
                    tuple(c for c in capabilities if isinstance(c, str)) if isinstance(capabilities, list) else (),
                )
            )
    features = body.get("enabledFeatures") or ()
    return SidecarInfo(
        app_id=text(body.get("id")),
        runtime_version=text(body.get("runtimeVersion")),
        components=tuple(components),
        enabled_features=tuple(f for f in features if isinstance(f, str)) if isinstance(features, list) else (),
    )


def token_from(option: str | None, env: Mapping[str, str] | None = None) -> str | None:
    """--dapr-api-token, else DAPR_API_TOKEN, as the Dapr SDKs do."""
    env = os.environ if env is None else env
    return option or env.get(TOKEN_ENV) or None


class SidecarStore(SecretStore):
    """One secret store of a running sidecar, read through the secrets API. Names come from the
    bulk answer; its values are dropped as soon as the names are taken."""

    def __init__(self, name: str, client: SidecarClient, context: StoreContext) -> None:
        super().__init__(name, {}, context)
        self.client = client

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        answer = self.client.get(secret_path(self.name, name), metadata)
        if answer.status == 204:
            return None
        if answer.status == 200 and answer.body is not None:
            return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in answer.body.items()}
        raise _answer_error(answer, f"GET {name}")

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        answer = self.client.get(api_path("secrets", self.name, "bulk"), metadata)
        if answer.status == 204:
            return None
        if answer.status == 200 and answer.body is not None:
            return {
                str(name): {str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {}
                for name, keys in answer.body.items()
            }
        raise _answer_error(answer, "bulk")

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        secrets = self.bulk_get({}) or {}
        names = sorted(secrets)
        del secrets  # values are never kept for a listing
        yield [SecretEntry(name) for name in names]

    def identity(self) -> str:
        token = "with a dapr-api-token" if self.client.token else "without an API token"
        return f"the sidecar at {self.client.url}, {token}"


def _answer_error(answer: SidecarAnswer, what: str) -> StoreError:
    """Dapr's own error body (errorCode: message); its message names keys and stores, never values."""
    if answer.body is not None and "errorCode" in answer.body:
        message = f"{answer.body.get('errorCode')}: {answer.body.get('message', '')} (HTTP {answer.status})"
    elif answer.status == 401:
        message = "the sidecar refused the API token (HTTP 401)"
    else:
        message = f"the sidecar answered {what} with HTTP {answer.status}"
    if answer.status == 403:
        return AccessDenied(message, "the sidecar's secret scopes deny this secret to the app")
    if answer.status == 401:
        return AccessDenied(message, f"pass the token daprd runs with: --dapr-api-token or {TOKEN_ENV}")
    if answer.status == 404:
        return SecretNotFound(message)
    return StoreError(message)


# ----- the sidecar as a runtime: the TUI and the CLI use it where they use the file prediction


class SidecarRuntime(Runtime):
    """What a running sidecar loaded and answers. Nothing here is predicted: components come from
    its metadata API, names and values from its secrets API, errors are its own bodies."""

    def __init__(self, options: RuntimeOptions, client: SidecarClient) -> None:
        self.client = client
        self.info = client.metadata()
        self._prediction = options.replace(sidecar_url=None)  # the files, for drift
        options = options.replace(resources_paths=(), sidecar_url=client.url, app_id=options.app_id or self.info.app_id or None)
        super().__init__(options, _components(self.info, client.url))

    def prediction_options(self) -> RuntimeOptions:
        """How to read the files (or the cluster) whose prediction drift compares with this sidecar."""
        return self._prediction

    def refresh(self) -> None:
        self.close()
        self.info = self.client.metadata()
        self._install(LoadedResources(_components(self.info, self.client.url), [], Configuration()))

    def _static_blocker(self, component: Component) -> ComponentStatus | None:
        return None  # the sidecar loaded it

    def _open_dependency_then(self, component: Component) -> ComponentStatus:
        capabilities = next((c.capabilities for c in self.info.components if c.name == component.name), ())
        if component.is_secret_store:
            context = StoreContext(env=self.options.daprd_env(), cwd=self.options.cwd or os.getcwd())
            with self._lock:
                self._stores[component.name] = SidecarStore(component.name, self.client, context)
        extra = f" (capabilities: {', '.join(capabilities)})" if capabilities else ""
        return ComponentStatus(State.READY, f"loaded by the sidecar{extra}")

    def references(self) -> list[Reference]:
        return []  # the metadata API does not show components' metadata items

    def scope_decision(self, store: str, secret: str) -> ScopeDecision:
        return ScopeDecision(True, "decided by the sidecar: a denied secret answers 403 when opened")

    def api_get(self, store: str, name: str, metadata: Mapping[str, str] | None = None) -> ApiResponse:
        return _api_response(self.client.get(secret_path(store, name), metadata))

    def api_bulk(self, store: str, metadata: Mapping[str, str] | None = None) -> ApiResponse:
        return _api_response(self.client.get(api_path("secrets", store, "bulk"), metadata))

    def doctor(self, deadline: float = DOCTOR_DEADLINE) -> list[Diagnostic]:
        """A running sidecar reports no problems of its own: check the files it was started from."""
        predicted = Runtime.load(self._prediction)
        try:
            found = predicted.doctor(deadline)
        finally:
            predicted.close()
        where = predicted.describe_source() or "the files"
        note = Diagnostic(
            Severity.INFO, "sidecar-mode",
            f"the problems below are predicted from {where}; the sidecar at {self.client.url} reports none of its own",
            "`dapr-secrets drift` (or Prediction vs sidecar in the palette) compares the two",
        )
        return [note, *found]

    def describe_source(self) -> str:
        version = self.info.runtime_version or "version not reported"
        return f"{self.client.url} (dapr {version})"


def _components(info: SidecarInfo, url: str) -> list[Component]:
    return [Component(c.name, c.type, c.version, source=Source(f"sidecar {url}")) for c in info.components]


def _api_response(answer: SidecarAnswer) -> ApiResponse:
    return ApiResponse(answer.status, answer.body, raw=answer.text)

