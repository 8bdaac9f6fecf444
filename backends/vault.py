"""`secretstores.hashicorp.vault`: reads Vault exactly the way Dapr's component does (dapr-behaviour.md §3.4).

Dapr speaks KV v2 over plain HTTP: `GET {vaultAddr}/v1/{enginePath}/data/{prefix}/{name}?version=N` for one
secret, and recursive `LIST {vaultAddr}/v1/{enginePath}/metadata/{prefix}/{folder}` for bulk. We send the
same requests through hvac's RawAdapter (so the raw body is ours to read, as Dapr reads it), with an
explicit TLS context built from the component's CA settings and a timeout on every call.

Beyond Dapr: `list_names` (one LIST per folder, no values), `describe` (KV v2 metadata), `diagnostics`
(KV v1 mounts, prefixes hiding secrets, values Dapr cannot decode), and the user's own token when the
component has none (`--vault-token-from-env`).
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import ssl
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from dapr_secrets.backends.base import (
    DEFAULT_TIMEOUT,
    AccessDenied,
    DaprdCrashes,
    LastChanged,
    SecretDetails,
    SecretEntry,
    SecretNotFound,
    SecretStore,
    SecretVersion,
    StoreContext,
    StoreError,
    StoreMisconfigured,
    StoreTimeout,
    StoreUnreachable,
    duplicate_property_error,
    is_truthy,
    property_lookup,
)
from dapr_secrets.components.model import Diagnostic, Severity

DEFAULT_ADDRESS = "https://127.0.0.1:8200"
DEFAULT_ENGINE_PATH = "secret"
DEFAULT_PREFIX = "dapr"
BULK_WORKERS = 16  # concurrent value reads in bulk_get / diagnostics (Dapr reads one at a time)
DIAGNOSTIC_SAMPLE = 50  # secrets whose values diagnostics() checks
DIAGNOSTIC_FOLDERS = 20  # LIST calls diagnostics() may make while collecting that sample
OWN_TOKEN_FILE = ".vault-token"  # in the user's home, as the Vault CLI writes it
RECENT_READ = 5.0  # seconds describe() trusts what the last GET saw, instead of reading the value again

_FALSE_WORDS = frozenset({"false", "f", "no", "n", "off", "0"})
_PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----\r?\n(.*?)-----END CERTIFICATE-----", re.S)
_T = TypeVar("_T")


@dataclass(frozen=True)
class _Missing:
    """A read Vault answered with 404: Dapr's GET fails with "not exist", its bulk skips the secret."""

    no_engine: bool  # Vault has no secrets engine mounted at enginePath at all


@dataclass(frozen=True)
class _Mount:
    """What `sys/internal/ui/mounts/<enginePath>` says about the mount Dapr will read."""

    type: str  # "kv", "generic", "cubbyhole", ...
    version: str  # "2" for KV v2, "1" otherwise

    @property
    def is_kv_v1(self) -> bool:
        return self.type in ("kv", "generic") and self.version != "2"


