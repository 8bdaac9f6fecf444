"""Your habits: the user config file, `$XDG_CONFIG_HOME/dapr-secrets/config.toml` (by default
`~/.config/dapr-secrets/config.toml`), and the little the app remembers by itself (the theme picked
in the palette) in `$XDG_STATE_HOME/dapr-secrets/state.json`; the app never writes the config file.

Command-line flags win over the file. A file that cannot be read or parsed, an unknown setting or a
value of the wrong type is reported (one sentence each, with what to do) and left out: the command
still runs, on the defaults. No Textual here: headless commands read the file too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from dapr_secrets.components.record import Record

CLIPBOARD_MODES = ("auto", "osc52", "native", "off")

# setting -> (type, what it is): also the "known settings" of the unknown-setting message.
SETTINGS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "resources_paths": (list, "a list of folders, like --resources-path"),
    "config": (list, "a list of Configuration files, like --config"),
    "app_id": (str, "a string, like --app-id"),
    "reveal_timeout": ((int, float), "seconds, like --reveal-timeout"),
    "clipboard_timeout": ((int, float), "seconds, like --clipboard-timeout"),
    "clipboard": (str, f"one of {', '.join(CLIPBOARD_MODES)}, like --clipboard"),
    "theme": (str, "a Textual theme name, e.g. nord"),
    "keys": (dict, "a table: action = \"key[,key]\""),
}


class UserConfig(Record):
    __match_args__ = ("resources_paths", "config_files", "app_id", "reveal_timeout", "clipboard_timeout", "clipboard", "theme", "keys",
                      "path", "problems")
    resources_paths: tuple[str, ...]
    config_files: tuple[str, ...]
    app_id: str | None
    reveal_timeout: float | None
    clipboard_timeout: float | None
    clipboard: str | None
    theme: str | None
    keys: Mapping[str, str]  # action -> "key[,key]"
    path: str  # where it was read from ("" when there is no file)
    problems: tuple[str, ...]  # what was wrong and left out, one sentence each

    def __init__(self, resources_paths: tuple[str, ...] = (), config_files: tuple[str, ...] = (), app_id: str | None = None,
                 reveal_timeout: float | None = None, clipboard_timeout: float | None = None, clipboard: str | None = None,
                 theme: str | None = None, keys: Mapping[str, str] | None = None, path: str = "", problems: tuple[str, ...] = ()) -> None:
        keys = {} if keys is None else keys  # a new dict each, as field(default_factory=dict) gave
        self.__dict__.update(resources_paths=resources_paths, config_files=config_files, app_id=app_id, reveal_timeout=reveal_timeout,
                             clipboard_timeout=clipboard_timeout, clipboard=clipboard, theme=theme, keys=keys, path=path, problems=problems)


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "dapr-secrets" / "config.toml"


def state_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "dapr-secrets" / "state.json"


def load_user_config(path: Path | None = None) -> UserConfig:
    """The user config file; an empty UserConfig when there is none (then no TOML parser is
    imported: every headless command starts here)."""
    path = config_path() if path is None else path
    where = str(path)
    try:
        if not path.exists():
            return UserConfig()
    except OSError:  # e.g. a folder on the way that cannot be entered: reading it below says why
        pass
    import tomllib

    try:
        if not path.is_file():
            return UserConfig(path=where, problems=(f"{where} is not a regular file: it was ignored (defaults used)",))
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:  # its text names the line and column, never the file's content
        return UserConfig(path=where, problems=(f"{where}: {error}: the file was ignored (defaults used); fix the TOML syntax",))
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not UTF-8 text"
        return UserConfig(path=where, problems=(f"{where} cannot be read ({reason}): it was ignored (defaults used)",))
    return _from_document(document, where)


def _from_document(document: Mapping[str, object], where: str) -> UserConfig:
    problems: list[str] = []
    values: dict[str, object] = {}
    for name, value in document.items():
        if name not in SETTINGS:
            known = ", ".join(SETTINGS)
            problems.append(f"{where}: unknown setting {name!r} was ignored (known: {known})")
            continue
        kind, what = SETTINGS[name]
        if not isinstance(value, kind) or isinstance(value, bool) or not _items_ok(name, value):
            problems.append(f"{where}: {name} must be {what}: it was ignored")
            continue
        values[name] = value
    if values.get("clipboard") not in (None, *CLIPBOARD_MODES):
        problems.append(f"{where}: clipboard must be one of {', '.join(CLIPBOARD_MODES)}: it was ignored")
        values.pop("clipboard")
    for name in ("reveal_timeout", "clipboard_timeout"):
        number = values.get(name)
        if isinstance(number, (int, float)) and number < 0:
            problems.append(f"{where}: {name} must be 0 or more seconds: it was ignored")
            values.pop(name)
    keys = values.get("keys", {})
    assert isinstance(keys, dict)
    return UserConfig(
        resources_paths=tuple(_strings(values.get("resources_paths"))),
        config_files=tuple(_strings(values.get("config"))),
        app_id=_string(values.get("app_id")),
        reveal_timeout=_number(values.get("reveal_timeout")),
        clipboard_timeout=_number(values.get("clipboard_timeout")),
        clipboard=_string(values.get("clipboard")),
        theme=_string(values.get("theme")),
        keys={str(action): str(key) for action, key in keys.items()},
        path=where,
        problems=tuple(problems),
    )


def _items_ok(name: str, value: object) -> bool:
    if isinstance(value, list):
        return all(isinstance(item, str) and item for item in value)
    if isinstance(value, dict):
        return all(isinstance(item, str) and item.strip() for item in value.values())
    return True


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


# ----- what the app remembers (never written to the config file)


def remembered_theme(config_theme: str | None, path: Path | None = None) -> str | None:
    """The theme picked in the palette last time, unless config.toml's `theme` changed since (then
    the file wins: editing it is the newer wish)."""
    state = _read_state(state_path() if path is None else path)
    theme = state.get("theme")
    if not isinstance(theme, str) or state.get("config_theme") != config_theme:
        return None
    return theme


def remember_theme(theme: str, config_theme: str | None, path: Path | None = None) -> bool:
    """Write the picked theme to the state file; False when it cannot be written (never fatal)."""
    path = state_path() if path is None else path
    state = _read_state(path)
    state.update({"theme": theme, "config_theme": config_theme})
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError:
        return False
    return True


def _read_state(path: Path) -> dict[str, object]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}
