"""Issue #14, status at a glance, copy you can trust and layout: the marks and their legend in `?`,
the keys as the user bound them, the header's count / app id / Configuration, the copy badge and its
countdown, and the panes at 80x24 and 240x60 with long names."""

from __future__ import annotations

import pytest
from rich.text import Text

from dapr_secrets.backends.runtime import State
from dapr_secrets.tui.commands import ActionsProvider
from dapr_secrets.tui.screens.help import HelpScreen
from dapr_secrets.tui.user_config import UserConfig
from dapr_secrets.tui.widgets.copy_badge import CopyBadge
from dapr_secrets.tui.widgets.detail import DetailPane, RevealedValue
from dapr_secrets.tui.widgets.header import HeaderLine, fit
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.status import API_DENIED, GLYPHS, PARKED_STYLE, legend, summary
from tests.helpers.tui import (
    FakeNativeClipboard,
    component_yaml,
    cursor_to,
    make_app,
    open_store,
    screen_text,
    settle,
    wait_for,
)
from tests.tui.stores import MemoryStore

SMALL, LARGE = (80, 24), (240, 60)
STORE = "payments-gateway-secrets-production-eu-west-1"
LONG_TYPE = "pubsub.azure.servicebus.topics.with.a.long.type"
PEM_LINES = [f"line-{n:02d}-MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa" for n in range(30)]
PEM = "\n".join(["-----BEGIN CERTIFICATE-----", *PEM_LINES, "-----END CERTIFICATE-----"])


def long_names_setup(resources) -> None:
    """A realistic on-call setup with long names: a store, a component with a long type parked
    forever (its store does not exist), one whose reference fails with a long why, and one whose
    secretKeyRef has no `key`."""
    resources.file_store(STORE, {"database": {"password": "pw-canary-1"}, "API_TOKEN": "tok-canary-2", "tls-certificate": PEM},
                         nestedSeparator=":")
    resources.write("parked.yaml", component_yaml("parked-forever-pubsub-for-the-orders-service", LONG_TYPE,
                                                  {"connectionString": {"secretKeyRef": {"name": "sb", "key": "cs"}}},
                                                  auth="missing-store-that-does-not-exist"))
    resources.write("broken.yaml", component_yaml("broken-binding", "bindings.http", {
        "securityToken": {"secretKeyRef": {"name": "database", "key": "a-missing-key-with-a-rather-long-name-indeed"}}}, auth=STORE))
    resources.write("nokey.yaml", component_yaml("orders-webhook", "bindings.http",
                                                 {"token": {"secretKeyRef": {"name": "API_TOKEN"}}}, auth=STORE))


# ----- marks and the legend


def test_parked_forever_gets_the_loudest_mark_of_all():
    char, style = GLYPHS[State.WAITING]
    assert style == PARKED_STYLE and " on " in style  # the only mark with a background
    assert all(" on " not in other for state, (_, other) in GLYPHS.items() if state != State.WAITING)
    assert len({char for char, _ in GLYPHS.values()}) == len(GLYPHS)  # every state its own mark


def test_api_denied_is_a_neutral_mark_not_an_error_colour():
    _, style = API_DENIED
    assert "red" not in style and "yellow" not in style


def test_the_legend_explains_every_sidebar_mark_and_the_api_denied_mark():
    marks = "".join(mark.plain for mark, _ in legend())
    for char, _ in GLYPHS.values():
        assert char in marks
    assert API_DENIED[0] in marks
    for word in ("✗ error", "! warning", "i note"):  # the doctor's
        assert word in marks


def test_the_summary_counts_the_worst_first_and_says_nothing_when_all_is_well():
    states = [State.ERROR, State.WAITING, State.ERROR, State.READY, State.DEGRADED, State.WAITING, State.ERROR, State.ERROR]
    assert summary(states).plain == "2 parked · 4 errors · 1 degraded"
    assert summary([State.READY, State.PENDING]).plain == ""


