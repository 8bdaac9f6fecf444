"""AWS SSM Parameter Store (`secretstores.aws.parameterstore`), answering like Dapr's store
(contrib secretstores/aws/parameterstore/parameterstore.go; dapr-cloud-stores.md §3).

`prefix` is pure concatenation: GET asks for prefix+name and keys the answer by the returned name
cut by len(prefix) characters; `version_id` is appended as `name:version` (a label works too).
There is no `endpoint` field: like daprd, only AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL move it.
Listing uses DescribeParameters (no values); describe uses GetParameterHistory without decryption
and keeps only versions, labels and dates, never a value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dapr_secrets.backends.aws.common import (
    AwsConnection,
    Service,
    boto3_module,
    isoformat,
    read_concurrently,
    roles_anywhere_error,
    with_prefix,
)
from dapr_secrets.backends.base import LastChanged, SecretDetails, SecretEntry, SecretStore, SecretVersion, StoreContext, StoreError
from dapr_secrets.backends.metadata import duplicate_property_error, property_lookup
from dapr_secrets.components.model import Diagnostic, Severity

SSM = Service("ssm", "SSM", "AWS_ENDPOINT_URL_SSM", "ssm")
VERSION_ID = "version_id"
LIST_PAGE = 50  # DescribeParameters' maximum MaxResults (Dapr sends none: the service default)


class ParameterStore(SecretStore):
    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        super().__init__(name, properties, context)
        duplicate = duplicate_property_error(properties)
        if duplicate is not None:
            raise duplicate
        refused = roles_anywhere_error(properties, context)
        if refused is not None:
            raise refused
        # ParameterStoreMetaData: region with the awsRegion alias; no endpoint field (§3.1).
        boto3_module()  # an optional extra: without it the store is listed with the install command
        self.connection = AwsConnection(SSM, properties, context, ("region", "awsRegion"), endpoint_metadata=False)
        self.prefix = property_lookup(properties, "prefix") or ""

    @property
    def name_separator(self) -> str | None:
        return "/"

    # --- Dapr's operations ---------------------------------------------------------------------

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        """S2-S4: GetParameter(prefix + name[:version_id], WithDecryption) keyed by the returned
        name minus len(prefix) characters."""
        requested = name + ":" + metadata[VERSION_ID] if VERSION_ID in metadata else name
        try:
            response = self.connection.call(
                "GetParameter", f"parameter '{self.prefix}{requested}'", Name=self.prefix + requested, WithDecryption=True
            )
        except StoreError as error:
            raise with_prefix(error, "couldn't get secret: ") from error
        return self._shape(response)

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        """S5-S6: every described parameter's latest value (version_id ignored), keyed by its name
        cut by len(prefix); all-or-nothing. Read a page at a time, concurrently, in Dapr's order."""
        names = ([p["Name"] for p in page.get("Parameters", []) if p.get("Name")] for page in self._describe_pages())
        return {
            parameter[len(self.prefix):]: shaped
            for parameter, shaped in read_concurrently(names, self._latest, f"ssm-{self.name}")
            if shaped is not None  # a nil value is skipped silently
        }

    # --- browsing, value-free -----------------------------------------------------------------

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        for page in self._describe_pages():
            yield [self._entry(p) for p in page.get("Parameters", []) if p.get("Name")]

    def describe(self, name: str) -> SecretDetails:
        """DescribeParameters (type, tier, KMS key, dates) and GetParameterHistory without decryption,
        of which only versions, labels and dates are kept: its Value fields are dropped unread."""
        full = self.prefix + name
        what = f"parameter '{full}'"
        found = []
        for page in self.connection.pages(
            "DescribeParameters", what, ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [full]}]
        ):
            found += page.get("Parameters", [])
        if not found:
            return SecretDetails(notes=(f"no parameter named '{full}' (the prefix {self.prefix!r} is prepended)",) if self.prefix else ())
        info = found[0]
        history: list[SecretVersion] = []
        for page in self.connection.pages("GetParameterHistory", what, Name=full, WithDecryption=False, MaxResults=50):
            for item in page.get("Parameters", []):
                history.append(_version(item, info.get("Version")))
        history.reverse()  # newest first
        tags = self._tags(full, what)
        return SecretDetails(attributes=_attributes(info, tags), versions=tuple(history), notes=tuple(self._notes(info)),
                             last_changed=LastChanged.at(info.get("LastModifiedDate"), "last modified"))

    def identity(self) -> str:
        return self.connection.identity()

    def diagnostics(self) -> list[Diagnostic]:
        findings = self._setting_findings()
        try:
            findings += self._content_findings()
        except StoreError as error:
            findings.append(self._finding(Severity.ERROR, f"aws-ssm-{error.kind}", error.message, error.hint))
        return findings

    # --- internals -------------------------------------------------------------------------------

    def _describe_pages(self) -> Iterator[dict[str, Any]]:
        """The BeginsWith filter only for a non-empty prefix (never Values: [""]; Corrections)."""
        filters = [{"Key": "Name", "Option": "BeginsWith", "Values": [self.prefix]}] if self.prefix else []
        params: dict[str, Any] = {"MaxResults": LIST_PAGE}
        if filters:
            params["ParameterFilters"] = filters
        try:
            yield from self.connection.pages("DescribeParameters", "parameters", **params)
        except StoreError as error:
            raise with_prefix(error, "couldn't list secrets: ") from error

    def _latest(self, parameter: str) -> dict[str, str] | None:
        try:
            response = self.connection.call("GetParameter", f"parameter '{parameter}'", Name=parameter, WithDecryption=True)
        except StoreError as error:  # S6: the AWS text is dropped
            raise type(error)(f"couldn't get secret: {parameter}", f"{error.message}; {error.hint}".strip("; ")) from error
        value = response.get("Parameter", {}).get("Value")
        if value is None:
            return None
        key = parameter[len(self.prefix):]
        return {key: value}

    def _shape(self, response: Mapping[str, Any]) -> dict[str, str]:
        parameter = response.get("Parameter") or {}
        returned, value = parameter.get("Name"), parameter.get("Value")
        if not returned or value is None:
            return {}
        return {returned[len(self.prefix):]: value}

    def _entry(self, parameter: Mapping[str, Any]) -> SecretEntry:
        full = parameter["Name"]
        key = full[len(self.prefix):]
        info = {"type": str(parameter.get("Type", "")), "version": str(parameter.get("Version", ""))}
        if parameter.get("Tier"):
            info["tier"] = str(parameter["Tier"])
        if parameter.get("LastModifiedDate"):
            info["updated"] = isoformat(parameter["LastModifiedDate"])
        if self.prefix:
            info["AWS name"] = full
        return SecretEntry(key, False, info, self._cut_note(full), LastChanged.at(parameter.get("LastModifiedDate"), "last modified"))

    def _cut_note(self, full: str) -> str:
        """S7: the key is cut by length, so a prefix that is not the start of the name (moto's optional
        leading "/"), or that ends mid-segment, gives a key the app would not expect."""
        if not self.prefix:
            return ""
        key = full[len(self.prefix):]
        if not full.startswith(self.prefix):
            return f"AWS name '{full}' does not start with prefix '{self.prefix}': Dapr's key '{key}' is cut mid-name"
        if not self.prefix.endswith("/") and key and not key.startswith("/"):
            return f"prefix '{self.prefix}' cuts '{full}' mid-segment: Dapr's key is '{key}'"
        return ""

    def _tags(self, full: str, what: str) -> list[dict[str, str]]:
        try:
            answer = self.connection.call("ListTagsForResource", what, ResourceType="Parameter", ResourceId=full)
            tags: list[dict[str, str]] = answer.get("TagList", [])
            return tags
        except StoreError:
            return []  # tags are a nicety: a policy without ssm:ListTagsForResource must not hide the rest

    def _notes(self, info: Mapping[str, Any]) -> Iterator[str]:
        if info.get("Type") == "SecureString":
            yield "SecureString: Dapr decrypts it (WithDecryption); daprd's identity needs kms:Decrypt on its key"
        if info.get("Type") == "StringList":
            yield "StringList: Dapr returns AWS's comma-joined text as one value"
        if self.prefix:
            yield (f"prefix '{self.prefix}': the app asks for '{info.get('Name', '')[len(self.prefix):]}', "
                   f"Dapr asks AWS for prefix + name")

    def _setting_findings(self) -> list[Diagnostic]:
        findings = []
        if property_lookup(self.properties, "endpoint"):
            findings.append(self._finding(
                Severity.WARNING, "aws-ssm-endpoint-ignored",
                "endpoint is ignored by aws.parameterstore (it has no endpoint field); daprd calls "
                f"{self.connection.endpoint or 'the regional SSM endpoint'}",
                "set AWS_ENDPOINT_URL_SSM (or AWS_ENDPOINT_URL) in daprd's environment to use another endpoint",
            ))
        if self.prefix and not self.prefix.endswith("/"):
            findings.append(self._finding(
                Severity.WARNING, "aws-ssm-prefix-no-slash",
                f"prefix '{self.prefix}' does not end with '/': it is a plain string prefix, so it also matches "
                f"e.g. '{self.prefix}lication/x', whose key becomes 'lication/x'",
                f"end the prefix with '/' ('{self.prefix}/')",
            ))
        if self.properties.get("assumeRoleArn") and not all(
            self.properties.get(k) for k in ("trustAnchorArn", "trustProfileArn")
        ):
            findings.append(self._finding(
                Severity.WARNING, "aws-assume-role-ignored",
                "assumeRoleArn is ignored: this store never assumes a role (only Roles Anywhere uses it)",
                "grant the parameters to the identity daprd already has, or give it the role through IRSA or a profile",
            ))
        return findings

    def _content_findings(self) -> list[Diagnostic]:
        findings = []
        for page in self._describe_pages():
            for parameter in page.get("Parameters", []):
                note = self._cut_note(parameter.get("Name", "")) if parameter.get("Name") else ""
                if note:
                    findings.append(self._finding(
                        Severity.WARNING, "aws-ssm-prefix-cuts-name", note,
                        "end the prefix with '/' so it matches whole path segments only",
                    ))
        return findings

    def _finding(self, severity: Severity, code: str, message: str, hint: str) -> Diagnostic:
        return Diagnostic(severity, code, message, hint, source=self.context.component_source, component=self.name)