class VaultStore(SecretStore):
    hierarchical = True
    timeout: float = DEFAULT_TIMEOUT  # seconds per HTTP call; Dapr has none (tests shorten it)

    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        """Dapr's Init, in its order: metadata decoding, value type, token, prefix, TLS. No network."""
        super().__init__(name, properties, context)
        duplicate = duplicate_property_error(properties)
        if duplicate:
            raise duplicate
        self.address = _prop(properties, "vaultAddr") or DEFAULT_ADDRESS
        self.engine_path = _prop(properties, "enginePath") or DEFAULT_ENGINE_PATH
        self.value_type = _value_type(_prop(properties, "vaultValueType"))
        # Dapr's MULTIPLE_KEY_VALUES_PER_SECRET feature depends on the value type, so it is per store here.
        self.multi_valued = self.value_type == "map"  # type: ignore[misc]
        self._dapr_init_error = ""  # what daprd's Init says when we run on the user's own token
        token, self._token_source = self._token(properties)
        self.prefix = _prefix(properties)
        ssl_context, server_name = _tls_settings(properties, context.cwd)
        self._adapter = _http_adapter(self.address, token, ssl_context, server_name)
        self._mount_cache: _Mount | None = None
        self._mount_checked = False
        # What the last GET of a latest version saw: (name, when, key -> Go kind of each non-string
        # value). Key names and kinds only, never a value.
        self._last_kinds: tuple[str, float, dict[str, str]] | None = None

    # --- Dapr's GetSecret / BulkGetSecret ---------------------------------------------------------

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        version = metadata.get("version_id", "0")  # present but empty is passed on as ""
        data = self._read(name, version, remember=version == "0")
        if isinstance(data, _Missing):
            raise self._not_found(name, version, data)
        return data

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        """Dapr lists every folder first, then reads each secret, skipping 404s; any other error fails
        the whole bulk. We read concurrently but report exactly what the sequential loop would."""
        version = metadata.get("version_id", "0")  # present but empty is passed on as ""
        names = self._list_recursive("")
        results = self._in_order(lambda secret: self._read(secret, version), names)
        return {
            name: dict(data or {}) for name, data in zip(names, results, strict=True) if not isinstance(data, _Missing)
        }

    # --- Browsing --------------------------------------------------------------------------------

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        """One LIST of `folder` (relative to the prefix); folders end in "/". No value is read."""
        if folder and not folder.endswith("/"):
            folder += "/"
        kv_v1 = self._known_kv_v1()
        response = self._list_response(self._list_path(folder, kv_v1=kv_v1))
        if response.status_code == 404 and not folder and not kv_v1 and self._mount_is_kv_v1():
            kv_v1 = True
            response = self._list_response(self._list_path(folder, kv_v1=True))
        if response.status_code == 404 and not folder:
            # listKeysUnderPath: Dapr's bulk starts with this LIST and fails on its 404, so an empty
            # prefix is an error, not an empty store: say what bulk would.
            path = self._list_path("")
            raise StoreError(_list_failure(response), self._empty_list_hint(path, "", response))
        keys = None if response.status_code == 404 else _keys(response)
        if not keys:
            return
        note = "KV v1 mount: Dapr cannot read it" if kv_v1 else ""
        yield [
            SecretEntry(folder + key, is_folder=key.endswith("/"), note="" if key.endswith("/") else note)
            for key in keys
        ]

    def describe(self, name: str) -> SecretDetails:
        path = self._kv_path("metadata", name)
        response = self._request("GET", path)
        if response.status_code == 404:
            if self._mount_is_kv_v1():
                return SecretDetails(notes=(self._kv_v1_explanation(self._get_request(name)),))
            raise self._not_found(name, "0", _Missing(_no_engine(response)))
        if response.status_code != 200:
            raise self._status_error(
                f"couldn't read the metadata of {name}, status code {response.status_code}, "
                f"body {_error_body(response)}",
                response,
                f"read on {path.removeprefix('/v1/')}",
            )
        meta = _json_object(response.text).get("data") or {}
        versions = _versions(meta)
        notes = list(_deleted_latest_notes(versions, meta))
        if self.value_type == "map" and not notes:
            notes += self._non_string_notes(name)
        return SecretDetails(attributes=_metadata_attributes(meta), versions=versions, notes=tuple(notes),
                             last_changed=_last_changed(meta))

    def last_changed(self, name: str) -> LastChanged | None:
        # The metadata alone (describe may also read the value, for its map-mode notes).
        response = self._request("GET", self._kv_path("metadata", name))
        if response.status_code != 200:
            return self.describe(name).last_changed  # its errors say why
        return _last_changed(_json_object(response.text).get("data") or {})

    def diagnostics(self) -> list[Diagnostic]:
        findings = self._setting_findings()
        try:
            findings += self._content_findings()
        except StoreError as error:
            findings.append(self._finding(Severity.ERROR, f"vault-{error.kind}", error.message, error.hint))
        return findings

    def identity(self) -> str:
        return self._token_source

    def close(self) -> None:
        self._adapter.close()

    # --- Init helpers ----------------------------------------------------------------------------

    def _token(self, properties: Mapping[str, str]) -> tuple[str, str]:
        """Dapr's initVaultToken, then (only if the user opted in) their own Vault CLI token."""
        token = _prop(properties, "vaultToken")
        mount_path = _prop(properties, "vaultTokenMountPath")
        if token and mount_path:
            raise StoreMisconfigured(
                "token mount path and token both set", "keep only one of vaultToken and vaultTokenMountPath"
            )
        if token:
            return token, "token from vaultToken"
        if mount_path:
            try:
                raw = Path(self.context.cwd, mount_path).read_bytes()
                return raw.strip().decode("utf-8", "surrogateescape"), f"token from vaultTokenMountPath {mount_path}"
            except OSError as error:
                failure = (
                    f"couldn't read vault token from mount path {mount_path} err: {_go_file_error(mount_path, error)}"
                )
        else:
            failure = "token mount path and token not set"
        own = self._own_token() if self.context.vault_token_from_env else None
        if own is None:
            raise StoreMisconfigured(
                failure,
                "set vaultToken or vaultTokenMountPath in the component, or start dapr-secrets with "
                "--vault-token-from-env to browse with your own Vault token",
            )
        self._dapr_init_error = failure
        return own

    def _own_token(self) -> tuple[str, str] | None:
        token = self.context.env.get("VAULT_TOKEN", "").strip()
        if token:
            return token, "your own Vault token (VAULT_TOKEN), not the component's"
        try:
            token = (Path.home() / OWN_TOKEN_FILE).read_text(errors="surrogateescape").strip()
        except (OSError, RuntimeError):
            return None
        return (token, f"your own Vault token (~/{OWN_TOKEN_FILE}), not the component's") if token else None

    # --- Requests --------------------------------------------------------------------------------

    def _kv_path(self, kind: str, name: str) -> str:
        """Dapr's KV v2 path: /v1/{enginePath}/{data|metadata}/{prefix}/{name}, name inserted unescaped."""
        prefix = f"{self.prefix}/" if self.prefix else ""
        return f"/v1/{self.engine_path}/{kind}/{prefix}{name}"

    def _list_path(self, folder: str, kv_v1: bool = False) -> str:
        if kv_v1:  # KV v1 has no metadata/ segment: we browse it, Dapr cannot
            prefix = f"{self.prefix}/" if self.prefix else ""
            return f"/v1/{self.engine_path}/{prefix}{folder}"
        return self._kv_path("metadata", folder)

    def _request(self, method: str, path: str) -> Any:
        """One HTTP call to Vault (a requests.Response); transport failures become typed errors."""
        try:
            return self._adapter.request(method, path, raise_exception=False, timeout=self.timeout)
        except Exception as error:  # noqa: BLE001 - mapped to typed errors whose text never holds the token
            failure = self._transport_error(error, method, path)
        raise failure  # outside the except block: requests' own message (it may quote the token) is not chained

    def _read(self, name: str, version: str, remember: bool = False) -> dict[str, str] | None | _Missing:
        """Dapr's getSecret: the secret's map, None for a null data.data, _Missing on 404.
        `remember`: keep which values map mode cannot decode, for describe() right after."""
        path = f"{self._kv_path('data', name)}?version={version}"
        response = self._request("GET", path)
        if response.status_code == 404:
            return _Missing(_no_engine(response))
        if response.status_code != 200:
            raise self._status_error(
                f"couldn't get successful response, status code {response.status_code}, body {_error_body(response)}",
                response,
                f"read on {path.removeprefix('/v1/').partition('?')[0]}",
            )
        if self.value_type == "text":
            return {name: _jsoniter_text(response.text, ("data", "data"))}
        try:
            data = _decode_map(response.text)
        except StoreError:
            if remember:
                self._last_kinds = (name, time.monotonic(), _non_string_kinds(response.text))
            raise
        if remember:
            self._last_kinds = (name, time.monotonic(), {})
        return data

    def _list_response(self, path: str) -> Any:
        """One LIST answered 200 or 404 (an empty or missing folder); other answers raise."""
        response = self._request("LIST", path)
        if response.status_code not in (200, 404):
            raise self._status_error(_list_failure(response), response, f"list on {path.removeprefix('/v1/')}")
        return response

    def _list(self, path: str) -> list[str] | None:
        """The keys of one folder; None when it is empty or missing."""
        response = self._list_response(path)
        return None if response.status_code == 404 else _keys(response)

    def _list_recursive(self, folder: str) -> list[str]:
        """Dapr's listKeysUnderPath: depth first, folders expanded in place; a 404 anywhere fails."""
        path = self._list_path(folder)
        response = self._list_response(path)
        if response.status_code == 404:
            raise StoreError(_list_failure(response), self._empty_list_hint(path, folder, response))
        keys = _keys(response)
        names: list[str] = []
        for key in keys:
            names += self._list_recursive(folder + key) if key.endswith("/") else [folder + key]
        return names

    def _in_order(self, work: Callable[[str], _T], names: list[str]) -> list[_T]:
        """`work` over names on up to BULK_WORKERS threads; results, and the first failure, come in name
        order, exactly as a sequential loop would give them."""
        if len(names) < 2:
            return [work(name) for name in names]
        with ThreadPoolExecutor(min(BULK_WORKERS, len(names)), thread_name_prefix="vault-read") as pool:
            futures = [pool.submit(work, name) for name in names]
            try:
                return [future.result() for future in futures]
            finally:
                for future in futures:
                    future.cancel()

    # --- Mount detection (Dapr never asks; we do, to explain its failures) -----------------------

    def _mount(self) -> _Mount | None:
        """The mount at enginePath, asked once; None when Vault will not say."""
        if not self._mount_checked:
            try:
                self._mount_cache = self._fetch_mount()
            except StoreError:
                return None  # unreachable just now: ask again next time
            self._mount_checked = True
        return self._mount_cache

    def _fetch_mount(self) -> _Mount | None:
        response = self._request("GET", f"/v1/sys/internal/ui/mounts/{self.engine_path}")
        if response.status_code != 200:
            return None  # no such mount, or the token may not ask: assume KV v2, as Dapr does
        data = _json_object(response.text).get("data") or {}
        options = data.get("options") or {}
        return _Mount(str(data.get("type", "")), str(options.get("version") or "1"))

    def _known_kv_v1(self) -> bool:
        return self._mount_checked and self._mount_cache is not None and self._mount_cache.is_kv_v1

    def _mount_is_kv_v1(self) -> bool:
        mount = self._mount()
        return mount is not None and mount.is_kv_v1

    def _get_request(self, name: str) -> str:
        return f"GET {self.address}{self._kv_path('data', name)}?version=0"

    def _kv_v1_explanation(self, request: str) -> str:
        return (
            f"'{self.engine_path}' is a KV version 1 mount. Dapr supports only KV v2: it requests {request}, "
            "which a KV v1 mount does not serve, so Dapr fails. Move the secrets to a KV v2 mount."
        )

    # --- Errors ----------------------------------------------------------------------------------

    def _not_found(self, name: str, version: str, missing: _Missing) -> StoreError:
        message = f"getSecret {name} failed secret key or version not exist"
        if missing.no_engine:
            return SecretNotFound(message, self._no_engine_hint())
        if self._mount_is_kv_v1():
            return StoreError(message, self._kv_v1_explanation(self._get_request(name)))
        where = f"{self.engine_path}/{self.prefix + '/' if self.prefix else ''}{name}"
        if version not in ("0", ""):
            hint = f"version {version} of {where} does not exist (or was deleted)"
        else:
            hint = (
                f"nothing readable at {where}: check the name, enginePath and vaultKVPrefix; "
                "a secret whose latest version was deleted also answers this way"
            )
        return SecretNotFound(message, hint)

    def _no_engine_hint(self) -> str:
        return f"Vault has no secrets engine mounted at '{self.engine_path}': check enginePath"

    def _empty_list_hint(self, path: str, folder: str, response: Any) -> str:
        if _no_engine(response):
            return self._no_engine_hint()
        if folder:
            return f"the folder {folder} disappeared while listing"
        if self._mount_is_kv_v1():
            return self._kv_v1_explanation(f"LIST {self.address}{path}")
        return (
            f"nothing is stored under {path.removeprefix('/v1/')}: Dapr's bulk fails instead of returning "
            "an empty answer. Check enginePath, vaultKVPrefix and vaultKVUsePrefix."
        )

    def _status_error(self, message: str, response: Any, need: str) -> StoreError:
        status = response.status_code
        if status == 403:
            return AccessDenied(message, f"the token was refused: check that its policy allows {need}")
        if status == 503 and "sealed" in _error_body(response):
            return StoreUnreachable(message, "Vault is sealed: unseal it (bao/vault operator unseal), then refresh")
        if status in (502, 503, 504):
            return StoreUnreachable(message, "Vault (or a proxy in front of it) is unavailable: try again later")
        if status == 400:
            return StoreError(
                message,
                "Vault refused the request: check that version_id is a whole number and that vaultAddr's "
                "scheme (http or https) is the one Vault serves",
            )
        return StoreError(message, "Vault answered with an error: its log says more")

    def _transport_error(self, error: Exception, method: str = "GET", path: str = "") -> StoreError:
        import requests

        where = f"Vault at {self.address}"
        if isinstance(error, requests.exceptions.SSLError):
            reason = _tls_reason(error)
            if "wrong version number" in reason:
                hint = "Vault answered in plain HTTP: start vaultAddr with http://"
            else:
                hint = (
                    "give the CA that signed Vault's certificate in caCert, caPem or caPath (and tlsServerName "
                    'if the certificate names another host); skipVerify: "true" turns verification off (unsafe)'
                )
            return StoreUnreachable(f"couldn't get secret: TLS verification of {where} failed: {reason}", hint)
        if isinstance(error, requests.exceptions.Timeout):
            return StoreTimeout(
                f"{where} did not answer within {self.timeout:g} s",
                "Dapr has no timeout here and would keep waiting: check that Vault is up and reachable",
            )
        if isinstance(error, requests.exceptions.ConnectionError):
            dial = _go_dial_error(error, self.address)
            reason = f"{_go_url_op(method)} {_go_quote(self.address + path)}: {dial}" if dial else (
                f"cannot connect to {where}: {_connection_reason(error)}"
            )
            return StoreUnreachable(
                f"couldn't get secret: {reason}", "check vaultAddr, and that Vault is running and listening there"
            )
        if isinstance(
            error,
            (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema),
        ):
            return StoreMisconfigured(
                f"couldn't get secret: vaultAddr {self.address!r} is not a usable URL",
                "vaultAddr must look like https://vault.example.com:8200",
            )
        if isinstance(error, (requests.exceptions.InvalidHeader, UnicodeError)):
            return StoreMisconfigured(
                "couldn't get secret: the Vault token holds characters an HTTP header cannot carry",
                "remove spaces, newlines or non-ASCII characters from the token",
            )
        return StoreError(f"couldn't get secret: {type(error).__name__} talking to {where}")

    # --- Diagnostics -----------------------------------------------------------------------------

    def _finding(
        self, severity: Severity, code: str, message: str, hint: str = "", secret: str | None = None
    ) -> Diagnostic:
        return Diagnostic(
            severity, code, message, hint, source=self.context.component_source, component=self.name, secret=secret
        )

    def _setting_findings(self) -> list[Diagnostic]:
        """What the metadata alone says (no I/O)."""
        findings = []
        if self._dapr_init_error:
            findings.append(
                self._finding(
                    Severity.ERROR,
                    "vault-token-from-env",
                    f"daprd would fail to open this store: {self._dapr_init_error}",
                    f"dapr-secrets is browsing it with {self._token_source}; give the component vaultToken "
                    "or vaultTokenMountPath",
                )
            )
        skip_verify = _prop(self.properties, "skipVerify")
        if skip_verify == "true":
            findings.append(
                self._finding(Severity.INFO, "vault-tls-unverified", 'TLS verification is off (skipVerify: "true")')
            )
        elif is_truthy(skip_verify):
            findings.append(
                self._finding(
                    Severity.WARNING,
                    "vault-skipverify-not-true",
                    f'skipVerify is "{skip_verify}": Dapr only accepts exactly "true", so TLS verification stays on',
                )
            )
        use_prefix = property_lookup(self.properties, "vaultKVUsePrefix")
        if use_prefix is not None and not is_truthy(use_prefix) and use_prefix.strip().lower() not in _FALSE_WORDS:
            findings.append(
                self._finding(
                    Severity.WARNING,
                    "vault-prefix-disabled",
                    f'vaultKVUsePrefix is "{use_prefix}", which Dapr reads as false: no prefix is used',
                )
            )
        return findings

    def _content_findings(self) -> list[Diagnostic]:
        """What Vault's contents say (bounded I/O: a few LISTs, DIAGNOSTIC_SAMPLE reads)."""
        response = self._list_response(self._list_path(""))
        if response.status_code == 404:
            return self._empty_top_findings(response)
        names, complete = self._sample_names(_keys(response))
        findings = [finding for finding in self._in_order(self._value_finding, names) if finding]
        if not complete:
            findings.append(
                self._finding(
                    Severity.INFO, "vault-sample-limited", f"only the first {len(names)} secrets were checked"
                )
            )
        return findings

    def _empty_top_findings(self, response: Any) -> list[Diagnostic]:
        """Dapr's top LIST answered 404: no engine, a KV v1 mount, a mount of another kind, or no secrets."""
        if _no_engine(response):
            return [self._finding(Severity.ERROR, "vault-no-engine", self._no_engine_hint())]
        mount = self._mount()
        if mount is not None and mount.is_kv_v1:
            message = f"'{self.engine_path}' is a KV version 1 mount: Dapr supports only KV v2, so every read fails"
            explanation = self._kv_v1_explanation(f"LIST {self.address}{self._list_path('')}")
            return [self._finding(Severity.ERROR, "vault-kv-v1", message, explanation)]
        if mount is not None and mount.type not in ("kv", "generic"):
            message = f"'{self.engine_path}' is a {mount.type} mount, not a KV v2 secrets engine"
            return [self._finding(Severity.ERROR, "vault-not-kv", message)]
        where = f"{self.engine_path}/{self.prefix}" if self.prefix else self.engine_path
        findings = [
            self._finding(
                Severity.WARNING,
                "vault-bulk-fails-empty",
                f"nothing is stored under {where}: Dapr's bulk fails (LIST answers 404) instead of returning nothing",
            )
        ]
        if self.prefix and self._list(f"/v1/{self.engine_path}/metadata/"):
            findings.append(
                self._finding(
                    Severity.WARNING,
                    "vault-prefix-hides-secrets",
                    f"secrets exist in '{self.engine_path}' but none under the prefix '{self.prefix}/': Dapr reads "
                    "only under the prefix",
                    'set vaultKVPrefix to the folder that holds them, or vaultKVUsePrefix: "false"',
                )
            )
        return findings

    def _sample_names(self, top: list[str]) -> tuple[list[str], bool]:
        """Up to DIAGNOSTIC_SAMPLE secret names, breadth first, with at most DIAGNOSTIC_FOLDERS more LISTs."""
        names = [key for key in top if not key.endswith("/")]
        folders = [key for key in top if key.endswith("/")]
        lists = 0
        while folders and len(names) < DIAGNOSTIC_SAMPLE and lists < DIAGNOSTIC_FOLDERS:
            folder = folders.pop(0)
            lists += 1
            for key in self._list(self._list_path(folder)) or []:
                (folders if key.endswith("/") else names).append(folder + key)
        return names[:DIAGNOSTIC_SAMPLE], not folders and len(names) <= DIAGNOSTIC_SAMPLE

    def _value_finding(self, name: str) -> Diagnostic | None:
        """A warning when Dapr would fail on this secret's latest version. The value never leaves here."""
        response = self._request("GET", f"{self._kv_path('data', name)}?version=0")
        if response.status_code == 404:
            message = (
                f"{name}: Vault lists it but its latest version is deleted or destroyed: Dapr's bulk skips it "
                "and GET fails"
            )
            hint = "undelete the version in Vault, or write a new one"
            return self._finding(Severity.WARNING, "vault-latest-version-deleted", message, hint, secret=name)
        kinds = _non_string_kinds(response.text) if response.status_code == 200 and self.value_type == "map" else {}
        if not kinds:
            return None
        message = f"{name}: {_describe_kinds(kinds)}: Dapr's GET of it fails, and so does bulk"
        return self._finding(Severity.WARNING, "vault-non-string-values", message, _NON_STRING_HINT, secret=name)

    def _non_string_notes(self, name: str) -> list[str]:
        kinds = self._recent_kinds(name)
        if kinds is None:  # not read just now (describe alone): read it, the value stays here
            try:
                response = self._request("GET", f"{self._kv_path('data', name)}?version=0")
            except StoreError:
                return []
            kinds = _non_string_kinds(response.text) if response.status_code == 200 else {}
        return [f"{_describe_kinds(kinds)}: in map mode Dapr's GET fails. {_NON_STRING_HINT}"] if kinds else []

    def _recent_kinds(self, name: str) -> dict[str, str] | None:
        """What a GET of `name`'s latest version saw less than RECENT_READ seconds ago, if one did."""
        last = self._last_kinds
        if last is not None and last[0] == name and time.monotonic() - last[1] < RECENT_READ:
            return last[2]
        return None


