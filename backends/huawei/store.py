"""Huawei Cloud CSMS (`secretstores.huaweicloud.csms`), answering like Dapr's store
(contrib secretstores/huaweicloud/csms/csms.go; dapr-cloud-stores.md §6, §8).

GET reads `/v1/{project}/secrets/{name}/versions/{version_id}` with the version taken from request
metadata, "" when absent (H4): an empty path segment, which is what every secretKeyRef asks for.
Bulk lists every secret (100 a page, following `next_marker`) and then reads each one's `latest`
version, keyed `{name: {name: value}}`, failing as a whole on the first error (H5). Browsing pages
through ListSecrets and ListSecretVersions (ids and stages) and never reads a value.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from dapr_secrets.backends.base import (
    DEFAULT_TIMEOUT,
    AccessDenied,
    LastChanged,
    MissingExtra,
    SecretDetails,
    SecretEntry,
    SecretNotFound,
    SecretStore,
    SecretVersion,
    StoreContext,
    StoreError,
    StoreTimeout,
    StoreUnreachable,
)
from dapr_secrets.backends.huawei.credentials import (
    ca_bundle,
    iam_endpoint,
    lookup_project_id,
    read_metadata,
    region_endpoint,
    service_error_text,
)
from dapr_secrets.components.model import Diagnostic, Severity

VERSION_ID = "version_id"  # request metadata for GET (exact key)
BULK_LATEST = "latest"  # what Dapr's bulk asks for explicitly
DAPR_LIST_LIMIT = "100"  # csms.go getSecretNames
VERSIONS_LIMIT = "100"
BULK_WORKERS = 16  # concurrent value reads in bulk_get (Dapr reads them one by one)
INSTALL = "pip install 'dapr-secrets[huawei]'"
NO_VERSION_NOTE = (
    "Dapr's GET without metadata.version_id (every secretKeyRef) asks for an empty version "
    "(.../versions/); pass metadata.version_id=latest"
)


class HuaweiCsmsStore(SecretStore):
    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        super().__init__(name, properties, context)
        self.meta = read_metadata(properties)
        try:
            import huaweicloudsdkcore  # noqa: F401
            import huaweicloudsdkcsms  # noqa: F401
        except ImportError:
            raise MissingExtra("huaweicloudsdkcsms", INSTALL) from None
        self.endpoint, self.endpoint_source = region_endpoint(self.meta.region, context.env, context.cwd)
        verify = ca_bundle(context.env, context.cwd)
        self.iam = iam_endpoint(context.env)
        self.project_id = lookup_project_id(self.meta, self.iam, verify)
        self._client = _client(self.meta.access_key, self.meta.secret_access_key, self.project_id, self.endpoint, verify)

    # --- Dapr's operations ---------------------------------------------------------------------

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        """GetSecret (H4): `{requested name: secret_string}`; the version is "" without version_id."""
        version = metadata.get(VERSION_ID, "")
        try:
            return {name: self._value(name, version)}
        except StoreError as error:
            if version == "" and not error.hint:
                error.hint = NO_VERSION_NOTE
            raise

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        """BulkGetSecret (H5): every listed name, then each one's `latest`, in listing order.

        Dapr reads them one by one; we read them concurrently, which gives the same map and the same
        error: the first failing secret in listing order (a listing error comes before any read)."""
        names = [entry.name for page in self._secret_pages(DAPR_LIST_LIMIT) for entry in page]
        result: dict[str, dict[str, str]] = {}
        with ThreadPoolExecutor(max_workers=BULK_WORKERS, thread_name_prefix=f"huawei-{self.name}") as pool:
            futures = [(name, pool.submit(self._value, name, BULK_LATEST)) for name in names]
            try:
                for name, future in futures:
                    result[name] = {name: future.result()}
            finally:
                for _, future in futures:
                    future.cancel()
        return result

    # --- browsing ------------------------------------------------------------------------------

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        """ListSecrets page by page (Dapr's page size): names, state and dates, never a value."""
        yield from self._secret_pages(DAPR_LIST_LIMIT)

    def describe(self, name: str) -> SecretDetails:
        """ShowSecret and ListSecretVersions: attributes, every version with its stages; no value."""
        from huaweicloudsdkcsms.v1 import ListSecretVersionsRequest, ShowSecretRequest

        secret = self._call(lambda: self._client.show_secret(ShowSecretRequest(secret_name=name)), name).secret
        versions: list[Any] = []
        marker = None
        while True:
            request = ListSecretVersionsRequest(secret_name=name, limit=VERSIONS_LIMIT, marker=marker)
            reply = self._call(lambda request=request: self._client.list_secret_versions(request), name)
            versions += reply.version_metadatas or []
            marker = reply.page_info.next_marker if reply.page_info else None
            if not marker:
                break
        versions.sort(key=lambda v: v.create_time or 0, reverse=True)
        attributes = _secret_info(secret) if secret is not None else {}
        attributes["versions"] = str(len(versions))
        rows = tuple(
            SecretVersion(id=v.id or "", created=_when(v.create_time), state=", ".join(v.version_stages or []))
            for v in versions
        )
        return SecretDetails(attributes=attributes, versions=rows, notes=(NO_VERSION_NOTE,),
                             last_changed=_last_changed(secret) if secret is not None else None)

    def identity(self) -> str:
        return (
            f"access key {self.meta.access_key} in project {self.project_id} ({self.meta.region}, looked up in "
            f"IAM at {self.iam}); CSMS at {self.endpoint} from {self.endpoint_source}"
        )

    def diagnostics(self) -> list[Diagnostic]:
        return [
            Diagnostic(
                Severity.WARNING,
                "huawei-get-without-version",
                f"{NO_VERSION_NOTE}: a secretKeyRef to this store cannot pass it",
                "add metadata.version_id=latest to GET calls; take component secrets from another store",
                source=self.context.component_source,
                component=self.name,
            )
        ]

    # --- internals -------------------------------------------------------------------------------

    def _secret_pages(self, limit: str) -> Iterator[list[SecretEntry]]:
        """csms.go getSecretNames: follow `page_info.next_marker` while it is set; no state filter."""
        from huaweicloudsdkcsms.v1 import ListSecretsRequest

        marker = None
        while True:
            request = ListSecretsRequest(limit=limit, marker=marker)
            reply = self._call(lambda request=request: self._client.list_secrets(request), None)
            yield [_entry(secret) for secret in reply.secrets or []]
            marker = reply.page_info.next_marker if reply.page_info else None
            if marker is None:
                return

    def _value(self, name: str, version: str) -> str:
        from huaweicloudsdkcsms.v1 import ShowSecretVersionRequest

        request = ShowSecretVersionRequest(secret_name=name, version_id=version)
        reply = self._call(lambda: self._client.show_secret_version(request), name)
        value: str | None = reply.version.secret_string if reply.version is not None else None
        if value is None:  # csms.go dereferences *SecretString: a binary secret panics daprd (derived)
            raise StoreError(
                f"daprd crashes: panic: runtime error: invalid memory address or nil pointer dereference "
                f"(secret '{name}' version '{version}' has no secret_string)",
                "a binary-only CSMS secret takes daprd down on GET and on bulk: store it as text",
            )
        return value

    def _call(self, action: Any, name: str | None) -> Any:
        import requests
        from huaweicloudsdkcore.exceptions import exceptions as hexc

        try:
            return action()
        except hexc.ServiceResponseException as error:
            text = service_error_text(
                error.status_code,
                {"X-Request-Id": error.request_id or ""},
                _json_body(error.error_code, error.error_msg, error.encoded_auth_msg),
            )
            raise _typed(error.status_code, error.error_code or "", text, name, self.meta.access_key) from None
        except hexc.RequestTimeoutException as error:
            raise StoreTimeout(
                _first_line(error.error_msg), f"CSMS at {self.endpoint} did not answer within {DEFAULT_TIMEOUT:g} s"
            ) from None
        except hexc.SdkException as error:
            raise StoreUnreachable(
                _first_line(str(error.error_msg)) or type(error).__name__, f"check the network path to {self.endpoint}"
            ) from None
        except requests.Timeout:  # the SDK wraps connect timeouts only: a read timeout arrives raw
            raise StoreTimeout(
                f"CSMS at {self.endpoint} accepted the connection but sent no answer",
                f"CSMS at {self.endpoint} did not answer within {DEFAULT_TIMEOUT:g} s",
            ) from None
        except requests.RequestException as error:
            raise StoreUnreachable(type(error).__name__, f"check the network path to {self.endpoint}") from None

    def close(self) -> None:
        self._client.get_http_client()._session.close()


def _typed(status: int, code: str, text: str, name: str | None, access_key: str) -> StoreError:
    if status == 404:
        return SecretNotFound(text, f"no secret or version '{name}' in this project and region" if name else "")
    if status in (401, 403):
        return AccessDenied(
            text,
            f"access key {access_key} is not allowed this CSMS call on {name or 'the secret list'}: "
            "grant its user CSMS read permissions in this project",
        )
    if status == 429:
        return StoreUnreachable(text, "CSMS throttled the request: wait and try again (Dapr does not retry)")
    return StoreError(text)


def _json_body(code: str | None, message: str | None, auth: str | None) -> bytes:
    import json

    return json.dumps({"error_code": code or "", "error_msg": message or "", "encoded_authorization_message": auth or ""}).encode()


def _client(ak: str, sk: str, project_id: str, endpoint: str, verify: str | bool) -> Any:
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcsms.v1 import CsmsClient

    config = HttpConfig.get_default_config()
    config.timeout = (DEFAULT_TIMEOUT, DEFAULT_TIMEOUT)
    config.pool_maxsize = BULK_WORKERS  # one connection per concurrent bulk read
    if isinstance(verify, str):
        config.ssl_ca_cert = verify
    # The SDK logs through a logger with no handler and no propagation: Python's last-resort handler
    # would print its warnings on the terminal (over the TUI). Ours stay silent; errors are raised.
    logging.getLogger(f"HuaweiCloud-SDK-{CsmsClient.__name__}").addHandler(logging.NullHandler())
    client = (
        CsmsClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_endpoints([endpoint])
        .build()
    )
    # The Python SDK turns a 429 into a RetryError without the service's answer; Go's returns the
    # answer as the error. No status retries, as daprd's client: the 429 body becomes the error.
    from requests.adapters import HTTPAdapter

    session = client.get_http_client()._session
    adapter = HTTPAdapter(pool_connections=config.pool_connections, pool_maxsize=config.pool_maxsize, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return client


def _entry(secret: Any) -> SecretEntry:
    info = _secret_info(secret)
    state = secret.state or ""
    note = f"{state.lower()}: still listed, so Dapr's bulk reads it" if state and state != "ENABLED" else ""
    return SecretEntry(secret.name or "", info=info, note=note, changed=_last_changed(secret))


def _last_changed(secret: Any) -> LastChanged | None:
    """CSMS times are milliseconds since the epoch, in UTC."""
    if secret.update_time:
        return LastChanged(datetime.fromtimestamp(int(secret.update_time) / 1000, UTC), "updated")
    return LastChanged(datetime.fromtimestamp(int(secret.create_time) / 1000, UTC), "created") if secret.create_time else None


def _secret_info(secret: Any) -> dict[str, str]:
    info = {}
    for label, value in (
        ("state", secret.state),
        ("type", secret.secret_type),
        ("description", secret.description),
        ("created", _when(secret.create_time)),
        ("updated", _when(secret.update_time)),
        ("scheduled deletion", _when(secret.scheduled_delete_time)),
        ("kms key", secret.kms_key_id),
    ):
        if value:
            info[label] = str(value)
    return info


def _when(millis: Any) -> str:
    if not millis:
        return ""
    return datetime.fromtimestamp(int(millis) / 1000, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text and text.strip() else ""
