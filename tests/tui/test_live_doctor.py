"""A live doctor (issue #14): it runs again on ctrl+r and when the files of the resources paths
change, shows each finding's file:line (the line of the offending field, as the CLI prints it), and
`e` opens that line in $EDITOR (the real editor run is in test_tmux_editor.py: a headless test
terminal cannot hand the screen over)."""

from __future__ import annotations

from dapr_secrets.components.model import Source
from dapr_secrets.tui.editor import editor_command
from dapr_secrets.tui.screens.doctor import DoctorScreen
from dapr_secrets.tui.widgets.component_view import ComponentView
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import SIZE, component_yaml, make_app, notifications, settle, wait_for

BROKEN_REF = {"securityToken": {"secretKeyRef": {"name": "webhook", "key": "nope"}}}
FIXED_REF = {"securityToken": {"secretKeyRef": {"name": "webhook", "key": "token"}}}


def broken_setup(resources):
    resources.file_store("files", {"webhook": {"token": "t-value-1"}}, multiValued="true")
    return resources.write("hook.yaml", component_yaml("hook", "bindings.http", BROKEN_REF, auth="files"))


def codes(screen: DoctorScreen) -> list[str]:
    return [d.code for d in screen.diagnostics]


async def open_doctor(pilot) -> DoctorScreen:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DoctorScreen)
    await wait_for(pilot, lambda: screen.shown_runs == screen.runs, what="the doctor's answer")
    return screen


async def test_the_doctor_shows_the_file_and_line_of_the_offending_field(resources):
    hook = broken_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_doctor(pilot)
        row = codes(screen).index("ref-key-not-found")
        table = screen.query_one("#diagnostics")
        table.move_cursor(row=row)
        await pilot.pause()
        line = hook.read_text().splitlines().index("  - name: securityToken") + 1
        assert table.get_row_at(row)[2].plain == f"hook.yaml:{line}"  # the field's line
        assert f"where: {hook}:{line}" in str(screen.query_one("#doctor-hint").render())  # as `dapr-secrets doctor` prints it


async def test_ctrl_r_on_the_doctor_reads_the_files_again_and_the_main_screen_follows(resources):
    hook = broken_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_doctor(pilot)
        assert "ref-key-not-found" in codes(screen)
        hook.write_text(component_yaml("hook", "bindings.http", FIXED_REF, auth="files"))
        resources.write("new.yaml", component_yaml("added", "state.redis"))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "ref-key-not-found" not in codes(screen), what="the doctor's new answer")
        assert app.screen is screen  # it stays open
        assert "added" in app.main_screen.query_one(Sidebar)._ids  # the main screen shows the new files too


async def test_the_doctor_runs_again_when_a_file_in_the_resources_path_changes(resources, monkeypatch):
    monkeypatch.setattr(DoctorScreen, "POLL_INTERVAL", 0.05)
    monkeypatch.setattr(DoctorScreen, "DEBOUNCE", 0.1)
    hook = broken_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_doctor(pilot)
        runs = screen.runs
        assert "ref-key-not-found" in codes(screen)
        hook.write_text(component_yaml("hook", "bindings.http", FIXED_REF, auth="files"))  # no key pressed
        await wait_for(pilot, lambda: "ref-key-not-found" not in codes(screen), timeout=10, what="the doctor to notice the edit")
        assert screen.runs == runs + 1  # one run for one edit: debounced


async def test_a_burst_of_writes_runs_the_doctor_once(resources, monkeypatch):
    monkeypatch.setattr(DoctorScreen, "POLL_INTERVAL", 0.05)
    monkeypatch.setattr(DoctorScreen, "DEBOUNCE", 0.6)
    hook = broken_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_doctor(pilot)
        runs = screen.runs
        for index in range(5):  # an editor saving in several steps
            hook.write_text(component_yaml("hook", "bindings.http", FIXED_REF, auth="files") + f"# {index}\n")
            await pilot.pause(0.1)
        await wait_for(pilot, lambda: screen.runs > runs, timeout=10, what="the doctor to run again")
        await pilot.pause(1.0)
        assert screen.runs == runs + 1


async def test_closing_the_doctor_stops_watching(resources, monkeypatch):
    monkeypatch.setattr(DoctorScreen, "POLL_INTERVAL", 0.05)
    monkeypatch.setattr(DoctorScreen, "DEBOUNCE", 0.1)
    hook = broken_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_doctor(pilot)
        runs = screen.runs
        await pilot.press("escape")
        await settle(pilot)
        hook.write_text(component_yaml("hook", "bindings.http", FIXED_REF, auth="files"))
        await pilot.pause(0.6)
        assert screen.runs == runs


async def test_e_says_what_to_do_without_an_editor_or_a_file(resources, monkeypatch):
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    broken_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_doctor(pilot)
        screen.query_one("#diagnostics").move_cursor(row=codes(screen).index("ref-key-not-found"))
        await pilot.press("e")
        await pilot.pause()
        assert any("Set $EDITOR" in message for message in notifications(app))
        monkeypatch.setenv("EDITOR", "true")
        await pilot.press("e")  # a test terminal cannot suspend: it says so instead of failing
        await pilot.pause()
        assert any("cannot hand the screen to an editor" in message for message in notifications(app))


async def test_e_in_the_component_view_opens_the_highlighted_fields_line(resources, monkeypatch):
    """The hook asks for the field's line; what the editor gets is checked in the tmux test."""
    opened: list[Source | None] = []
    monkeypatch.setattr("dapr_secrets.tui.editor.open_in_editor", lambda app, source: opened.append(source) or True)
    hook = broken_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.jump_to_component("hook")
        await settle(pilot)
        view = app.main_screen.views["hook"]
        assert isinstance(view, ComponentView)
        view.query_one("#metadata").focus()
        await pilot.press("e")
        line = hook.read_text().splitlines().index("  - name: securityToken") + 1
        assert opened == [Source(str(hook), line)]


def test_the_editor_command_is_editor_plus_line_then_file():
    assert editor_command(Source("c.yaml", 13), {"EDITOR": "vim -u NONE"}) == ["vim", "-u", "NONE", "+13", "c.yaml"]
    assert editor_command(Source("c.yaml"), {"VISUAL": "nano"}) == ["nano", "c.yaml"]
    assert editor_command(Source("c.yaml", 2), {}) is None