_NON_STRING_HINT = 'Store every value as a string, or read the secret with vaultValueType: "text".'


# --- Metadata ------------------------------------------------------------------------------------


def _prop(properties: Mapping[str, str], name: str) -> str:
    return property_lookup(properties, name) or ""


def _value_type(value: str) -> str:
    if value in ("", "map", "text"):
        return value or "map"
    raise StoreMisconfigured(
        f"vault init error, invalid value type {value}, accepted values are map or text",
        'vaultValueType is case-sensitive: write "map" or "text"',
    )


def _prefix(properties: Mapping[str, str]) -> str:
    """Absent vaultKVUsePrefix means true; present, it must be truthy (even "" turns the prefix off)."""
    use_prefix = property_lookup(properties, "vaultKVUsePrefix")
    if use_prefix is not None and not is_truthy(use_prefix):
        return ""
    return _prop(properties, "vaultKVPrefix") or DEFAULT_PREFIX


def _go_file_error(path: str, error: OSError) -> str:
    """Go's os.ReadFile error text for `path` as written in the component."""
    if isinstance(error, IsADirectoryError):
        return f"read {path}: is a directory"
    return f"open {path}: {(error.strerror or 'cannot read').lower()}"


# --- TLS -----------------------------------------------------------------------------------------


def _tls_settings(properties: Mapping[str, str], cwd: str) -> tuple[ssl.SSLContext, str]:
    """Dapr's TLS config: skipVerify exactly "true"; else CA from caPem > caPath > caCert > system pool,
    and tlsServerName. Errors carry Init's "couldn't create client using config: " prefix."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if _prop(properties, "skipVerify") == "true":
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context, ""
    try:
        _load_roots(context, properties, cwd)
    except DaprdCrashes:
        raise
    except StoreMisconfigured as error:
        raise StoreMisconfigured(f"couldn't create client using config: {error.message}", error.hint) from None
    return context, _prop(properties, "tlsServerName")


def _load_roots(context: ssl.SSLContext, properties: Mapping[str, str], cwd: str) -> None:
    ca_pem, ca_path, ca_cert = (_prop(properties, name) for name in ("caPem", "caPath", "caCert"))
    if ca_pem:
        if not _add_pem(context, ca_pem.encode("utf-8", "surrogateescape")):
            raise StoreMisconfigured("couldn't read PEM", "caPem holds no usable PEM certificate")
    elif ca_path:
        try:
            _add_pem_tree(context, ca_path, cwd)
        except DaprdCrashes:
            raise
        except StoreMisconfigured as error:
            raise StoreMisconfigured(f"couldn't read certificates at {ca_path}: {error.message}", error.hint) from None
    elif ca_cert:
        _add_pem_file(context, ca_cert, cwd)
    else:
        context.load_default_certs()


def _add_pem(context: ssl.SSLContext, pem: bytes) -> bool:
    """Go's AppendCertsFromPEM: add every CERTIFICATE block that parses; True if at least one did."""
    added = False
    for block in _PEM_CERTIFICATE.finditer(pem):
        try:
            context.load_verify_locations(cadata=base64.b64decode(b"".join(block.group(1).split()), validate=True))
        except (ValueError, ssl.SSLError):
            continue
        added = True
    return added


