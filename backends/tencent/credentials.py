"""Metadata of `secretstores.tencentcloud.ssm`, as contrib's secretstores/tencentcloud/ssm/ssm.go `Init`
decides it (dapr-cloud-stores.md §7, T1).

Four fields, matched case-insensitively by their Go names (SecretID, SecretKey, Token, Region; the
json tags play no part in kit's DecodeMetadata). Only the id and key are checked; there is no default
credential chain and no endpoint field; an empty region is not checked at Init.
"""

from __future__ import annotations

from collections.abc import Mapping

from dapr_secrets.backends.base import StoreMisconfigured
from dapr_secrets.backends.metadata import duplicate_property_error, property_lookup

FIELDS = ("secretId", "secretKey", "token", "region")


def read_metadata(properties: Mapping[str, str]) -> dict[str, str]:
    """The four fields ("" when absent), or Init's error (T1)."""
    duplicate = duplicate_property_error(properties)
    if duplicate is not None:  # kit's DecodeMetadata error, returned unwrapped by this store's Init
        raise duplicate
    fields = {name: property_lookup(properties, name) or "" for name in FIELDS}
    if fields["secretId"] == "" or fields["secretKey"] == "":
        missing = " and ".join(name for name in ("secretId", "secretKey") if fields[name] == "")
        raise StoreMisconfigured(
            "secret params are empty",
            f"set {missing}: Dapr's Tencent store has no default credential chain (a CAM API key, "
            "from the console's API Keys page, ideally through secretKeyRef)",
        )
    return fields


def describe(fields: Mapping[str, str]) -> str:
    """Who the store talks as, for the UI: the SecretId (an identifier, not a secret), never the key."""
    secret_id = fields["secretId"]
    shown = secret_id if len(secret_id) <= 12 else f"{secret_id[:8]}…{secret_id[-4:]}"
    token = " with a temporary token (STS)" if fields["token"] else ""
    region = fields["region"] or "no region"
    return f"as SecretId {shown}{token}, region {region}"
