"""Metadata and credentials of `secretstores.alicloud.parameterstore`, as contrib's
secretstores/alicloud/parameterstore/parameterstore.go decides them (dapr-cloud-stores.md §5, L1).

Four fields, matched case-insensitively, no endpoint/protocol/prefix. A non-empty access key ID and
secret make an `access_key` credential (`sts` with securityToken); when either is empty Dapr sets no
credential and signs every request with an empty key, so Init succeeds and each call fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dapr_secrets.backends.base import StoreMisconfigured
from dapr_secrets.backends.metadata import duplicate_property_error, property_lookup

# Go field name -> our name; kit's DecodeMetadata matches the field name case-insensitively.
FIELDS = ("regionId", "accessKeyId", "accessKeySecret", "securityToken")
# The endpoint helper's error (darabonba endpoint-util GetEndpointRules, rule "regional").
EMPTY_REGION = "RegionId is empty, please set a valid RegionId"


def read_metadata(properties: Mapping[str, str]) -> dict[str, str]:
    """The four fields ("" when absent), or Init's error (L1)."""
    duplicate = duplicate_property_error(properties)
    if duplicate is not None:  # getParameterStoreMetadata returns kit's error unwrapped
        raise StoreMisconfigured(duplicate.message, "remove one of the two properties that differ only by case")
    fields = {name: property_lookup(properties, name) or "" for name in FIELDS}
    if fields["regionId"] == "":  # oos.NewClient -> GetEndpoint("oos", regionId, "regional")
        raise StoreMisconfigured(EMPTY_REGION, "set regionId to the OOS region, e.g. cn-hangzhou")
    return fields


@dataclass(frozen=True)
class AlibabaCredential:
    """What signs the requests: Dapr's choice, described without the secret."""

    kind: str  # "access_key", "sts" or "" (no credential: signed with an empty key)
    access_key_id: str
    access_key_secret: str
    security_token: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> AlibabaCredential:
        if fields["accessKeyId"] and fields["accessKeySecret"]:
            kind = "sts" if fields["securityToken"] else "access_key"
            return cls(kind, fields["accessKeyId"], fields["accessKeySecret"], fields["securityToken"])
        return cls("", "", "", "")

    def describe(self) -> str:
        if not self.kind:
            return ("no credential: accessKeyId or accessKeySecret is empty, so Dapr signs every request "
                    "with an empty key and Alibaba Cloud refuses it")
        shown = f"…{self.access_key_id[-4:]}" if len(self.access_key_id) > 8 else "(short id)"
        if self.kind == "sts":
            return f"STS token with access key ID {shown} (the component's accessKeyId, accessKeySecret, securityToken)"
        return f"access key ID {shown} (the component's accessKeyId and accessKeySecret)"

    def sdk_credential(self) -> object:
        """A credential object for the Python client that signs exactly like Dapr's Go client:
        with the given key, or with an empty one (the Python client would otherwise refuse to send)."""
        from alibabacloud_credentials.models import CredentialModel

        model = CredentialModel(
            access_key_id=self.access_key_id,
            access_key_secret=self.access_key_secret,
            security_token=self.security_token or None,
            type=self.kind or "access_key",
        )

        class _Fixed:
            def get_credential(self) -> CredentialModel:
                return model

            async def get_credential_async(self) -> CredentialModel:
                return model

        return _Fixed()