def _add_pem_file(context: ssl.SSLContext, path: str, cwd: str) -> None:
    try:
        pem = Path(cwd, path).read_bytes()
    except OSError as error:
        raise StoreMisconfigured(
            f"couldn't read CA file from disk: {_go_file_error(path, error)}",
            "check the CA file path (relative paths start at daprd's working directory)",
        ) from None
    if not _add_pem(context, pem):
        raise StoreMisconfigured("couldn't read PEM", f"{path} holds no usable PEM certificate")


def _add_pem_tree(context: ssl.SSLContext, root: str, cwd: str) -> None:
    """Go's filepath.Walk over caPath: every file, recursively, in name order, must hold a certificate."""
    full_root = Path(cwd, root)
    if not os.path.lexists(full_root):
        # contrib's readCertificateFolder: filepath.Walk calls back with a nil FileInfo for a missing
        # root and the callback calls info.IsDir() on it: a nil pointer panic, not an Init error.
        raise DaprdCrashes(
            f"caPath {root} does not exist: the Vault component walks it with filepath.Walk and dereferences "
            "the missing file's nil FileInfo (panic: invalid memory address or nil pointer dereference)",
            'create the folder or fix caPath (relative paths start at daprd\'s working directory), or use caPem; '
            'with skipVerify: "true" caPath is not read',
        )
    if not full_root.is_dir() or full_root.is_symlink():
        _add_pem_file(context, root, cwd)
        return
    for entry in sorted(os.scandir(full_root), key=lambda item: item.name):
        child = os.path.join(root, entry.name)
        if entry.is_dir(follow_symlinks=False):
            _add_pem_tree(context, child, cwd)
        else:
            _add_pem_file(context, child, cwd)


