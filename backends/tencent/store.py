"""Tencent Cloud Secrets Manager (`secretstores.tencentcloud.ssm`), answering like Dapr's store
(contrib secretstores/tencentcloud/ssm/ssm.go; dapr-cloud-stores.md §7, §8).

GET reads the case-sensitive request key `VersionID` (absent: an empty VersionId is sent, Tencent has
no "latest") and answers a three-key map: `{<returned SecretName>: value, "SecretValueType": "10"|"20",
"RequestID": <id>}`. Bulk lists the Enabled secrets 100 at a time, then reads every one with the bulk
request's `VersionID` (the same id for all) and fails as a whole on the first error. Browsing pages
through ListSecrets, DescribeSecret and ListSecretVersionIds and never reads a value.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, ClassVar

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
from dapr_secrets.backends.tencent.credentials import describe, read_metadata
from dapr_secrets.components.model import Diagnostic, Severity

VERSION_ID = "VersionID"  # request metadata key (contrib's constant, case-sensitive: T2)
REQUEST_ID = "RequestID"
VALUE_TYPE = "SecretValueType"
TEXT_VALUE, BINARY_VALUE = "10", "20"
PAGE_LIMIT = 100  # contrib's pageLimit: ListSecrets Limit, for bulk and browsing alike
ENABLED = 1  # ListSecrets State: Dapr's bulk lists Enabled secrets only (T6)
BULK_WORKERS = 16  # concurrent value reads in bulk_get (Dapr reads them one by one)
API_VERSION = "2019-09-23"
INSTALL = "pip install 'dapr-secrets[tencent]'"
STATUS_WORDS = {"Enabled": "enabled", "Disabled": "disabled", "PendingDelete": "pending deletion", "Creating": "creating"}

# Test seam, deliberately not metadata (Dapr's component has no endpoint field, §9.6): when a test
# assigns "host:port", every store opened afterwards talks plain HTTP to it with the same signing.
_endpoint_for_tests: str | None = None


class TencentSsmStore(SecretStore):
    version_key: ClassVar[str] = VERSION_ID

    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        super().__init__(name, properties, context)
        self.fields = read_metadata(properties)
        try:
            from tencentcloud.ssm.v20190923 import ssm_client  # noqa: F401
        except ImportError:
            raise MissingExtra("tencentcloud-sdk-python-ssm", INSTALL) from None
        self._local = threading.local()  # one SDK client per thread: its connection keeps per-call state

    # --- Dapr's operations ---------------------------------------------------------------------

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        """GetSecret (T2-T5): `VersionID` or "" as VersionId; the three-key map."""
        if name == "":
            raise StoreError("secret name is empty")
        version = metadata.get(VERSION_ID, "")
        response = self._call("GetSecretValue", {"SecretName": name, "VersionId": version}, name, version)
        data: dict[str, str] = {}
        value = ""
        if response.get("SecretBinary") is not None:  # checked first, as contrib does
            data[VALUE_TYPE], value = BINARY_VALUE, response["SecretBinary"]
        elif response.get("SecretString") is not None:
            data[VALUE_TYPE], value = TEXT_VALUE, response["SecretString"]
        if response.get("SecretName") is not None:
            data[response["SecretName"]] = value
        if response.get("RequestId") is not None:
            data[REQUEST_ID] = response["RequestId"]  # a secret named RequestID loses to it (T5)
        return data

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        """BulkGetSecret (T6): every Enabled secret, all read with the bulk's own VersionID.

        Dapr lists everything first, then reads one by one; we read concurrently, which gives the
        same map and, on failure, the same error (the first failing secret in listing order)."""
        names = [str(meta["SecretName"]) for page in self._pages() for meta in page]
        version = {VERSION_ID: metadata.get(VERSION_ID, "")}
        with ThreadPoolExecutor(max_workers=BULK_WORKERS, thread_name_prefix=f"tencent-{self.name}") as pool:
            futures = [(name, pool.submit(self.get_secret, name, version)) for name in names]
            result: dict[str, dict[str, str]] = {}
            try:
                for name, future in futures:
                    result[name] = future.result() or {}
            finally:
                for _, future in futures:
                    future.cancel()
        return result

    # --- browsing ------------------------------------------------------------------------------

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        """ListSecrets (Enabled, as Dapr's bulk) 100 at a time: names and facts, never a value."""
        for page in self._pages():
            yield [SecretEntry(str(meta["SecretName"]), info=_facts(meta)) for meta in page]

    def describe(self, name: str) -> SecretDetails:
        """DescribeSecret and ListSecretVersionIds: facts and version ids, never a value."""
        secret = self._call("DescribeSecret", {"SecretName": name}, name)
        listed = self._call("ListSecretVersionIds", {"SecretName": name}, name).get("Versions") or []
        # Tencent has no "current" version: newest first, by creation time.
        versions = sorted(listed, key=lambda v: v.get("CreateTime") or 0, reverse=True)
        state = STATUS_WORDS.get(secret.get("Status") or "", (secret.get("Status") or "").lower())
        rows = tuple(
            SecretVersion(id=str(v["VersionId"]), created=_when(v.get("CreateTime")), state=state if state != "enabled" else "")
            for v in versions
        )
        attributes = _facts(secret)
        attributes["versions"] = str(len(rows))
        attributes["version key"] = f"?metadata.{VERSION_ID}=<id> (case-sensitive; version_id is ignored)"
        notes = [
            f"Dapr's GET without metadata.{VERSION_ID} sends an empty VersionId: Tencent has no 'latest' for "
            "user secrets, so it fails, and so does every secretKeyRef to this store",
            "Dapr's answer has two more keys: SecretValueType (10 text, 20 binary, base64) and RequestID",
        ]
        if state != "enabled":
            notes.append(f"the secret is {state}: Dapr's bulk does not list it and its GET fails")
        newest = versions[0].get("CreateTime") if versions else None
        last_changed = LastChanged(datetime.fromtimestamp(int(newest), UTC), "newest version created") if newest else None
        return SecretDetails(attributes=attributes, versions=rows, notes=tuple(notes), last_changed=last_changed)

    def identity(self) -> str:
        return describe(self.fields)

    def diagnostics(self) -> list[Diagnostic]:
        findings = [
            self._finding(
                Severity.WARNING,
                "tencent-no-default-version",
                f"Dapr's GET without metadata.{VERSION_ID}, every secretKeyRef to this store, and a bulk without "
                f"{VERSION_ID} send an empty VersionId, which Tencent's GetSecretValue refuses (no 'latest')",
                f"pass ?metadata.{VERSION_ID}=<id> (case-sensitive); a bulk uses that one id for every secret",
            )
        ]
        if not self.fields["region"]:
            findings.append(
                self._finding(
                    Severity.ERROR,
                    "tencent-no-region",
                    "region is empty: Dapr's Init accepts it, but every call fails",
                    "set region, e.g. ap-guangzhou (the region the secrets live in)",
                )
            )
        try:
            for _page in self._pages():  # every page, to surface the first error a listing meets
                pass
        except StoreError as error:
            findings.append(self._finding(Severity.ERROR, f"tencent-{error.kind}", error.message, error.hint))
        return findings

    # --- internals -------------------------------------------------------------------------------

    def _pages(self) -> Iterator[list[dict[str, Any]]]:
        """contrib's getSecretNames: Offset += len(page) until a page is shorter than 100 (so an
        exact multiple of 100 costs one empty call)."""
        offset = 0
        while True:
            page = self._call("ListSecrets", {"Offset": offset, "Limit": PAGE_LIMIT, "State": ENABLED}, None)
            metas = page.get("SecretMetadatas") or []
            yield metas
            if len(metas) < PAGE_LIMIT:
                return
            offset += len(metas)

    def _call(self, action: str, params: dict[str, Any], name: str | None, version: str | None = None) -> dict[str, Any]:
        """One API call; the reply's `Response` object, or a typed error with Dapr's text."""
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

        try:
            client = getattr(self._local, "client", None)
            if client is None:
                client = self._local.client = _client(self.fields)
            response: dict[str, Any] = json.loads(client.call(action, params))["Response"]
            return response
        except TencentCloudSDKException as error:
            raise _translate(error, action, name, version, self.fields) from None
        except (ValueError, KeyError) as error:
            raise StoreUnreachable(f"{action}: unreadable reply from Tencent Cloud ({type(error).__name__})") from None

    def _finding(self, severity: Severity, code: str, message: str, hint: str) -> Diagnostic:
        return Diagnostic(severity, code, message, hint, source=self.context.component_source, component=self.name)


def _client(fields: Mapping[str, str]) -> Any:
    """contrib's ssm.NewClient(NewTokenCredential(id, key, token), region, NewClientProfile()): TC3
    signing, Chinese messages (zh-CN), no retries; our timeout instead of the SDK's 60 s."""
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.ssm.v20190923 import ssm_client

    http = HttpProfile(reqTimeout=int(DEFAULT_TIMEOUT))
    if _endpoint_for_tests is not None:
        http = HttpProfile(protocol="http", endpoint=_endpoint_for_tests, reqTimeout=int(DEFAULT_TIMEOUT))
    cred = credential.Credential(fields["secretId"], fields["secretKey"], fields["token"] or None)
    profile = ClientProfile(signMethod="TC3-HMAC-SHA256", httpProfile=http, language="zh-CN")
    return ssm_client.SsmClient(cred, fields["region"], profile)


def _translate(error: Any, action: str, name: str | None, version: str | None, fields: Mapping[str, str]) -> StoreError:
    """The Go SDK's error text (what daprd returns raw, T5) with a hint for people."""
    code, message, request_id = error.get_code() or "", error.get_message() or "", error.get_request_id() or ""
    if code in ("ClientNetworkError", "ServerNetworkError"):
        endpoint = _endpoint_for_tests or "ssm.tencentcloudapi.com"
        text = f"[TencentCloudSDKError] Code=ClientError.NetworkError, Message=Fail to get response because {_first_line(str(message))}"
        if "timed out" in str(message).lower():
            return StoreTimeout(text, f"Tencent Cloud did not answer within {DEFAULT_TIMEOUT:g} s")
        return StoreUnreachable(text, f"cannot reach {endpoint}: check the network")
    text = f"[TencentCloudSDKError] Code={code}, Message={message}" + (f", RequestId={request_id}" if request_id else "")
    target = f"secret '{name}'" if name else "the secret list"
    if code in ("AuthFailure.SecretIdNotFound", "AuthFailure.InvalidSecretId"):
        return AccessDenied(text, "Tencent does not know this SecretId: check secretId (or whether the API key was deleted)")
    if code == "AuthFailure.SignatureFailure":
        return AccessDenied(text, "the signature did not verify: secretKey does not belong to secretId")
    if code == "AuthFailure.SignatureExpire":
        return AccessDenied(text, "the request's timestamp is too far from Tencent's clock: check the system time")
    if code in ("AuthFailure.TokenFailure", "AuthFailure.InvalidAuthorization"):
        return AccessDenied(text, "the temporary token is invalid or expired: renew token (or remove it for a permanent key)")
    if code.startswith("AuthFailure") or code.startswith("UnauthorizedOperation"):
        return AccessDenied(
            text, f"{describe(fields)} may not call ssm:{action} on {target}: grant it in CAM (e.g. QcloudSSMReadOnlyAccess)"
        )
    if code.startswith("ResourceNotFound"):
        return SecretNotFound(text, f"no such secret or version in region {fields['region'] or '(empty)'}")
    if code.startswith("RequestLimitExceeded"):
        return StoreUnreachable(text, "Tencent throttled the calls (Dapr does not retry): wait and try again")
    if code in ("InvalidParameter.UnsupportedRegion", "UnsupportedRegion") or "region" in code.lower():
        return StoreError(text, "check region, e.g. ap-guangzhou")
    if action == "GetSecretValue" and version == "" and (code.startswith("MissingParameter") or code.startswith("InvalidParameter")):
        return StoreError(text, f"Tencent needs a version: pass ?metadata.{VERSION_ID}=<id> (case-sensitive)")
    if code.startswith("ResourceUnavailable"):
        return StoreError(text, f"{target} is disabled or pending deletion: enable it in Secrets Manager")
    return StoreError(text)


def _facts(meta: Mapping[str, Any]) -> dict[str, str]:
    info: dict[str, str] = {}
    for label, value in (
        ("status", STATUS_WORDS.get(meta.get("Status") or "", meta.get("Status") or "")),
        ("created", _when(meta.get("CreateTime"))),
        ("description", meta.get("Description") or ""),
        ("kms key", meta.get("KmsKeyId") or ""),
        ("rotation", "on" if meta.get("RotationStatus") in (1, "1", True) else ""),
    ):
        if value:
            info[label] = str(value)
    return info


def _when(seconds: Any) -> str:
    if not seconds:
        return ""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""
