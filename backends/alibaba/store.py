"""Alibaba Cloud OOS encrypted parameters (`secretstores.alicloud.parameterstore`), answering like
Dapr's store (contrib secretstores/alicloud/parameterstore/parameterstore.go; dapr-cloud-stores.md §5, §8).

GET reads `GetSecretParameter(WithDecryption)` and is keyed by the RETURNED name; `version_id` must
be a Go int32. Bulk pages through `GetSecretParametersByPath(path or "/", Recursive)`, whose pages
carry the values, keyed by full parameter names. Browsing pages through ListSecretParameters and
ListSecretParameterVersions without decryption and never reads a value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from dapr_secrets.backends.alibaba.credentials import AlibabaCredential, read_metadata
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
    parse_time,
)
from dapr_secrets.components.golang import NumError, go_json, parse_decimal
from dapr_secrets.components.model import Diagnostic, Severity

VERSION_ID = "version_id"  # request metadata for GET (exact key; empty means absent)
PATH = "path"  # request metadata for bulk (exact key; empty is sent as "")
ROOT = "/"
LIST_PAGE_SIZE = 100  # ListSecretParameters / ListSecretParameterVersions allow 10-100
INSTALL = "pip install 'dapr-secrets[alibaba]'"
READ_POLICY = "oos:GetSecretParameter, oos:GetSecretParametersByPath and kms:Decrypt"
LIST_POLICY = "oos:ListSecretParameters and oos:ListSecretParameterVersions"

# Test seam, deliberately not metadata (Dapr has no endpoint option, §9.6): "host:port" of a local
# plain-HTTP OOS that every store opened afterwards talks to.
_endpoint_for_tests: str | None = None


def parse_version(text: str) -> int:
    """Go's strconv.ParseInt(text, 10, 32), with its error text (L3)."""
    try:
        return parse_decimal(text, bit_size=32)
    except NumError as error:
        hint = "version_id must be a whole number such as 1" if "syntax" in str(error) else "version_id must fit a 32-bit integer"
        raise StoreError(str(error), hint + " (OOS keeps versions 1-100)") from None