def _http_adapter(address: str, token: str, ssl_context: ssl.SSLContext, server_name: str) -> Any:
    """hvac's RawAdapter on a requests session that uses exactly Dapr's TLS choice (no env CA bundle,
    no proxy variables: Dapr ignores both)."""
    import hvac.adapters
    import requests
    from requests.adapters import HTTPAdapter

    class DaprTLSAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["ssl_context"] = ssl_context
            if server_name:
                kwargs["server_hostname"] = server_name
            super().init_poolmanager(*args, **kwargs)

        def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
            """The SSL context already holds the component's CAs: requests must not add certifi's."""

    skip_verify = ssl_context.verify_mode == ssl.CERT_NONE
    if skip_verify:
        from urllib3.exceptions import InsecureRequestWarning

        # The component asked for it (Dapr logs one line at Init); don't repeat it on every request.
        warnings.filterwarnings("ignore", category=InsecureRequestWarning)
    session = requests.Session()
    session.trust_env = False
    session.verify = not skip_verify
    transport = DaprTLSAdapter(pool_connections=1, pool_maxsize=BULK_WORKERS)
    session.mount("https://", transport)
    session.mount("http://", transport)
    return hvac.adapters.RawAdapter(
        base_uri=address, token=token, verify=not skip_verify, timeout=DEFAULT_TIMEOUT, session=session
    )


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, the errors it wraps (urllib3 keeps them in .reason and args), and their causes."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [getattr(current, "reason", None), current.__cause__, current.__context__, *current.args]
        pending += [item for item in linked if isinstance(item, BaseException)]


