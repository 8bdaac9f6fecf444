"""Metadata, endpoint and project id of `secretstores.huaweicloud.csms`, as contrib's csms.go Init
and the Go SDK it pins (huaweicloud-sdk-go-v3 v0.1.56) decide them (dapr-cloud-stores.md §6, H1-H3).

daprd's Init returns an error only when the metadata does not decode. Everything else it does at Init
panics inside the Go SDK: an empty or unknown region, and any failure of the IAM lookup of the
project id (Dapr never passes one). A panic kills daprd whatever `ignoreErrors` says, so those are
`DaprdCrashes` here: shown as errors with the reason, never raised past the store.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dapr_secrets.backends.base import DEFAULT_TIMEOUT, DaprdCrashes, StoreMisconfigured
from dapr_secrets.backends.metadata import duplicate_property_error, property_lookup
from dapr_secrets.components.files import read_regular_file

SERVICE = "CSMS"
# hw-go@v0.1.56 services/csms/v1/region/region.go: the regions daprd's SDK knows (the Python SDK
# knows more; daprd's list is the one that decides).
GO_SDK_REGIONS = (
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "cn-east-2", "cn-east-3", "cn-north-1",
    "cn-north-2", "cn-north-4", "cn-south-1", "cn-southwest-2", "la-north-2", "la-south-2", "sa-brazil-1",
)
REGION_ENV_PREFIX = "HUAWEICLOUD_SDK_REGION_CSMS_"
REGIONS_FILE_ENV = "HUAWEICLOUD_SDK_REGIONS_FILE"
IAM_ENDPOINT_ENV = "HUAWEICLOUD_SDK_IAM_ENDPOINT"
DEFAULT_IAM_ENDPOINT = "https://iam.myhuaweicloud.com"
PANIC_HINT = "daprd would crash at startup (a panic in the Huawei Cloud SDK, not an Init error)"


@dataclass(frozen=True)
class HuaweiMetadata:
    region: str
    access_key: str
    secret_access_key: str


def read_metadata(properties: Mapping[str, str]) -> HuaweiMetadata:
    """H1: `region`, `accessKey`, `secretAccessKey`, case-insensitive; only a duplicate fails Init."""
    duplicate = duplicate_property_error(properties)
    if duplicate is not None:  # kit's DecodeMetadata error, wrapped by csms.go Init (Corrections)
        raise StoreMisconfigured(f"failed to decode metadata: {duplicate.message}")
    return HuaweiMetadata(
        property_lookup(properties, "region") or "",
        property_lookup(properties, "accessKey") or "",
        property_lookup(properties, "secretAccessKey") or "",
    )


def region_endpoint(region: str, env: Mapping[str, str], cwd: str) -> tuple[str, str]:
    """H2: the CSMS endpoint the Go SDK's region chain gives daprd, and where it came from.

    hw-go core/region/region_chain.go: env HUAWEICLOUD_SDK_REGION_CSMS_<ID>, then the regions file,
    then the static list (region.go ValueOf, which panics on anything else)."""
    if region == "":
        raise DaprdCrashes(
            "panic: unexpected empty parameter: regionId",
            "set the component's region (e.g. cn-north-4); " + PANIC_HINT,
        )
    variable = REGION_ENV_PREFIX + region.upper().replace("-", "_")
    if env.get(variable):
        return _with_scheme(env[variable]), f"env {variable}"
    from_file = _regions_file_endpoint(region, env, cwd)
    if from_file is not None:
        return from_file
    if region in GO_SDK_REGIONS:
        return f"https://kms.{region}.myhuaweicloud.com", "the SDK's region list"
    raise DaprdCrashes(
        f"panic: unexpected regionId: {region}",
        f"region '{region}' is not in the CSMS regions of the Go SDK daprd uses (v0.1.56: "
        f"{', '.join(GO_SDK_REGIONS)}) and no {variable} or regions file names it; " + PANIC_HINT,
    )


def _with_scheme(endpoint: str) -> str:
    # hw-go core/region: an endpoint without http(s) gets https:// prepended.
    return endpoint if endpoint.startswith("http") else "https://" + endpoint


def _regions_file_endpoint(region: str, env: Mapping[str, str], cwd: str) -> tuple[str, str] | None:
    """hw-go core/region/profile_region.go: {CSMS: [{id, endpoint}]} in a YAML file."""
    path = env.get(REGIONS_FILE_ENV) or (str(Path(env["HOME"], ".huaweicloud", "regions.yaml")) if env.get("HOME") else "")
    if not path:
        return None
    full = Path(cwd, path)
    try:
        import yaml

        content = yaml.safe_load(read_regular_file(str(full)))
    except (OSError, ValueError, ImportError):
        return None  # the Go chain skips an unreadable file
    if not isinstance(content, dict):
        return None
    for key, entries in content.items():
        if str(key).upper() != SERVICE or not isinstance(entries, list):
            continue
        for entry in entries:
            if isinstance(entry, dict) and entry.get("id") == region and entry.get("endpoint"):
                return _with_scheme(str(entry["endpoint"])), f"regions file {full}"
    return None


def iam_endpoint(env: Mapping[str, str]) -> str:
    """hw-go core/auth/internal/iam_service.go GetIamEndpoint: https:// is forced on the env value
    (an http:// value becomes https://http://..., which then fails)."""
    value = env.get(IAM_ENDPOINT_ENV, "")
    if not value:
        return DEFAULT_IAM_ENDPOINT
    return value if value.startswith("https://") else "https://" + value


def ca_bundle(env: Mapping[str, str], cwd: str) -> str | bool:
    """Go's crypto/x509 reads SSL_CERT_FILE on Linux; without it the system roots answer."""
    path = env.get("SSL_CERT_FILE", "")
    return str(Path(cwd, path)) if path else True


def lookup_project_id(meta: HuaweiMetadata, iam: str, verify: str | bool) -> str:
    """H3: basic_icredential.go ProcessAuthParams: IAM `GET /v3/projects?name=<region>`, signed
    with the AK/SK; exactly one project answers. Every failure panics in daprd."""
    if not meta.access_key and not meta.secret_access_key:
        raise DaprdCrashes(
            "panic: failed to get project id: accessKey and secretAccessKey are empty, so the SDK fetches "
            "temporary credentials from the ECS metadata service, which this tool does not do",
            "set accessKey and secretAccessKey (on ECS, daprd would try the instance's agency credentials)",
        )
    import requests
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.auth.internal import IamHelper
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcore.signer.signer import Signer

    request = IamHelper.get_keystone_list_projects_request(HttpConfig.get_default_config(), iam, meta.region)
    Signer(BasicCredentials(meta.access_key, meta.secret_access_key)).sign(request)
    split = urlsplit(iam)
    try:
        reply = requests.get(
            f"{split.scheme}://{split.netloc}{request.uri}",
            headers=request.header_params,
            verify=verify,
            timeout=DEFAULT_TIMEOUT,
        )
    except requests.RequestException as error:
        raise DaprdCrashes(
            f"panic: failed to get project id, {_first_line(str(error)) or type(error).__name__}",
            f"daprd cannot reach IAM at {iam}: check the network, or {IAM_ENDPOINT_ENV} (https only); " + PANIC_HINT,
        ) from None
    if reply.status_code >= 400:
        raise DaprdCrashes(
            f"panic: failed to get project id, {service_error_text(reply.status_code, reply.headers, reply.content)}",
            "IAM refused the accessKey/secretAccessKey: check them and that the key is enabled; " + PANIC_HINT,
        )
    try:
        projects = json.loads(reply.content).get("projects") or []
    except (ValueError, AttributeError):
        projects = []
    if len(projects) == 1 and isinstance(projects[0], dict) and projects[0].get("id"):
        return str(projects[0]["id"])
    if len(projects) > 1:
        reason = "multiple project ids have been returned, please specify one when initializing the credentials"
        hint = f"the account has several projects named {meta.region}; Dapr cannot choose one"
    else:
        reason = "No project id found, please specify project_id manually when initializing the credentials"
        hint = f"the account has no project named {meta.region}: check the region"
    raise DaprdCrashes(f"panic: failed to get project id, {reason}", f"{hint}; " + PANIC_HINT)


def service_error_text(status: int, headers: Mapping[str, str], content: bytes) -> str:
    """hw-go core/sdkerr/errors.go ServiceResponseError.Error(): its JSON, in struct order."""
    try:
        body: Any = json.loads(content)
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    if isinstance(body.get("error"), dict):  # IAM's {"error": {"code", "message"}}
        body = {"error_code": body["error"].get("code", ""), "error_msg": body["error"].get("message", "")}
    fields = {
        "status_code": status,
        "request_id": headers.get("X-Request-Id", ""),
        "error_code": str(body.get("error_code", "")),
        "error_message": str(body.get("error_msg", "")),
        "encoded_authorization_message": str(body.get("encoded_authorization_message", "")),
    }
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""
