"""The user config applied to a running app: key overrides, the theme (and remembering the one
picked in the palette), and saying what in the file was wrong. The app calls `apply_user_config`
once, when it mounts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dapr_secrets.tui.actions import ACTIONS, KEYMAP_PREFIX
from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.user_config import UserConfig, remember_theme, remembered_theme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual.app import App

def apply_key_overrides(app: App[Any], overrides: Mapping[str, str]) -> list[str]:
    """Bind each action of `overrides` ({"doctor": "D", "reveal": "r,space"}) to its keys instead of
    the table's (tui/actions.py gives every binding the id Textual's keymap uses, on every screen);
    returns what could not be applied. Priority keys (ctrl+c) stay as they are."""
    actions = sorted({row.action for row in ACTIONS if row.key and not row.priority})
    problems = [
        f"[keys] {escape_control(action)}: there is no such action (actions: {', '.join(actions)})"
        for action in overrides if action not in actions
    ]
    wanted = {KEYMAP_PREFIX + action: keys for action, keys in overrides.items() if action in actions}
    if wanted:
        app.update_keymap(wanted)
    return problems


def apply_user_config(app: App[Any], user: UserConfig) -> None:
    """Keys, theme and the file's problems (as one notification), then remember palette picks."""
    problems = list(user.problems) + apply_key_overrides(app, user.keys)
    theme = remembered_theme(user.theme) or user.theme
    if theme:
        if theme in app.available_themes:
            app.theme = theme
        elif theme == user.theme:
            problems.append(f"{user.path}: theme {theme!r} does not exist: it was ignored (the palette's \"Change theme\" lists them)")
    if problems:
        app.notify("Your config file:\n" + "\n".join(escape_control(p) for p in problems), severity="warning", markup=False, timeout=15)
    told = False

    def remember(theme: object) -> None:  # a theme picked from now on (the palette's "Change theme")
        nonlocal told
        name = getattr(theme, "name", None)
        if isinstance(name, str) and not remember_theme(name, user.theme) and not told:
            told = True
            app.notify("Could not remember the theme (the state folder cannot be written).", severity="warning", markup=False)

    app.theme_changed_signal.subscribe(app, remember)