def _tls_reason(error: Exception) -> str:
    for cause in _causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return cause.verify_message or "certificate verify failed"
        if isinstance(cause, ssl.SSLError) and cause.reason:
            return cause.reason.lower().replace("_", " ")
    return "TLS handshake failed"


def _go_url_op(method: str) -> str:
    """net/http's url.Error Op: the method with only its first letter upper-cased ("Get", "List")."""
    return method[:1] + method[1:].lower()


def _go_quote(text: str) -> str:
    """Go's %q for a URL (printable ASCII in practice)."""
    return json.dumps(text)


def _go_dial_error(error: Exception, address: str) -> str:
    """The net.OpError text Go's dialer gives for a refused connection or an unknown host, as daprd
    wraps it (`couldn't get secret: Get "URL": dial tcp ...`); "" for failures worded otherwise."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return ""
    shown = f"[{host}]" if ":" in host else host
    for cause in _causes(error):
        if isinstance(cause, ConnectionRefusedError):
            return f"dial tcp {shown}:{port}: connect: connection refused"
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return f"dial tcp: lookup {host}: no such host"
    return ""


def _connection_reason(error: Exception) -> str:
    for cause in _causes(error):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return "the host name does not resolve"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset"
    return "the connection failed"


# --- Response bodies -----------------------------------------------------------------------------


class _Object(dict):
    """A JSON object that also remembers its members in order, duplicates included (Go sees them all)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def _json_object(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _error_body(response: Any) -> str:
    """The body for an error message, kept only when it is Vault's `{"errors":[...]}`, which holds no value."""
    text = response.text  # as Dapr keeps it (b.String()): Vault's trailing newline included
    value = _json_object(text)
    errors = value.get("errors")
    if not isinstance(errors, list) or not all(isinstance(item, str) for item in errors):
        return "(withheld: not a Vault error list)"
    return text if list(value) == ["errors"] else json.dumps({"errors": errors}, separators=(",", ":"))


def _list_failure(response: Any) -> str:
    """Dapr's error text for a LIST that did not answer 200."""
    return (
        f"list keys couldn't get successful response, status code: {response.status_code}, "
        f"status: {response.status_code} {response.reason}, response {_error_body(response)}"
    )


def _keys(response: Any) -> list[str]:
    keys = (_json_object(response.text).get("data") or {}).get("keys")
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise StoreError("couldn't decode response body: the LIST answer has no list of keys")
    return keys


def _no_engine(response: Any) -> bool:
    """Vault's 404 for a path no secrets engine serves."""
    return "no handler for route" in _error_body(response)


def _go_kind(value: Any) -> str:
    """The JSON kind as Go's UnmarshalTypeError names it."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "object" if isinstance(value, dict) else "array"


def _kv_data(text: str) -> Any:
    """data.data of a KV v2 answer, objects as _Object; raises StoreError like Go's decoder would."""
    try:
        body = json.loads(text, object_pairs_hook=_Object)
    except ValueError:
        raise StoreError("couldn't decode response body: Vault's answer is not JSON") from None
    data = body.get("data") if isinstance(body, dict) else None
    if (body is not None and not isinstance(body, dict)) or (data is not None and not isinstance(data, dict)):
        raise StoreError("couldn't decode response body: Vault's answer is not a KV v2 secret")
    inner = data.get("data") if data else None
    if inner is not None and not isinstance(inner, dict):
        raise StoreError("couldn't decode response body: data.data is not an object")
    return inner


def _decode_map(text: str) -> dict[str, str] | None:
    """Go's decode into map[string]string: null becomes "", any other non-string fails the whole read
    (the first one in the document names the error); a null or missing data.data is a nil map."""
    inner = _kv_data(text)
    if inner is None:
        return None
    for _, value in inner.pairs:
        if value is not None and not isinstance(value, str):
            raise StoreError(
                f"couldn't decode response body: json: cannot unmarshal {_go_kind(value)} "
                "into Go struct field .data.data of type string",
                f"{_describe_kinds(_non_string_kinds(text))}. {_NON_STRING_HINT}",
            )
    return {key: "" if value is None else value for key, value in inner.items()}


def _non_string_kinds(text: str) -> dict[str, str]:
    """Key -> Go kind for every value map mode cannot decode (the values themselves never leave)."""
    try:
        inner = _kv_data(text)
    except StoreError:
        return {}
    return {
        key: _go_kind(value)
        for key, value in (inner.pairs if inner else [])
        if value is not None and not isinstance(value, str)
    }


def _describe_kinds(kinds: Mapping[str, str]) -> str:
    listed = ", ".join(f"{key} ({kind})" for key, kind in kinds.items())
    return f"not every value is a string: {listed}"


def _jsoniter_text(text: str, path: tuple[str, ...]) -> str:
    """jsoniter's Get(body, path...).ToString(), as Dapr's text mode uses it: the raw JSON text of an
    object, array or number exactly as Vault sent it, a string's content, "" for null or missing."""
    decoder = json.JSONDecoder()
    start, end = 0, len(text)
    try:
        for key in path:
            span = _member_span(decoder, text, start, key)
            if span is None:
                return ""
            start, end = span
        value = json.loads(text[start:end])
    except (ValueError, IndexError):
        return ""
    if value is None:
        return ""
    return value if isinstance(value, str) else text[start:end]


def _member_span(decoder: json.JSONDecoder, text: str, index: int, key: str) -> tuple[int, int] | None:
    """Where the value of member `key` of the object starting at `index` lies in `text` (first match)."""
    index = _skip_space(text, index)
    if text[index] != "{":
        return None
    index = _skip_space(text, index + 1)
    while text[index] != "}":
        name, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index)
        if text[index] != ":":
            raise ValueError("expected ':'")
        start = _skip_space(text, index + 1)
        _, end = decoder.raw_decode(text, start)
        if name == key:
            return start, end
        index = _skip_space(text, end)
        if text[index] == ",":
            index = _skip_space(text, index + 1)
    return None


