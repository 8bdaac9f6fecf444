"""tui/clipboard.py: every pyperclip failure is contained; the modes pick the channels."""

from __future__ import annotations

import pyperclip
import pytest

from dapr_secrets.tui.clipboard import ClipboardService, ClipboardUnavailable, Pyperclip
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import FakeNativeClipboard, component_yaml, make_app, settle
from tests.tui.stores import MemoryStore


def test_a_missing_clipboard_program_becomes_clipboard_unavailable(monkeypatch):
    def no_mechanism(text):
        raise pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism for your system.")

    monkeypatch.setattr(pyperclip, "copy", no_mechanism)
    with pytest.raises(ClipboardUnavailable, match="install xclip, xsel or wl-clipboard"):
        Pyperclip().copy("x")


def test_any_other_pyperclip_failure_is_contained_and_never_quotes_the_text(monkeypatch):
    def broken(text):
        raise UnicodeEncodeError("utf-8", text, 0, 1, "surrogates not allowed")

    monkeypatch.setattr(pyperclip, "copy", broken)
    monkeypatch.setattr(pyperclip, "paste", lambda: (_ for _ in ()).throw(OSError("xclip died")))
    with pytest.raises(ClipboardUnavailable) as failure:
        Pyperclip().copy("SECRET-in-the-error")
    assert "SECRET" not in str(failure.value) and "UnicodeEncodeError" in str(failure.value)
    with pytest.raises(ClipboardUnavailable):
        Pyperclip().paste()


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="auto, osc52, native, off"):
        ClipboardService(app=None, mode="x11")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "in_app", "in_native", "copied"),
    [("auto", True, True, True), ("osc52", True, False, True), ("native", False, True, True), ("off", False, False, False)],
)
async def test_the_clipboard_mode_chooses_the_channels(resources, mode, in_app, in_native, copied):
    MemoryStore.secrets = {"k": {"k": "mode-value"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    native = FakeNativeClipboard()
    app = make_app(resources.runtime(), native, clipboard_mode=mode)
    async with app.run_test() as pilot:
        app.query_one(Sidebar).highlight_component("mem")
        await settle(pilot)
        await app.views["mem"].secret_tree.select_secret("k")
        await pilot.pause(0.2)
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert (app.clipboard == "mode-value") is in_app
        assert (native.content == "mode-value") is in_native
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Copied") for m in messages) is copied
        if not copied:
            assert any("copying is off" in m for m in messages)
