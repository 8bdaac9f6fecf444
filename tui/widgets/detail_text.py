"""What the Secret pane writes, as Text built from a ShownSecret: its title, the value cells (masked
unless revealed), the revealed values in full, the versions list's cells and the information block.

Every name, value and store message is untrusted text: it goes through safe_text / escape_control.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime

from rich.text import Text

from dapr_secrets.backends.base import SecretDetails, SecretVersion
from dapr_secrets.tui.ages import last_changed_text
from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.formats import api_url
from dapr_secrets.tui.safe_text import (
    ValueKind,
    masked_value,
    safe_text,
    value_display,
    value_kind,
    value_preview,
)
from dapr_secrets.tui.widgets.shown_secret import Phase, ShownSecret, is_current, unreadable_reason

VERSION_ID_WIDTH = 12  # cells of the version column; longer ids (Key Vault's 32 hex digits) are cut
SUMMARY_VERSIONS = 8  # versions named in the one-line summary

_RFC3339 = re.compile(r"(?P<date>\d{4}-\d\d-\d\d)[T ](?P<minute>\d\d:\d\d):\d\d(?:\.\d+)?(?P<zone>Z|[+-]\d\d:\d\d)?")


def short_time(text: str) -> str:
    """An RFC 3339 time to the minute, to fit a narrow column ("2026-01-02T03:04:05.123456789Z" ->
    "2026-01-02 03:04Z"); anything else as it is."""
    match = _RFC3339.fullmatch(text)
    return f"{match['date']} {match['minute']}{match['zone'] or ''}" if match else text


def multiline_text(text: str, style: str = "") -> Text:
    """Untrusted text whose lines are kept (an error and its hint), each escaped."""
    return Text("\n", end="").join(safe_text(line, style) for line in text.split("\n"))


def cut(text: Text, width: int) -> Text:
    """`text` in at most `width` cells, ending in "…" when cut."""
    if text.cell_len > width:
        text.truncate(width - 1)
        text.append("…", style="dim")
    return text


def title(shown: ShownSecret) -> Text:
    text = Text.assemble(safe_text(shown.name, "bold"), ("  in ", "dim"), safe_text(shown.store))
    if shown.version is not None:
        text.append_text(Text.assemble(("  version ", "yellow"), safe_text(shown.version, "bold yellow")))
    return text


def value_cell(value: str, revealed: bool, width: int) -> Text:
    """A value in the keys table: masked, with what to expect once revealed (never the length)."""
    if revealed:
        return value_preview(value, width)
    kind = value_kind(value)
    return masked_value() if kind == ValueKind.TEXT else Text.assemble(masked_value(), (f"  {kind.value}", "dim"))


def revealed_values(shown: ShownSecret, revealed: Collection[str]) -> Text | None:
    """Every revealed value in full (the table cell may be cut): JSON pretty, lines kept."""
    values = shown.values
    if values is None:
        return None
    parts = [
        Text.assemble(safe_text(key, "bold"), ("\n", ""), _full_value(values[key]))
        for key in shown.keys()
        if key in revealed
    ]
    return Text("\n").join(parts) if parts else None


def _full_value(value: str) -> Text:
    return value_display(value) if value else Text("(empty)", style="dim italic")


def version_cells(version: SecretVersion) -> tuple[Text, Text, Text]:
    label = cut(safe_text(version.id), VERSION_ID_WIDTH)  # in full in the title and the API URL once picked
    style = "red" if unreadable_reason(version) else "green" if is_current(version) else ""
    return label, safe_text(version.state or "-", style), safe_text(short_time(version.created), "dim")


def information(shown: ShownSecret, scope: Text | None, sidecar_url: str | None, now: datetime) -> Text:
    """Below the keys: Dapr's surprises, the read's outcome, who read it, scopes, attributes, when it
    last changed (as of `now`, the app's clock), the API URL, the versions and what each changed."""
    details = shown.details or SecretDetails()
    # Dapr's surprises first: they explain what follows (a failed read, most often).
    lines = [Text.assemble(("⚠ note: ", "bold yellow"), safe_text(note, "yellow")) for note in details.notes]
    phase = shown.phase
    if phase is Phase.UNREADABLE:
        lines.append(Text.assemble((f"version {escape_control(shown.version or '')} cannot be read: ", "bold red"),
                                   safe_text(shown.unreadable)))
    elif phase is Phase.FAILED:
        lines.append(Text.assemble(("could not read it: ", "bold red"), multiline_text(shown.error)))
    elif phase is Phase.READING:
        lines.append(Text("reading…", style="dim"))
    elif phase is Phase.NO_DATA:
        lines.append(Text("Dapr answers 204 No Content: the store returned no data", style="yellow"))
    elif not shown.values:
        lines.append(Text("no keys", style="dim"))
    if shown.identity:
        lines.append(Text.assemble(("as ", "dim"), safe_text(shown.identity)))
    if scope is not None:
        lines.append(scope)
    if shown.details_error:
        lines.append(Text.assemble(("no details from the store: ", "dim"), multiline_text(shown.details_error)))
    if details.attributes:
        lines.append(Text("  ·  ", style="dim").join(
            Text.assemble((f"{name} ", "dim"), safe_text(str(value))) for name, value in details.attributes.items()
        ))
    if details.last_changed is not None:
        lines.append(last_changed_text(details.last_changed, now))
    if shown.version is not None:
        lines.append(Text.assemble(("showing version ", "yellow"), safe_text(shown.version), ("  (v: next)", "dim")))
    url = api_url(shown.store, shown.name, shown.version, sidecar_url, shown.version_key)
    lines.append(Text.assemble(("GET ", "dim"), safe_text(url)))
    if shown.version is not None:
        lines.append(Text("A secretKeyRef in a component always reads the current version "
                          "(it has no version field).", style="dim"))
    if details.versions:
        lines.append(_versions_summary(details.versions))
    if shown.changes:
        lines.append(Text("what each version changed (keys only):", style="dim"))
        lines += [Text.assemble(("  ", ""), safe_text(change.version), ("  " + short_time(change.created) + "  ", "dim"),
                                safe_text(change.summary())) for change in shown.changes[:SUMMARY_VERSIONS]]
    return Text("\n").join(lines)


def _versions_summary(versions: tuple[SecretVersion, ...]) -> Text:
    shown = ", ".join(v.id + (f" ({v.state})" if v.state else "") for v in versions[:SUMMARY_VERSIONS])
    more = f" and {len(versions) - SUMMARY_VERSIONS} more" if len(versions) > SUMMARY_VERSIONS else ""
    summary = Text.assemble(("versions: ", "dim"), safe_text(shown + more))
    if len(versions) > 1:
        summary.append("\nin the list above: highlight a version to read it, then x or c  ·  v: next older",
                       style="dim")
    return summary