def test_the_header_keeps_the_app_id_whole_and_cuts_the_path_first():
    where = Text("dapr-secrets  /a/very/long/path/to/the/resources/folder/components  self-hosted")
    app, config = Text("app: orders-service"), Text("config: config.yaml")
    line = fit(where, [app, config, None], (Text("2 parked · 4 errors"), Text("✖2 ✗4")), 78)
    assert line.cell_len <= 78 and "app: orders-service" in line.plain and "config: config.yaml" in line.plain
    assert "2 parked · 4 errors" in line.plain and "…" in line.plain
    long_app = Text("app: orders-service-with-a-rather-long-app-id-in-production")
    line = fit(where, [long_app, config, None], (Text("2 parked · 4 errors"), Text("✖2 ✗4")), 78)
    assert long_app.plain in line.plain and "✖2 ✗4" in line.plain and line.cell_len <= 78  # the config gave way first


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_the_header_shows_the_count_the_app_id_and_the_configuration(resources, size, tmp_path):
    long_names_setup(resources)
    config = tmp_path / "dapr-config.yaml"
    config.write_text("apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: c\nspec: {}\n")
    app = make_app(resources.runtime(app_id="orders", config_files=(str(config),)))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        header = app.query_one(HeaderLine)
        await wait_for(pilot, lambda: "parked" in header.render().plain, what="the count")
        text = header.render().plain
        assert "1 parked" in text and "app: orders" in text and "config: dapr-config.yaml" in text
        assert header.size.height == 1 and len(text) <= size[0]


async def test_the_sidebar_and_the_doctor_mark_a_parked_component_as_parked(resources):
    long_names_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        sidebar = app.query_one(Sidebar)
        prompt = next(option.prompt for option in sidebar.options if option.id and "parked-forever" in option.prompt.plain)
        assert prompt.plain.split()[0] == GLYPHS[State.WAITING][0]
        await pilot.press("d")
        await wait_for(pilot, lambda: bool(getattr(app.screen, "diagnostics", None)), what="the doctor")
        await settle(pilot)
        table = app.screen.query_one("#diagnostics")
        assert table.get_row_at(0)[0].plain == f"{GLYPHS[State.WAITING][0]} parked"  # the worst first


# ----- help: the legend and the keys as bound


async def test_help_shows_the_legend(resources):
    long_names_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("end")  # below the keys
        await pilot.pause()
        text = screen_text(app)
        assert "Legend" in text and "parked forever" in text and "API denied" in text


async def test_help_shows_the_key_the_user_bound_not_the_tables(resources):
    resources.write("c.yaml", component_yaml("cache", "state.redis"))
    app = make_app(resources.runtime(), user=UserConfig(keys={"doctor": "D", "quit": "Q"}, path="config.toml"))
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = dict((what, key) for key, what in app.screen.keys)
        doctor = next(what for what in keys if what.startswith("doctor:"))
        quitting = next(what for what in keys if what.startswith("quit"))
        assert keys[doctor] == "D"
        assert keys[quitting] == "Q / ctrl+c"  # ctrl+c stays bound (a priority key)
        assert keys["this help"] == "?"  # not rebound: as in the table
        await pilot.press("escape")
        await pilot.press("D")
        await settle(pilot)
        assert type(app.screen).__name__ == "DoctorScreen"  # the key help shows is the key that works


async def test_the_keys_help_says_stay_bound_after_a_rebind_do_stay_bound(resources):
    # help shows "H / left" and "Q / ctrl+c" after these rebinds: left and ctrl+c must still work
    resources.file_store("files", {"db": {"password": "rebind-canary"}}, nestedSeparator=":")
    app = make_app(resources.runtime(), user=UserConfig(keys={"tree_collapse": "H", "quit": "Q"}, path="config.toml"))
    async with app.run_test(size=LARGE) as pilot:
        tree = await open_store(pilot, "files")
        group = tree.root.children[0]
        group.expand()
        tree.move_cursor(group)
        await settle(pilot)
        await pilot.press("left")
        await settle(pilot)
        assert not group.is_expanded
        await pilot.press("question_mark")
        await pilot.pause()
        keys = dict((what, key) for key, what in app.screen.keys)
        assert keys["in a tree: close the open node, else go to its parent"] == "H / ←"
        await pilot.press("escape")
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert not app.is_running


