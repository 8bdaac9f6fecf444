"""AWS Secrets Manager (`secretstores.aws.secretmanager`), answering like Dapr's store
(contrib secretstores/aws/secretmanager/secretmanager.go; dapr-cloud-stores.md §2).

GET is keyed by the Name AWS returns (not the requested id); `multipleKeyValuesPerSecret` splits a
JSON object into members re-encoded the Go way; bulk lists with ListSecrets and reads each current
value, all-or-nothing. Listing and describe never read a value.
"""

from __future__ import annotations

import json
import threading
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
from dapr_secrets.components.golang import go_json, is_truthy
from dapr_secrets.components.model import Diagnostic, Severity

SECRETS_MANAGER = Service("secretsmanager", "Secrets Manager", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "secretsmanager")
VERSION_ID = "version_id"
VERSION_STAGE = "version_stage"
CURRENT = "AWSCURRENT"
LIST_PAGE = 100  # ListSecrets' maximum MaxResults


class SecretsManagerStore(SecretStore):
    def __init__(self, name: str, properties: Mapping[str, str], context: StoreContext) -> None:
        super().__init__(name, properties, context)
        duplicate = duplicate_property_error(properties)
        if duplicate is not None:
            raise duplicate
        refused = roles_anywhere_error(properties, context)
        if refused is not None:
            raise refused
        # SecretManagerMetaData: `region` only, no awsRegion alias (§2.1).
        boto3_module()  # an optional extra: without it the store is listed with the install command
        self.connection = AwsConnection(SECRETS_MANAGER, properties, context, ("region",), endpoint_metadata=True)
        self._multi = is_truthy(property_lookup(properties, "multipleKeyValuesPerSecret"))
        self._binary: set[str] = set()  # names whose current value was binary (Dapr returns {})
        self._binary_lock = threading.Lock()

    @property
    def multi_valued(self) -> bool:  # type: ignore[override]  # per instance: the metadata decides (A14)
        return self._multi

    @property
    def name_separator(self) -> str | None:
        return "/"

    # --- Dapr's operations ---------------------------------------------------------------------

    def get_secret(self, name: str, metadata: Mapping[str, str]) -> dict[str, str] | None:
        """A6-A9: VersionId / VersionStage when the keys are present (even empty); keyed by the
        returned Name; {} for a binary-only secret."""
        params: dict[str, Any] = {"SecretId": name}
        for key, field in ((VERSION_ID, "VersionId"), (VERSION_STAGE, "VersionStage")):
            if key in metadata:
                if metadata[key] == "":  # daprd sends "" and AWS refuses it; boto3 would refuse to send it
                    raise StoreError(
                        f"couldn't get secret: operation error Secrets Manager: GetSecretValue, "
                        f"{field} is empty (metadata.{key} was given without a value)",
                        f"give metadata.{key} a value, or leave it out for the {CURRENT} version",
                    )
                params[field] = metadata[key]
        try:
            response = self.connection.call("GetSecretValue", f"secret '{name}'", **params)
        except StoreError as error:
            raise with_prefix(error, "couldn't get secret: ") from error
        return self._format(response)

    def bulk_get(self, metadata: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
        """A12-A13: every listed secret's current value, keyed by its listed Name; request metadata
        is ignored. Dapr reads one by one; we read a page concurrently
        while listing the next (read_concurrently): same map, same first error."""
        names = ([e["Name"] for e in page.get("SecretList", []) if e.get("Name")] for page in self._list_pages())
        return dict(read_concurrently(names, self._current, f"asm-{self.name}"))

    # --- browsing, value-free -----------------------------------------------------------------

    def list_names(self, folder: str = "") -> Iterator[list[SecretEntry]]:
        for page in self._list_pages():
            yield [_entry(item) for item in page.get("SecretList", []) if item.get("Name")]

    def describe(self, name: str) -> SecretDetails:
        """DescribeSecret and ListSecretVersionIds: ARN, dates, rotation, KMS key, tags, versions and
        their stages. Never GetSecretValue."""
        what = f"secret '{name}'"
        info = self.connection.call("DescribeSecret", what, SecretId=name)
        versions: list[dict[str, Any]] = []
        for page in self.connection.pages("ListSecretVersionIds", what, SecretId=name, IncludeDeprecated=True):
            versions += page.get("Versions", [])
        attributes = _attributes(info)
        notes = list(self._notes(name, info))
        newest_first = sorted(versions, key=lambda v: isoformat(v.get("CreatedDate")), reverse=True)
        newest_first.sort(key=_stage_rank)  # stable: AWSCURRENT, AWSPREVIOUS, other stages, deprecated
        return SecretDetails(
            attributes=attributes,
            versions=tuple(_version(v) for v in newest_first),
            notes=tuple(notes),
            last_changed=_last_changed(info),
        )

    def last_changed(self, name: str) -> LastChanged | None:
        return _last_changed(self.connection.call("DescribeSecret", f"secret '{name}'", SecretId=name))

    def identity(self) -> str:
        return self.connection.identity()

    def diagnostics(self) -> list[Diagnostic]:
        findings = self._setting_findings()
        try:
            findings += self._content_findings()
        except StoreError as error:
            findings.append(self._finding(Severity.ERROR, f"aws-sm-{error.kind}", f"couldn't list secrets: {error.message}", error.hint))
        return findings

    # --- internals -------------------------------------------------------------------------------

    def _list_pages(self) -> Iterator[dict[str, Any]]:
        """ListSecrets without filters: secrets planned for deletion are not listed, as in Dapr."""
        try:
            yield from self.connection.pages("ListSecrets", "secrets", MaxResults=LIST_PAGE)
        except StoreError as error:
            raise with_prefix(error, "couldn't list secrets: ") from error

    def _current(self, name: str) -> dict[str, str]:
        """Bulk's read: A13 drops the AWS error text and names the secret only."""
        try:
            response = self.connection.call("GetSecretValue", f"secret '{name}'", SecretId=name)
        except StoreError as error:
            raise type(error)(f"couldn't get secret: {name}", f"{error.message}; {error.hint}".strip("; ")) from error
        return self._format(response)

    def _format(self, response: Mapping[str, Any]) -> dict[str, str]:
        """contrib `formatSecret`: {} without SecretString or Name (A8)."""
        name, text = response.get("Name"), response.get("SecretString")
        if name and text is None and response.get("SecretBinary") is not None:
            with self._binary_lock:
                self._binary.add(name)
        if not name or text is None:
            return {}
        return format_secret(name, text, self._multi)

    def _notes(self, name: str, info: Mapping[str, Any]) -> Iterator[str]:
        stages = {s for stage_list in (info.get("VersionIdsToStages") or {}).values() for s in stage_list}
        if info.get("DeletedDate"):
            yield (f"scheduled for deletion on {isoformat(info['DeletedDate'])}: Dapr's GET fails "
                   "(InvalidRequestException) and bulk does not list it")
        elif CURRENT not in stages:
            yield (f"no {CURRENT} version: Dapr's GET fails, and so does the whole bulk "
                   f"(couldn't get secret: {name})")
        with self._binary_lock:
            binary = info.get("Name", name) in self._binary
        if binary:
            yield "binary secret (SecretBinary): Dapr returns an empty map {} for it; it never reads SecretBinary"
        if self._multi:
            yield ("multipleKeyValuesPerSecret: a JSON object's members are the keys (numbers and nested values "
                   "re-encoded as Go's JSON); anything else is one key named after the secret")

    def _setting_findings(self) -> list[Diagnostic]:
        findings = []
        if property_lookup(self.properties, "awsRegion") and not property_lookup(self.properties, "region"):
            findings.append(self._finding(
                Severity.WARNING, "aws-sm-awsregion-ignored",
                "awsRegion is ignored by aws.secretmanager (it has no awsRegion alias, unlike aws.parameterstore)",
                f"rename it to region; daprd now uses {self.connection.region or 'no region'} ({self.connection.region_source})",
            ))
        if self.properties.get("assumeRoleArn") and not all(
            self.properties.get(k) for k in ("trustAnchorArn", "trustProfileArn")
        ):
            findings.append(self._finding(
                Severity.WARNING, "aws-assume-role-ignored",
                "assumeRoleArn is ignored: this store never assumes a role (only Roles Anywhere uses it)",
                "grant the secrets to the identity daprd already has, or give it the role through IRSA or a profile",
            ))
        return findings

    def _content_findings(self) -> list[Diagnostic]:
        findings = []
        for page in self._list_pages():
            for item in page.get("SecretList", []):
                stages = {s for v in (item.get("SecretVersionsToStages") or {}).values() for s in v}
                if item.get("Name") and CURRENT not in stages:
                    findings.append(self._finding(
                        Severity.ERROR, "aws-sm-no-current-version",
                        f"secret '{item['Name']}' has no {CURRENT} value: Dapr's bulk fails for the whole store "
                        f"(couldn't get secret: {item['Name']})",
                        "put a value in it, or delete it",
                    ))
        return findings

    def _finding(self, severity: Severity, code: str, message: str, hint: str) -> Diagnostic:
        return Diagnostic(severity, code, message, hint, source=self.context.component_source, component=self.name)


# --- shaping what AWS returns ----------------------------------------------------------------------


class _GoJsonError(ValueError):
    pass


def _reject_constant(text: str) -> Any:
    raise _GoJsonError(text)  # Go rejects NaN and Infinity


def format_secret(name: str, text: str, multiple: bool) -> dict[str, str]:
    """contrib `formatSecret` + `convertMapAnyToString` (A10-A11): off, or not a JSON object ->
    {name: text}; `null` -> {}; an object -> its members, strings as they are, others Go-encoded."""
    if not multiple:
        return {name: text}
    try:
        decoded = json.loads(text, parse_int=float, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return {name: text}
    if decoded is None:
        return {}
    if not isinstance(decoded, dict):
        return {name: text}
    return {key: value if isinstance(value, str) else go_json(value) for key, value in decoded.items()}


def _entry(item: Mapping[str, Any]) -> SecretEntry:
    stages = {s for v in (item.get("SecretVersionsToStages") or {}).values() for s in v}
    info = {"updated": isoformat(item.get("LastChangedDate") or item.get("CreatedDate"))}
    if item.get("Description"):
        info["description"] = str(item["Description"])
    note = "" if CURRENT in stages else f"no {CURRENT} value: Dapr's GET fails and so does the whole bulk"
    return SecretEntry(item["Name"], False, info, note, _last_changed(item))


def _last_changed(item: Mapping[str, Any]) -> LastChanged | None:
    """LastChangedDate: the value, or the secret's settings, changed; absent until then."""
    return LastChanged.at(item.get("LastChangedDate"), "last changed") or LastChanged.at(item.get("CreatedDate"), "created")


def _attributes(info: Mapping[str, Any]) -> dict[str, str]:
    attributes = {"ARN": str(info.get("ARN", ""))}
    if info.get("Description"):
        attributes["description"] = str(info["Description"])
    for label, field in (
        ("created", "CreatedDate"),
        ("last changed", "LastChangedDate"),
        ("last accessed", "LastAccessedDate"),
        ("last rotated", "LastRotatedDate"),
        ("next rotation", "NextRotationDate"),
        ("deletion date", "DeletedDate"),
    ):
        if info.get(field):
            attributes[label] = isoformat(info[field])
    attributes["rotation"] = "enabled" if info.get("RotationEnabled") else "disabled"
    rules = info.get("RotationRules") or {}
    if info.get("RotationEnabled") and rules:
        attributes["rotation rule"] = str(rules.get("ScheduleExpression") or f"every {rules.get('AutomaticallyAfterDays')} days")
    attributes["KMS key"] = str(info.get("KmsKeyId") or "aws/secretsmanager (the default key)")
    if info.get("PrimaryRegion"):
        attributes["primary region"] = str(info["PrimaryRegion"])
    if info.get("OwningService"):
        attributes["owning service"] = str(info["OwningService"])
    tags = info.get("Tags") or []
    if tags:
        attributes["tags"] = ", ".join(f"{t.get('Key')}={t.get('Value')}" for t in tags)
    return attributes


def _stage_rank(version: Mapping[str, Any]) -> int:
    stages = version.get("VersionStages") or []
    return 0 if CURRENT in stages else 1 if "AWSPREVIOUS" in stages else 2 if stages else 3


def _version(version: Mapping[str, Any]) -> SecretVersion:
    """Stages are the state words; AWSCURRENT is "current" (what Dapr reads without version_id)."""
    stages = list(version.get("VersionStages") or [])
    words = (["current"] if CURRENT in stages else []) + stages
    if not stages:
        words.append("deprecated (no stage)")
    return SecretVersion(str(version.get("VersionId", "")), isoformat(version.get("CreatedDate")), ", ".join(words))