class AlibabaParameterStore(SecretStore):
    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        super().__init__(name, properties, context)
        self.fields = read_metadata(properties)
        self.region = self.fields["regionId"]
        try:
            from alibabacloud_oos20190601.client import Client  # noqa: F401
        except ImportError:
            raise MissingExtra("alibabacloud-oos20190601", INSTALL) from None
        self.credential = AlibabaCredential.from_fields(self.fields)
        self._client = _client(self.region, self.credential)

    # --- Dapr's operations ---------------------------------------------------------------------

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        """GetSecret (L3, L4): `{returned Parameter.Name: Value}`, `{}` without a Parameter."""
        from alibabacloud_oos20190601 import models

        version = parse_version(metadata[VERSION_ID]) if metadata.get(VERSION_ID) else None
        request = models.GetSecretParameterRequest(name=name, with_decryption=True, parameter_version=version)
        body = self._call(lambda: self._client.get_secret_parameter_with_options(request, _runtime()), "get", name).body
        parameter = body.parameter
        if parameter is None:
            return {}
        if parameter.value is None or parameter.name is None:  # Go dereferences both pointers
            raise StoreError(f"OOS returned parameter {name!r} without a value: daprd would crash (nil dereference)")
        return {parameter.name: parameter.value}

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        """BulkGetSecret (L5): every parameter under `path` (default "/"), recursively, values included,
        keyed by the full name; one failing page fails the whole bulk."""
        from alibabacloud_oos20190601 import models

        path = metadata[PATH] if PATH in metadata else ROOT  # present-but-empty is sent as "" (Corrections)
        result: dict[str, dict[str, str]] = {}

        def page(token: str | None) -> Any:
            request = models.GetSecretParametersByPathRequest(
                path=path, recursive=True, with_decryption=True, next_token=token
            )
            return self._call(
                lambda: self._client.get_secret_parameters_by_path_with_options(request, _runtime()), "bulk", None
            ).body

        for body in _pages(page):
            for parameter in body.parameters or []:
                if parameter.value is None:
                    raise StoreError(f"OOS listed parameter {parameter.name!r} without a value: daprd would crash")
                result[parameter.name] = {parameter.name: parameter.value}
        return result

    # --- browsing ------------------------------------------------------------------------------

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        """ListSecretParameters under "/" recursively (Dapr's bulk filter), a page at a time, no values."""
        from alibabacloud_oos20190601 import models

        def page(token: str | None) -> Any:
            request = models.ListSecretParametersRequest(
                path=ROOT, recursive=True, max_results=LIST_PAGE_SIZE, next_token=token
            )
            return self._call(lambda: self._client.list_secret_parameters_with_options(request, _runtime()), "list", None).body

        for body in _pages(page):
            yield [_entry(parameter) for parameter in body.parameters or []]

    def describe(self, name: str) -> SecretDetails:
        """ListSecretParameterVersions without decryption: versions and dates, never a value."""
        from alibabacloud_oos20190601 import models

        def page(token: str | None) -> Any:
            request = models.ListSecretParameterVersionsRequest(
                name=name, max_results=LIST_PAGE_SIZE, next_token=token, with_decryption=False
            )
            return self._call(
                lambda: self._client.list_secret_parameter_versions_with_options(request, _runtime()), "versions", name
            ).body

        bodies = list(_pages(page))
        versions = sorted(
            (v for body in bodies for v in body.parameter_versions or []), key=lambda v: v.parameter_version or 0, reverse=True
        )
        rows = tuple(
            SecretVersion(id=str(v.parameter_version), created=v.updated_date or "", state="current" if i == 0 else "")
            for i, v in enumerate(versions)
        )
        first = bodies[0] if bodies else None
        attributes = {"bulk key": name}
        for label, value in (
            ("type", getattr(first, "type", None)),
            ("description", getattr(first, "description", None)),
            ("created", getattr(first, "created_date", None)),
            ("created by", getattr(first, "created_by", None)),
        ):
            if value:
                attributes[label] = str(value)
        attributes["versions"] = str(len(rows))
        if len(rows) > 1:
            attributes["older versions"] = "Dapr's GET reads one with metadata.version_id; bulk reads the latest"
        newest = parse_time(versions[0].updated_date or "") if versions else None
        return SecretDetails(attributes=attributes, versions=rows, last_changed=LastChanged.at(newest, "newest version"))

    def identity(self) -> str:
        return f"{self.credential.describe()}; region {self.region}"

    def diagnostics(self) -> list[Diagnostic]:
        if self.credential.kind:
            return []
        return [
            Diagnostic(
                Severity.WARNING,
                "alibaba-no-credential",
                "accessKeyId or accessKeySecret is empty: Dapr's Init succeeds but it signs every request with an "
                "empty key, so every GET and bulk fails",
                "set both accessKeyId and accessKeySecret (and securityToken for an STS token)",
                source=self.context.component_source,
                component=self.name,
            )
        ]

    # --- internals -------------------------------------------------------------------------------

    def _call(self, action: Callable[[], Any], what: str, name: str | None) -> Any:
        try:
            return action()
        except StoreError:
            raise
        except Exception as error:  # the SDK raises its own kinds and the HTTP library's
            raise self._translate(error, what, name) from None

    def _translate(self, error: Exception, what: str, name: str | None) -> StoreError:
        """Dapr's text: `couldn't get secret(s): <tea SDKError>` (L4, L5), plus a hint for people."""
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

        prefix = "couldn't get secrets" if what == "bulk" else "couldn't get secret"
        if not isinstance(error, AlibabaCloudException) or error.status_code is None:
            text = _first_line(str(error)) or type(error).__name__
            if "timed out" in text.lower() or "timeout" in type(error).__name__.lower():
                return StoreTimeout(f"{prefix}: {text}", f"OOS did not answer within {DEFAULT_TIMEOUT:g} s")
            return StoreUnreachable(f"{prefix}: {text}", f"check the network path to oos.{self.region}.aliyuncs.com:443")
        text = f"{prefix}: {sdk_error_text(error)}"
        code = error.code or ""
        status = error.status_code
        target = f"parameter '{name}'" if name else "the parameters"
        if code.startswith("EntityNotExists") or status == 404 and not code.startswith("InvalidAccessKeyId"):
            return SecretNotFound(text, f"no such encrypted parameter (or version) in region {self.region}")
        if code.startswith(("InvalidAccessKeyId", "SignatureDoesNotMatch", "MissingAccessKeyId", "InvalidSecurityToken")):
            return AccessDenied(text, "Alibaba Cloud refused the access key: check accessKeyId, accessKeySecret "
                                      "(and securityToken, which expires) and that the key is enabled")
        if status == 403 or code.startswith(("Forbidden", "NoPermission")):
            needed = LIST_POLICY if what in ("list", "versions") else READ_POLICY
            return AccessDenied(text, f"the RAM identity may not read {target}: grant it {needed}")
        if code.startswith("Throttling") or status == 429:
            return StoreUnreachable(text, "OOS throttled the request (too many calls): wait and try again")
        if status >= 500:
            return StoreUnreachable(text, "OOS failed on its side: try again later")
        return StoreError(text)


def sdk_error_text(error: Any) -> str:
    """tea's SDKError.Error() as daprd prints it: multi-line, with the response body as JSON Data."""
    data = dict(error.data or {})
    data.setdefault("statusCode", error.status_code)  # darabonba adds it to the error map
    return (
        f"SDKError:\n   StatusCode: {error.status_code}\n   Code: {error.code}\n   Message: {error.message}\n"
        f"   Data: {go_json(data)}\n"
    )


def _pages(fetch: Callable[[str | None], Any]) -> Iterator[Any]:
    """Follow NextToken until it is absent (Dapr's loop), stopping too on an empty or repeated token,
    where Dapr's loop would spin for ever."""
    token: str | None = None
    seen: set[str] = set()
    while True:
        body = fetch(token)
        yield body
        token = body.next_token
        if not token or token in seen:
            return
        seen.add(token)


def _entry(parameter: Any) -> SecretEntry:
    info = {"bulk key": parameter.name}
    for label, value in (
        ("type", parameter.type),
        ("latest version", parameter.parameter_version),
        ("updated", parameter.updated_date),
        ("description", parameter.description),
        ("KMS key", parameter.key_id),
    ):
        if value not in (None, ""):
            info[label] = str(value)
    return SecretEntry(parameter.name, info=info, changed=LastChanged.at(parse_time(parameter.updated_date or ""), "updated"))


def _client(region: str, credential: AlibabaCredential) -> Any:
    from alibabacloud_oos20190601.client import Client
    from alibabacloud_tea_openapi import utils_models

    config = utils_models.Config(region_id=region, credential=credential.sdk_credential())
    if _endpoint_for_tests is not None:
        config.endpoint, config.protocol = _endpoint_for_tests, "http"
    return Client(config)


def _runtime() -> Any:
    """A timeout on every call and no SDK retries (Dapr's client does not retry either)."""
    from darabonba.runtime import RuntimeOptions

    millis = int(DEFAULT_TIMEOUT * 1000)
    return RuntimeOptions(autoretry=False, read_timeout=millis, connect_timeout=millis)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""