async def test_the_palette_shows_the_key_the_user_bound_not_the_tables(resources):
    resources.write("c.yaml", component_yaml("cache", "state.redis"))
    app = make_app(resources.runtime(), user=UserConfig(keys={"doctor": "D", "quit": "Q"}, path="config.toml"))
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        lines = {title: help_text for title, help_text, _run in ActionsProvider(app.screen)._actions()}
        assert lines["Doctor"].startswith("D: ")  # as help says it, not the table's `d`
        assert lines["Help"].startswith("?: ")  # not rebound: as in the table


# ----- the copy badge


def badge(app) -> CopyBadge:
    return app.query_one(CopyBadge)


async def copy_a_secret(pilot, store="mem", name="db:password"):
    tree = await open_store(pilot, store)
    await cursor_to(pilot, tree, name)
    await pilot.press("c")
    await settle(pilot)


@pytest.mark.parametrize(("native_works", "unconfirmed"), [(True, False), (False, True)])
async def test_a_copied_secret_shows_a_badge_counting_down_until_it_is_cleared(resources, native_works, unconfirmed):
    MemoryStore.secrets = {"db:password": {"db:password": "badge-canary-value"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime(), FakeNativeClipboard(works=native_works), clipboard_timeout=30)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert not badge(app).display  # nothing copied: no badge (snapshots never show one)
        service = app.clipboard_service
        now = [1000.0]
        service.clock = lambda: now[0]
        await copy_a_secret(pilot)
        await wait_for(pilot, lambda: badge(app).display, what="the badge")
        text = str(badge(app).render())
        assert text.startswith("c mem/db:password 30s")
        assert ("unconfirmed" in text) is unconfirmed  # OSC 52 alone cannot be read back
        assert "badge-canary-value" not in text and "badge-canary-value" not in screen_text(app)
        now[0] += 6
        badge(app).tick()
        await pilot.pause()
        assert "mem/db:password 24s" in str(badge(app).render())
        service.clear()  # what the timer does
        await wait_for(pilot, lambda: not badge(app).display, what="the badge to go")


async def test_the_badge_goes_when_the_clipboard_is_cleared_after_a_short_timeout(resources):
    MemoryStore.secrets = {"db:password": {"db:password": "badge-canary-value"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime(), FakeNativeClipboard(), clipboard_timeout=0.6)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await copy_a_secret(pilot)
        assert badge(app).display and app.clipboard_service.pending is not None
        await wait_for(pilot, lambda: not badge(app).display, timeout=5, what="the clear")
        assert app.clipboard_service.pending is None


async def test_at_80_columns_the_badge_gives_way_to_a_long_app_id_and_names_the_secret_only(resources):
    app_id = "checkout-service-production-eu"
    MemoryStore.secrets = {"redis": {"username": "badge-canary-user", "password": "badge-canary-value"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    resources.write("p.yaml", component_yaml("parked", "state.redis", {"redisPassword": {"secretKeyRef": {"name": "x"}}},
                                                auth="nowhere"))  # parked forever: the header counts it
    app = make_app(resources.runtime(app_id=app_id), FakeNativeClipboard(), clipboard_timeout=30)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await copy_a_secret(pilot, name="redis")  # two keys: copied as Dapr's JSON, as the notification says
        await wait_for(pilot, lambda: badge(app).display, what="the badge")
        await pilot.pause()
        header, shown = app.query_one(HeaderLine).render().plain, str(badge(app).render())
        assert f"app: {app_id}" in header and "✖1" in header, header  # the app id whole, as without a badge
        assert shown.startswith("c mem/redis 30s"), shown  # which secret, not how it was copied
        assert header.__len__() + badge(app).size.width <= SMALL[0] - 2  # one line, with the header's padding
        assert "badge-canary" not in screen_text(app)


async def test_the_badge_escapes_the_secret_name(resources):
    name = "evil[bold red]\x1b[2Jname"
    MemoryStore.secrets = {name: {name: "badge-canary-value"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime(), FakeNativeClipboard())
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        await copy_a_secret(pilot, name=name)
        text = str(badge(app).render())
        assert "\x1b" not in text and "[bold red]" in text  # shown as text: no escape code, no markup


# ----- layout at 80x24 and 240x60 with long names


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_the_sidebar_gives_each_component_one_line_and_cuts_long_types(resources, size):
    long_names_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        sidebar = app.query_one(Sidebar)
        assert len(sidebar._lines) == sidebar.option_count  # no prompt wraps into a line that looks like a heading
        lines = screen_text(app).splitlines()
        assert not any(line.strip().startswith(("ction-eu", "e.topics", "topics")) for line in lines)


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_a_long_why_wraps_and_the_status_stays_in_sight(resources, size):
    long_names_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.main_screen.jump_to_component("broken-binding")
        await settle(pilot)
        view = app.main_screen.views["broken-binding"]
        table = view.query_one("#metadata")
        await wait_for(pilot, lambda: "secret-not-found" in table.get_row_at(0)[2].plain, what="the check")
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing off to the right
        assert "secret-not-found" in screen_text(app)
        assert table.rows[next(iter(table.rows))].height > 1  # the long value / why wrap in a taller row


async def test_rule_secret_key_ref_without_key_reads_the_key_named_like_the_secret_shown_as_eq_name(resources):
    # daprd: pkg/runtime/processor/secret/secret.go ProcessResource ("Use the SecretKeyRef.Name key if
    # SecretKeyRef.Key is not given"; the operator does the same). The view says so instead of repeating the name.
    long_names_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        app.main_screen.jump_to_component("orders-webhook")
        await settle(pilot)
        table = app.main_screen.views["orders-webhook"].query_one("#metadata")
        assert table.get_row_at(0)[1].plain == f"secretKeyRef {STORE}/API_TOKEN[=name]"
        tree = await open_store(pilot, STORE)
        await cursor_to(pilot, tree, "API_TOKEN")
        await settle(pilot)
        refs = app.query_one("#refs")
        assert "token  key =name" in refs.get_option_at_index(0).prompt.plain
        await cursor_to(pilot, tree, "database:password")  # broken-binding writes its key: shown as written
        await settle(pilot)
        app.main_screen.jump_to_component("broken-binding")
        await settle(pilot)
        table = app.main_screen.views["broken-binding"].query_one("#metadata")
        assert "[a-missing-key-with-a-rather-long-name-indeed]" in table.get_row_at(0)[1].plain.replace("\n", "")


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_a_revealed_multi_line_value_scrolls(resources, size):
    long_names_setup(resources)
    app = make_app(resources.runtime())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        tree = await open_store(pilot, STORE)
        await cursor_to(pilot, tree, "tls-certificate")
        await pilot.press("x")
        await settle(pilot)
        detail = app.query_one(DetailPane)
        assert detail.max_scroll_y > 0  # taller than the pane
        app.query_one(RevealedValue).focus()
        await pilot.press("end")  # the end of the value
        await pilot.pause()
        assert detail.scroll_y > 0 and "line-29" in screen_text(app)  # (the END line wraps at 80 columns)
        await pilot.press("home")  # its start
        await pilot.pause()
        assert "line-00" in screen_text(app) and "line-29" not in screen_text(app)
        await pilot.press("pagedown")
        await pilot.pause()
        assert detail.scroll_y > 0


def test_a_long_name_in_the_badge_keeps_its_end_the_secrets_name():
    from dapr_secrets.tui.clipboard import PendingCopy
    from dapr_secrets.tui.widgets.copy_badge import NAME_WIDTH, badge_text

    pending = PendingCopy(f"{STORE}/database:password", clears_at=124.2, confirmed=True)
    text = badge_text(pending, now=100.0).plain
    assert text == f"c …{f'{STORE}/database:password'[-(NAME_WIDTH - 1):]} 25s"
    assert text.endswith("/database:password 25s")