def _attributes(info: Mapping[str, Any], tags: list[dict[str, str]]) -> dict[str, str]:
    attributes = {"type": str(info.get("Type", "")), "tier": str(info.get("Tier", "Standard"))}
    if info.get("ARN"):
        attributes["ARN"] = str(info["ARN"])
    attributes["version"] = str(info.get("Version", ""))
    if info.get("Description"):
        attributes["description"] = str(info["Description"])
    if info.get("LastModifiedDate"):
        attributes["last changed"] = isoformat(info["LastModifiedDate"])
    if info.get("LastModifiedUser"):
        attributes["changed by"] = str(info["LastModifiedUser"])
    if info.get("KeyId"):
        attributes["KMS key"] = str(info["KeyId"])
    if info.get("DataType"):
        attributes["data type"] = str(info["DataType"])
    if tags:
        attributes["tags"] = ", ".join(f"{t.get('Key')}={t.get('Value')}" for t in tags)
    return attributes


def _version(item: Mapping[str, Any], latest: Any) -> SecretVersion:
    """One history entry, without its Value. The latest is "current" (Dapr reads it without
    version_id); labels are shown, and `name:label` reads them too (S2)."""
    words = ["current"] if item.get("Version") == latest else []
    labels = item.get("Labels") or []
    if labels:
        words.append("labels " + " ".join(labels))
    return SecretVersion(str(item.get("Version", "")), isoformat(item.get("LastModifiedDate")), ", ".join(words))
