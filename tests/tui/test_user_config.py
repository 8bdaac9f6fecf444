"""Your habits (issue #14): the user config file ($XDG_CONFIG_HOME/dapr-secrets/config.toml) gives
defaults that command-line flags override; a bad file is reported and the app still starts; themes
picked in the palette are remembered in the state folder, never in the config file; key overrides
rebind the app's actions."""

from __future__ import annotations

import json
from pathlib import Path

from dapr_secrets.tui.cli import apply_user_config, build_parser, main, ui_settings
from dapr_secrets.tui.screens.doctor import DoctorScreen
from dapr_secrets.tui.user_config import UserConfig, config_path, load_user_config, state_path
from tests.helpers.tui import ROOT, SIZE, component_yaml, make_app, notifications, settle


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def store_folder(tmp_path: Path, name: str, scoped_to: str = "") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (tmp_path / f"{name}.json").write_text(json.dumps({f"{name}-secret": "v"}))
    extra = f"scopes: [{scoped_to}]\n" if scoped_to else ""
    (folder / "s.yaml").write_text(component_yaml(name, "secretstores.local.file", {"secretsFile": str(tmp_path / f"{name}.json")},
                                                  extra=extra))
    return folder


def test_the_config_file_lives_in_xdg_config_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_path() == tmp_path / "dapr-secrets" / "config.toml"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert config_path() == tmp_path / ".config" / "dapr-secrets" / "config.toml"


def test_the_example_config_file_is_valid():
    user = load_user_config(ROOT / "examples" / "config.toml")
    assert user.problems == ()
    assert user.resources_paths and user.app_id and user.theme and user.keys


def test_resources_paths_and_app_id_come_from_the_file_when_no_flag_gives_them(tmp_path, capsys):
    from_file = store_folder(tmp_path, "filestore")
    write_config(f'resources_paths = ["{from_file}"]\napp_id = "orders"\n')
    assert main(["list", "filestore"]) == 0
    assert capsys.readouterr().out == "filestore-secret\n"


def test_flags_win_over_the_file(tmp_path, capsys):
    from_file, from_flag = store_folder(tmp_path, "filestore"), store_folder(tmp_path, "flagstore", scoped_to="billing")
    write_config(f'resources_paths = ["{from_file}"]\napp_id = "orders"\n')
    assert main(["list", "flagstore", "--resources-path", str(from_flag), "--app-id", "billing"]) == 0
    assert capsys.readouterr().out == "flagstore-secret\n"
    args = apply_user_config(build_parser().parse_args(["--app-id", "x"]), load_user_config())
    assert (args.app_id, args.resources_paths) == ("x", [str(from_file)])


def test_ui_settings_take_flags_then_the_file_then_the_defaults():
    user = UserConfig(reveal_timeout=5, clipboard_timeout=7, clipboard="osc52")
    settings = ui_settings(build_parser().parse_args([]), user)
    assert (settings.reveal_timeout, settings.clipboard_timeout, settings.clipboard_mode) == (5.0, 7.0, "osc52")
    settings = ui_settings(build_parser().parse_args(["--reveal-timeout", "1", "--clipboard", "off"]), user)
    assert (settings.reveal_timeout, settings.clipboard_timeout, settings.clipboard_mode) == (1.0, 7.0, "off")
    settings = ui_settings(build_parser().parse_args([]), UserConfig())
    assert (settings.reveal_timeout, settings.clipboard_timeout, settings.clipboard_mode) == (30.0, 30.0, "auto")


def test_a_file_that_is_not_toml_is_reported_and_ignored(tmp_path, capsys):
    path = write_config('app_id = "orders"\nthis is not toml\n')
    user = load_user_config()
    assert user.app_id is None and len(user.problems) == 1
    assert user.problems[0].startswith(f"{path}: ") and "line 2" in user.problems[0] and "ignored" in user.problems[0]
    folder = store_folder(tmp_path, "filestore")
    assert main(["list", "filestore", "--resources-path", str(folder)]) == 0  # the command still runs
    out, err = capsys.readouterr()
    assert out == "filestore-secret\n" and "fix the TOML syntax" in err


def test_unknown_settings_and_wrong_types_are_left_out_one_by_one():
    write_config('app_id = "orders"\ncolour = "red"\nreveal_timeout = "soon"\nclipboard = "carrier-pigeon"\n[keys]\nreveal = 3\n')
    user = load_user_config()
    assert user.app_id == "orders"  # the good setting is kept
    assert user.reveal_timeout is None and user.clipboard is None and user.keys == {}
    text = "\n".join(user.problems)
    assert "unknown setting 'colour'" in text and "reveal_timeout must be seconds" in text
    assert "clipboard must be one of auto, osc52, native, off" in text and "keys must be a table" in text


async def test_a_bad_file_is_said_in_the_app_which_still_starts(resources):
    write_config("theme = [\n")
    app = make_app(resources.runtime(), user=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("Your config file" in n and "fix the TOML syntax" in n for n in notifications(app))


async def test_key_overrides_rebind_the_apps_actions(resources):
    resources.write("c.yaml", component_yaml("cache", "state.redis"))
    user = UserConfig(keys={"doctor": "D", "teleport": "t"}, path="config.toml")
    app = make_app(resources.runtime(), user=user)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("[keys] teleport: there is no such action" in n for n in notifications(app))
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, DoctorScreen)  # d no longer opens it
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, DoctorScreen)


async def test_the_theme_comes_from_the_file_and_a_palette_pick_is_remembered_elsewhere(resources):
    config = write_config('theme = "nord"\n')
    user = load_user_config()
    app = make_app(resources.runtime(), user=user)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        app.theme = "gruvbox"  # what the palette's "Change theme" does
        await pilot.pause()
    assert json.loads(state_path().read_text())["theme"] == "gruvbox"
    assert config.read_text() == 'theme = "nord"\n'  # the user's file is never written
    app = make_app(resources.runtime(), user=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "gruvbox"  # remembered
    write_config('theme = "dracula"\n')  # a newer wish in the file wins over the remembered pick
    app = make_app(resources.runtime(), user=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "dracula"


async def test_an_unknown_theme_is_reported(resources):
    write_config('theme = "no-such-theme"\n')
    app = make_app(resources.runtime(), user=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert any("theme 'no-such-theme' does not exist" in n for n in notifications(app))


async def test_themes_are_offered_in_the_palette(resources):
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Theme" in [command.title for command in app.get_system_commands(app.screen)]
