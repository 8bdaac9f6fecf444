"""Pilot tests of issue #12 in the TUI: every reveal and copy goes to the audit trail (names only),
and `=` verifies a value without revealing it; canaries prove neither the value nor the candidate
reaches the screen, a notification or the audit log."""

from __future__ import annotations

import json
import logging

from dapr_secrets.tui.screens.verify import VerifyScreen
from dapr_secrets.tui.widgets.detail import DetailPane
from tests.helpers.tui import VALUE, audited_app, cursor_to, notifications, open_store, screen_text, settle, wait_for

SIZE = (120, 36)
CANDIDATE = "candidate-canary-c0ffee"


def audit_entries(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def assert_nowhere(app, path, *canaries: str) -> None:
    texts = [screen_text(app), *notifications(app), path.read_text() if path.exists() else ""]
    for canary in canaries:
        assert all(canary not in text for text in texts), canary


async def test_reveal_and_copy_are_audited_without_values(resources, tmp_path):
    app, path = audited_app(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("x")
        await pilot.pause()
        assert VALUE in screen_text(app)  # revealed, so it is audited
        await pilot.press("x")  # hiding is not an access
        await pilot.press("c")
        await settle(pilot)
        entries = audit_entries(path)
        assert [(e["action"], e["store"], e["secret"], e["key"], e["outcome"]) for e in entries] == [
            ("reveal", "mem", "db:password", "db:password", "ok"),
            ("copy", "mem", "db:password", None, "ok"),
        ]
        assert entries[0]["store_type"] == "secretstores.test.memory"
        assert VALUE not in path.read_text()


async def test_audit_write_failure_is_notified_once_and_copy_still_works(resources, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    app, _ = audited_app(resources, tmp_path, audit_path=blocker / "audit.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("c")
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == VALUE
        told = [m for m in notifications(app) if "cannot write the audit log" in m]
        assert len(told) == 1


async def test_verify_says_matches_or_not_and_the_candidate_goes_nowhere(resources, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    app, path = audited_app(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, VerifyScreen), what="verify modal")
        await pilot.press(*CANDIDATE)
        await pilot.pause()
        assert CANDIDATE not in screen_text(app)  # masked while typed
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, VerifyScreen)
        assert any(m.endswith("does not match") for m in notifications(app))

        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, VerifyScreen), what="verify modal")
        app.screen.query_one("#verify-candidate").insert_text_at_cursor(VALUE)  # a paste
        await pilot.press("enter")
        await settle(pilot)
        assert any(m.endswith("db:password: matches") for m in notifications(app))
        assert app.query_one(DetailPane).revealed == set()  # verifying never reveals
        assert [(e["action"], e["outcome"]) for e in audit_entries(path)] == [("verify", "no-match"), ("verify", "match")]
        assert_nowhere(app, path, VALUE, CANDIDATE)
        assert all(VALUE not in r.getMessage() and CANDIDATE not in r.getMessage() for r in caplog.records)


async def test_verify_input_is_wiped_and_escape_cancels(resources, tmp_path):
    app, path = audited_app(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, VerifyScreen), what="verify modal")
        screen = app.screen
        field = screen.query_one("#verify-candidate")
        await pilot.press(*CANDIDATE)
        await pilot.press("escape")
        await settle(pilot)
        assert field.value == "" and not isinstance(app.screen, VerifyScreen)
        assert audit_entries(path) == []  # nothing was compared

        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, VerifyScreen), what="verify modal")
        field = app.screen.query_one("#verify-candidate")
        await pilot.press(*CANDIDATE, "enter")
        await settle(pilot)
        assert field.value == ""


async def test_verify_input_does_not_show_the_candidates_length(resources, tmp_path):
    """One fixed-width mask however long the candidate is (Textual's password input draws a dot a char)."""
    app, _ = audited_app(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, VerifyScreen), what="verify modal")
        field = app.screen.query_one("#verify-candidate")
        shown = []
        for candidate in ("ab", "a-much-longer-candidate-of-thirty-six"):
            field.value = ""
            await pilot.press(*candidate)
            await settle(pilot)
            shown.append(field.render_line(0).text.rstrip())
        assert shown[0] == shown[1] and "•" in shown[0]


async def test_verify_on_a_multi_key_secret_asks_for_a_key(resources, tmp_path):
    app, path = audited_app(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "multi")
        await pilot.press("equals_sign")
        await settle(pilot)
        assert not isinstance(app.screen, VerifyScreen)
        assert any("has 2 keys" in m for m in notifications(app))
        tree.cursor_node.expand()
        await settle(pilot)
        await cursor_to(pilot, tree, "multi", "password")
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, VerifyScreen), what="verify modal")
        app.screen.query_one("#verify-candidate").insert_text_at_cursor("pass-canary-2")
        await pilot.press("enter")
        await settle(pilot)
        assert any(m.endswith("[password]: matches") for m in notifications(app))
        assert audit_entries(path)[-1]["key"] == "password"
        assert_nowhere(app, path, "pass-canary-2", "user-canary-1")


async def test_the_palette_audit_log_shows_the_trail_newest_first(resources, tmp_path):
    from dapr_secrets.tui.screens.audit import AuditScreen

    app, path = audited_app(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "db:password")
        await pilot.press("x", "c")
        await settle(pilot)
        await pilot.press("ctrl+p", *"Audit log")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen) and app.screen.query_one("DataTable").row_count == 2,
                       what="audit rows")
        text = screen_text(app)
        assert "2 entries in" in text and text.index("copy") < text.index("reveal")  # newest first
        assert VALUE not in text
