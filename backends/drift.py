"""Prediction against truth (issue #18): what the component files say daprd loads and answers,
next to what a running sidecar really loaded and answers.

Value-blind: values are compared with a constant-time comparison of their canonical JSON and
dropped; a row says "same" or "different", never a value, a hash or a length.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass

from dapr_secrets.backends.runtime import ApiResponse, Runtime, State
from dapr_secrets.backends.sidecar import SidecarRuntime

# `typing` is for type checkers only: importing it costs the headless CLI's startup ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SCHEMA_VERSION = 1
MAX_LOOKUPS = 200  # per store: secrets missing from the sidecar's bulk, asked for one by one to say why

# States in which daprd has the component loaded (UNSUPPORTED: daprd loads it, this tool cannot open it).
LOADED = (State.READY, State.DEGRADED, State.UNSUPPORTED)


@dataclass(frozen=True)
class DriftRow:
    kind: str
    component: str
    secret: str = ""
    detail: str = ""
    drift: bool = True  # False for notes (what could not be compared, and why)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "component": self.component, "secret": self.secret, "detail": self.detail, "drift": self.drift}


def compare(predicted: Runtime, sidecar: SidecarRuntime) -> list[DriftRow]:
    predicted.start()
    rows: list[DriftRow] = []
    actual = {c.name: c for c in sidecar.components}
    both: list[str] = []
    for component in predicted.components:
        status = predicted.status(component.name)
        loaded = status.state in LOADED
        other = actual.get(component.name)
        if other is None:
            if loaded:
                detail = "the files predict daprd loads it; the sidecar has not"
                rows.append(DriftRow("component-only-in-files", component.name, detail=detail))
            continue
        if not loaded:
            rows.append(
                DriftRow(
                    "component-only-in-sidecar", component.name,
                    detail=f"the sidecar loaded it; the files predict it does not load ({status.state.value}: {status.message})",
                )
            )
            continue
        if other.type != component.type:
            rows.append(DriftRow("type-differs", component.name, detail=f"files: {component.type}; sidecar: {other.type}"))
            continue
        if other.version != component.version:
            rows.append(
                DriftRow(
                    "version-differs",
                    component.name,
                    detail=f"files: {component.version or '(none)'}; sidecar: {other.version or '(none)'}",
                )
            )
        both.append(component.name)
    predicted_names = {c.name for c in predicted.components}
    for name, other in actual.items():
        if name not in predicted_names:
            rows.append(DriftRow("component-only-in-sidecar", name, detail=f"{other.type}: not in the files"))
    for name in both:
        found = predicted.component(name)
        if found is not None and found.is_secret_store:
            rows += _compare_store(predicted, sidecar, name)
    return rows


def _compare_store(predicted: Runtime, sidecar: SidecarRuntime, store: str) -> list[DriftRow]:
    component = predicted.component(store)
    if predicted.status(store).state != State.READY or component is None:
        return [DriftRow("not-compared", store, detail=f"this tool cannot read the store: {predicted.status(store).message}", drift=False)]
    if component.type == "secretstores.local.env":
        return [DriftRow("not-compared", store, detail="local.env reads this tool's environment, not daprd's", drift=False)]
    expected = predicted.api_bulk(store)
    answered = sidecar.api_bulk(store)
    if not answered.ok:
        return [DriftRow("store-unreadable-in-sidecar", store, detail=_error_text(answered))]
    if not expected.ok:
        return [DriftRow("not-compared", store, detail=f"the files' prediction fails: {_error_text(expected)}", drift=False)]
    mine, theirs = expected.body or {}, answered.body or {}
    rows: list[DriftRow] = []
    missing = sorted(set(mine) - set(theirs))
    for secret in missing[:MAX_LOOKUPS]:
        rows.append(DriftRow("secret-missing-in-sidecar", store, secret, _why_missing(sidecar, store, secret)))
    if len(missing) > MAX_LOOKUPS:
        rows.append(DriftRow("secret-missing-in-sidecar", store, f"(and {len(missing) - MAX_LOOKUPS} more)", "not asked one by one"))
    for secret in sorted(set(theirs) - set(mine)):
        decision = predicted.scope_decision(store, secret)
        why = (
            f"the files' secret scopes deny it ({decision.rule})" if not decision.allowed
            else "not in the store as the files configure it"
        )
        rows.append(DriftRow("secret-only-in-sidecar", store, secret, f"the sidecar answers it; {why}"))
    for secret in sorted(set(mine) & set(theirs)):
        if not _same(mine[secret], theirs[secret]):
            rows.append(DriftRow("value-differs", store, secret, _difference(mine[secret], theirs[secret])))
    return rows


def _why_missing(sidecar: SidecarRuntime, store: str, secret: str) -> str:
    answer = sidecar.api_get(store, secret)  # a 200 body is dropped unread
    if answer.status == 403:
        return "the sidecar's secret scopes deny it (403); the files predict the app can read it"
    if answer.ok:
        return "the sidecar answers it by name but leaves it out of bulk"
    return f"the sidecar does not have it: {_error_text(answer)}"


def _same(left: object, right: object) -> bool:
    return hmac.compare_digest(_canonical(left), _canonical(right))


def _canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogateescape")


def _difference(left: object, right: object) -> str:
    """Which keys differ, by name; never a value."""
    if isinstance(left, dict) and isinstance(right, dict) and set(left) != set(right):
        only_files = ", ".join(sorted(set(left) - set(right))) or "-"
        only_sidecar = ", ".join(sorted(set(right) - set(left))) or "-"
        return f"keys differ (only in the files' store: {only_files}; only in the sidecar: {only_sidecar})"
    if isinstance(left, dict) and isinstance(right, dict):
        keys = ", ".join(k for k in sorted(left) if not _same(left[k], right[k]))
        return f"values differ for key(s) {keys} (value-blind comparison)"
    return "values differ (value-blind comparison)"


def _error_text(answer: ApiResponse) -> str:
    body = answer.body or {}
    if "errorCode" in body:
        return f"HTTP {answer.status} {body.get('errorCode')}: {body.get('message', '')}"
    return f"HTTP {answer.status}"


def report(rows: list[DriftRow], sidecar: SidecarRuntime) -> dict[str, Any]:
    drifting = [r for r in rows if r.drift]
    kinds: dict[str, int] = {}
    for row in drifting:
        kinds[row.kind] = kinds.get(row.kind, 0) + 1
    return {
        "schema_version": SCHEMA_VERSION,
        "sidecar": {"url": sidecar.client.url, "app_id": sidecar.info.app_id, "runtime_version": sidecar.info.runtime_version},
        "summary": {"drift": len(drifting), "notes": len(rows) - len(drifting), "by_kind": kinds},
        "rows": [r.to_json() for r in rows],
    }
