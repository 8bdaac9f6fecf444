"""tui/widgets/shown_secret.py: the Secret pane's shown secret is one immutable value; reading,
picking a version and the versions' states move it from one whole state to the next."""

from __future__ import annotations

import dataclasses

import pytest

from dapr_secrets.backends.base import SecretDetails, SecretVersion
from dapr_secrets.tui.widgets.shown_secret import Phase, ReadResult, SecretRef, ShownSecret, ValueTarget

VERSIONS = (
    SecretVersion("3", state="current"),
    SecretVersion("2", state="destroyed"),
    SecretVersion("1"),
)


def read(shown: ShownSecret) -> ShownSecret:
    return shown.with_read(ReadResult({"b": "x", "a10": "y", "a9": "z"}, details=SecretDetails(versions=VERSIONS),
                                      identity="token", version_key="VersionID"))


def test_the_shown_secret_cannot_be_changed_in_place():
    shown = ShownSecret("vault", "db")
    with pytest.raises(dataclasses.FrozenInstanceError):
        shown.version = "1"  # type: ignore[misc]  # the point of the test


def test_a_read_fills_values_details_identity_and_the_stores_version_key():
    shown = read(ShownSecret("vault", "db"))
    assert shown.read_done and shown.keys() == ["a9", "a10", "b"]  # natural order
    assert shown.versions == VERSIONS and shown.identity == "token" and shown.version_key == "VersionID"
    assert shown.ref == SecretRef("vault", "db")


def test_a_failed_read_keeps_no_values():
    shown = ShownSecret("vault", "db").with_read(ReadResult({"a": "leftover"}, error="denied"))
    assert shown.read_done and shown.values is None and shown.error == "denied"


def test_picking_a_version_forgets_the_values_but_keeps_what_the_store_said():
    shown = read(ShownSecret("vault", "db")).with_version("1")
    assert shown.version == "1" and not shown.read_done and shown.values is None
    assert shown.versions == VERSIONS and shown.version_key == "VersionID"
    version = shown.with_read(ReadResult({"a": "old"}))
    assert version.values == {"a": "old"} and version.versions == VERSIONS  # a version read asks no details


def test_an_unreadable_version_is_not_asked_for_and_says_why():
    shown = read(ShownSecret("vault", "db")).with_version("2")
    assert shown.read_done and shown.values is None
    assert shown.unreadable == "it is destroyed: its value is gone for good, so Dapr's GET with version_id=2 fails"


def test_next_version_skips_the_current_and_unreadable_ones_then_comes_back():
    shown = read(ShownSecret("vault", "db"))
    assert shown.next_version() == "1"
    assert shown.with_version("1").next_version() is None  # back to the current one
    assert shown.current_version() == "3"
    assert shown.row_version("3") is None and shown.row_version("1") == "1"  # the current row reads like Dapr's default


def test_value_target_label_is_escaped_and_names_the_key():
    label = ValueTarget("s", "n\x1b[31m", "k").label()
    assert "\x1b" not in label and label.startswith("s/n") and label.endswith("[31m [k]")
    assert ValueTarget("s", "n", "n").label() == "s/n"
    assert ValueTarget("s", "n", None).ref == SecretRef("s", "n")


def test_each_outcome_of_a_read_is_one_phase():
    reading = ShownSecret("vault", "db")
    assert reading.phase is Phase.READING
    assert read(reading).phase is Phase.READ
    assert reading.with_read(ReadResult({})).phase is Phase.READ  # no keys, but read
    assert reading.with_read(ReadResult(None)).phase is Phase.NO_DATA  # Dapr answers 204
    assert reading.with_read(ReadResult(error="denied")).phase is Phase.FAILED
    assert read(reading).with_version("2").phase is Phase.UNREADABLE
    assert read(reading).with_version("1").phase is Phase.READING
