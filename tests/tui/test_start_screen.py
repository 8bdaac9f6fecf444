"""Started from the command line, the app draws its start screen at once and reads the component
files after that first frame, in a thread; then the main screen shows them (issue #16, cold start)."""

from __future__ import annotations

from textual.screen import Screen

from dapr_secrets.backends.runtime import RuntimeOptions
from dapr_secrets.tui.app import DaprSecretsApp, UiSettings
from dapr_secrets.tui.screens.main import MainScreen
from dapr_secrets.tui.screens.start import StartScreen
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import DEMO_COMPONENTS, DEMO_ENV, SIZE, FakeNativeClipboard, wait_for


def options(*paths: str) -> RuntimeOptions:
    return RuntimeOptions(resources_paths=paths, env=dict(DEMO_ENV), app_id="orders")


async def test_the_first_frame_is_the_start_screen_drawn_before_any_component_file_is_read(monkeypatch):
    frames: list[tuple[str, bool, str]] = []  # (screen, runtime loaded yet, what the screen says)
    refresh = Screen._compositor_refresh

    def recording(screen: Screen) -> None:
        refresh(screen)
        app = screen.app
        frames.append((type(screen).__name__, hasattr(app, "runtime"), " ".join(str(w.render()) for w in screen.query("Static"))))

    monkeypatch.setattr(Screen, "_compositor_refresh", recording)
    app = DaprSecretsApp(options(str(DEMO_COMPONENTS)), UiSettings(), FakeNativeClipboard())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.started and app.main_screen.query_one(Sidebar).option_count > 0, what="the components")
        first_screen, loaded, text = frames[0]
        assert (first_screen, loaded) == ("StartScreen", False)
        assert f"Loading components from {DEMO_COMPONENTS}" in text
        assert isinstance(app.screen, MainScreen) and app.main_screen is app.screen
        assert [type(s) for s in app.screen_stack] == [StartScreen, MainScreen]  # the start screen stays below, unseen
        assert {c.name for c in app.runtime.components} >= {"demo-file", "demo-env"}


async def test_components_that_cannot_be_loaded_end_the_app_with_the_reason_and_exit_code_2():
    # A NUL byte in a path: os.stat raises ValueError, a failure no loader rule turns into a diagnostic.
    app = DaprSecretsApp(options("components\0bad"), UiSettings(), FakeNativeClipboard())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.start_error is not None, what="the failure")
    assert app.return_code == 2
    assert app.start_error is not None and "could not load the components" in app.start_error.message
    assert not app.started
