"""Issue #13, injection: every field read from a resource or a store (names, namespaces, types,
versions, metadata names and values, secretKeyRef names and keys, scopes, auth stores, secret
names and keys) is untrusted text. Whatever it holds, no rendered line of any screen may carry a
control, bidi, zero-width or undecodable character: that is how a crafted `spec.type` wrote the
terminal title and the clipboard (OSC 0 / OSC 52) the moment the app started.

The check walks the whole rendered screen (the export of every visible widget), so a widget that
forgets the escaper fails here whichever widget it is."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.components.model import Component, Configuration, MetadataItem, SecretKeyRef, SecretScope
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import SIZE, make_app, open_store, screen_text, settle
from tests.tui.stores import MemoryStore

HOSTILE = [
    "\x1b]0;pwned-title\x07",  # OSC 0: the terminal title
    "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: the clipboard
    "\x1b[2J\x1b[31m",  # clear screen, colour
    "a\u202eb\u2066c",  # bidi overrides (Trojan Source)
    "zero\u200bwidth\u200djoin\ufeff",  # zero-width and BOM
    "line\u2028sep\x85nel",  # line separators, C1 NEL
    "bytes\udcff\udc80",  # undecodable bytes kept as surrogate escapes (environment names)
    "[bold]markup[/bold]",  # Rich markup must stay literal
]

# Characters that must never reach a terminal as they are.
def unsafe(char: str) -> bool:
    if char == "\n":
        return False
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def assert_clean(text: str, where: str) -> None:
    bad = sorted({f"U+{ord(c):04X}" for c in text if unsafe(c)})
    assert not bad, f"{where}: unescaped {', '.join(bad)}"


def hostile_runtime(text: str) -> Runtime:
    """A setup in which every resource field carries `text`."""
    MemoryStore.secrets = {f"secret-{text}": {f"key-{text}": "v", "plain": "w"}, "ok": {"ok": "x"}}
    store = Component(
        name=f"store-{text}",
        type="secretstores.test.memory",
        version="v1",
        namespace="",
        metadata=(MetadataItem(f"item-{text}", f"value-{text}"),),
    )
    user = Component(
        name=f"user-{text}",
        type=f"state.redis{text}",
        version=f"v1{text}",
        metadata=(
            MetadataItem(f"host-{text}", f"localhost-{text}"),
            MetadataItem("redisPassword", None, SecretKeyRef(f"secret-{text}", f"key-{text}")),
            MetadataItem(f"missing-{text}", None, SecretKeyRef(f"nope-{text}", "")),
        ),
        auth_secret_store=f"store-{text}",
        init_timeout=f"5s{text}",
    )
    orphan = Component(
        name=f"orphan-{text}",
        type=f"bindings.{text}",
        metadata=(MetadataItem("x", None, SecretKeyRef("s", "k")),),
        auth_secret_store=f"missing-store-{text}",
    )
    configuration = Configuration(scopes=(SecretScope(f"store-{text}", "deny", (f"secret-{text}",), ()),))
    return Runtime(RuntimeOptions(resources_paths=(), env={}, app_id=f"app-{text}"), [store, user, orphan], [], configuration)


async def visit_every_screen(text: str) -> None:
    app = make_app(hostile_runtime(text))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert_clean(screen_text(app), "main screen")
        tree = await open_store(pilot, f"store-{text}")
        await tree.select_secret(f"secret-{text}")
        await settle(pilot)
        assert_clean(screen_text(app), "store view and detail")
        for name in (f"user-{text}", f"orphan-{text}"):
            app.query_one(Sidebar).highlight_component(name)
            await settle(pilot)
            assert_clean(screen_text(app), f"component view of {name!r}")
        for key, screen in (("d", "doctor"), ("question_mark", "help"), ("ctrl+p", "palette")):
            await pilot.press(key)
            await settle(pilot)
            if screen == "palette":
                await pilot.press(*"secret")
                await settle(pilot)
            assert_clean(screen_text(app), screen)
            await pilot.press("escape")
            await settle(pilot)


async def test_known_attacks_never_reach_the_terminal():
    await visit_every_screen("".join(HOSTILE))


unicode_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=("Cs",)) | st.sampled_from(list("\x1b\x07\x9b\u200b\u202e\udcff")),
    min_size=1,
    max_size=12,
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=unicode_text)
async def test_arbitrary_text_in_every_resource_field_is_escaped(text: str):
    await visit_every_screen(text)


async def test_a_name_that_is_not_utf8_is_shown_read_and_its_url_copied(resources):
    """Issue #13: an environment variable name with bytes that are not UTF-8 crashed "Copy Dapr API
    URL" and left the detail pane on "reading..." forever."""
    from tests.helpers.tui import component_yaml, cursor_to, detail_info, wait_for

    name = "BAD\udcffNAME"
    resources.write("env.yaml", component_yaml("env", "secretstores.local.env"))
    app = make_app(resources.runtime(env={name: "not-utf8-canary"}))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "env")
        await cursor_to(pilot, tree, name)
        await wait_for(pilot, lambda: "GET http" in detail_info(app), what="the detail pane filled")
        assert "BAD\\xffNAME" in detail_info(app) and "%FF" in detail_info(app)
        app.action_copy_url()
        await settle(pilot)
        assert app.clipboard.endswith("/v1.0/secrets/env/BAD%FFNAME")
        assert_clean(screen_text(app), "after copying the URL")
        assert "not-utf8-canary" not in screen_text(app)