def _skip_space(text: str, index: int) -> int:
    while text[index] in " \t\r\n":
        index += 1
    return index


# --- KV v2 metadata ------------------------------------------------------------------------------


def _parse_time(value: str) -> datetime | None:
    """Vault's RFC 3339 time with nanoseconds; None when empty or unreadable."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", value or "")
    if not match:
        return None
    fraction = (match.group(2) or "0")[:6].ljust(6, "0")
    zone = "+00:00" if match.group(3) == "Z" else match.group(3)
    return datetime.fromisoformat(f"{match.group(1)}.{fraction}{zone}")


def _last_changed(meta: Mapping[str, Any]) -> LastChanged | None:
    """KV v2 metadata's updated_time: a new version was written, or the metadata changed."""
    return LastChanged.at(_parse_time(str(meta.get("updated_time") or "")), "updated")


def _version_state(info: Mapping[str, Any], current: bool) -> str:
    if info.get("destroyed"):
        return "destroyed"
    deleted_at = _parse_time(str(info.get("deletion_time") or ""))
    if deleted_at is not None and deleted_at <= datetime.now(UTC):
        return "deleted"
    return "current" if current else ""


def _versions(meta: Mapping[str, Any]) -> tuple[SecretVersion, ...]:
    """Newest first."""
    current = str(meta.get("current_version", ""))
    listed = meta.get("versions") or {}
    ordered = sorted(listed, key=lambda number: int(number) if str(number).isdigit() else 0, reverse=True)
    return tuple(
        SecretVersion(
            str(number),
            str(listed[number].get("created_time", "")),
            _version_state(listed[number], str(number) == current),
        )
        for number in ordered
        if isinstance(listed[number], dict)
    )


def _deleted_latest_notes(versions: tuple[SecretVersion, ...], meta: Mapping[str, Any]) -> Iterator[str]:
    current = str(meta.get("current_version", ""))
    for version in versions:
        if version.id == current and version.state in ("deleted", "destroyed"):
            yield (
                f"The latest version ({current}) is {version.state}: Vault still lists this secret, but Dapr's "
                "bulk skips it and GET fails (not found). Older versions stay readable with version_id."
            )


def _metadata_attributes(meta: Mapping[str, Any]) -> dict[str, str]:
    attributes = {
        "current version": str(meta.get("current_version", "")),
        "created": str(meta.get("created_time", "")),
        "updated": str(meta.get("updated_time", "")),
        "oldest version": str(meta.get("oldest_version", "")),
        "max versions": str(meta.get("max_versions", "")),
        "delete versions after": str(meta.get("delete_version_after", "")),
    }
    for key, value in (meta.get("custom_metadata") or {}).items():
        attributes[f"custom: {key}"] = str(value)
    return {key: value for key, value in attributes.items() if value not in ("", "0", "0s")}
