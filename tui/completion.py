"""Shell completion for bash, zsh and fish: `dapr-secrets completion SHELL` prints a script that calls
`dapr-secrets __complete WORDS...` back on every TAB.

The callback completes commands and options (read from the argparse parser, so new commands complete
without edits here), store names from the resources path on the command line, and secret names of a
store. It prints names only and never reads a value: a store is listed, never fetched, and a store
whose settings come from another store's secret (a secretKeyRef) is not opened at all. It imports
neither Textual nor any store SDK the listed store does not need, and gives up after a short budget
so a slow or unreachable store never freezes the shell.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

SHELLS = ("bash", "zsh", "fish")
CALLBACK = "__complete"
BUDGET_SECONDS = 1.5  # a TAB that waits longer than this feels broken; print what is there
MAX_NAMES = 2000  # more would flood the terminal; the user types a prefix first

# The first line of the callback's answer tells the shell script what to complete.
WORDS, DIRECTORIES, FILES = ":words", ":dirs", ":files"
PATH_OPTIONS = {"resources_paths": DIRECTORIES, "config_files": FILES}

_BASH = r"""# dapr-secrets completion for bash: eval "$(dapr-secrets completion bash)"
_dapr_secrets() {
    local current="${COMP_WORDS[COMP_CWORD]}" kind
    local -a answer
    mapfile -t answer < <("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD-1}" -- "$current" 2>/dev/null)
    kind="${answer[0]}"
    case "$kind" in
        :dirs) mapfile -t COMPREPLY < <(compgen -d -- "$current"); compopt -o filenames 2>/dev/null ;;
        :files) mapfile -t COMPREPLY < <(compgen -f -- "$current"); compopt -o filenames 2>/dev/null ;;
        *) COMPREPLY=("${answer[@]:1}") ;;
    esac
}
complete -F _dapr_secrets dapr-secrets
"""

_ZSH = r"""#compdef dapr-secrets
# dapr-secrets completion for zsh: eval "$(dapr-secrets completion zsh)" after compinit in ~/.zshrc,
# or save as _dapr-secrets in a folder of $fpath
_dapr-secrets() {
    local -a answer
    answer=("${(@f)$("${words[1]}" __complete "${(@)words[2,CURRENT-1]}" -- "${words[CURRENT]}" 2>/dev/null)}")
    case "${answer[1]}" in
        :dirs) _directories ;;
        :files) _files ;;
        *) (( ${#answer} > 1 )) && compadd -Q -- "${(@)answer[2,-1]}" ;;
    esac
}
# autoloaded from $fpath, this file is the body of _dapr-secrets: complete now; evaluated, register
if [[ "$funcstack[1]" == "_dapr-secrets" ]]; then _dapr-secrets "$@"; else compdef _dapr-secrets dapr-secrets; fi
"""

_FISH = r"""# dapr-secrets completion for fish: dapr-secrets completion fish | source
function __dapr_secrets_complete
    set -l words (commandline -opc)
    set -l answer ($words[1] __complete $words[2..-1] -- (commandline -ct) 2>/dev/null)
    switch "$answer[1]"
        case :dirs
            __fish_complete_directories (commandline -ct)
        case :files
            __fish_complete_path (commandline -ct)
        case '*'
            printf '%s\n' $answer[2..-1]
    end
end
complete -c dapr-secrets -f -a '(__dapr_secrets_complete)'
"""

SCRIPTS = {"bash": _BASH, "zsh": _ZSH, "fish": _FISH}


def script(shell: str) -> str:
    return SCRIPTS[shell]


def main(argv: Sequence[str]) -> int:
    """`dapr-secrets __complete WORDS... -- CURRENT`: a kind line, then one candidate a line."""
    words = list(argv)
    current = ""
    if "--" in words:
        at = len(words) - 1 - words[::-1].index("--")
        words, rest = words[:at], words[at + 1 :]
        current = rest[0] if rest else ""
    kind, candidates = complete(words, current)
    sys.stdout.write("\n".join([kind, *candidates]) + "\n")
    return 0


def complete(words: Sequence[str], current: str) -> tuple[str, list[str]]:
    """What may come next after `dapr-secrets WORDS...`, starting with `current`."""
    from dapr_secrets.tui.cli import build_parser

    parser = build_parser()
    commands = _subcommands(parser)
    state = _State(parser)
    for word in words:
        state.take(word, commands)
    if state.pending is not None:  # the option before the cursor takes a value
        action = state.pending
        if action.dest in PATH_OPTIONS:
            return PATH_OPTIONS[action.dest], []
        return WORDS, _starting(action.choices or (), current)
    if current.startswith("-"):
        return WORDS, _starting(_option_strings(state.parser), current)
    if state.command is None:
        return WORDS, _starting(commands, current)
    positionals = [a for a in state.parser._actions if not a.option_strings and a.help != argparse.SUPPRESS]
    if state.positional >= len(positionals):
        return WORDS, []
    action = positionals[state.positional]
    if action.choices:
        return WORDS, _starting(action.choices, current)
    if action.dest == "store":
        return WORDS, _starting(_within_budget(lambda: _store_names(state.values)), current)
    if action.dest == "name" and state.arguments:
        store = state.arguments[0]
        return WORDS, _starting(_within_budget(lambda: _secret_names(state.values, store, current)), current)
    return WORDS, []


class _State:
    """Walks the words typed so far as argparse would: which command, which positional is next,
    and the option values that say where the components come from."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser
        self.command: str | None = None
        self.pending: argparse.Action | None = None
        self.positional = 0
        self.arguments: list[str] = []
        self.values: dict[str, list[str] | bool] = {}

    def take(self, word: str, commands: dict[str, argparse.ArgumentParser]) -> None:
        if word == "=":  # bash splits `--config=FILE` into three words
            return
        if self.pending is not None:
            self._record(self.pending, word)
            self.pending = None
            return
        if word.startswith("-") and word != "-":
            name, sep, value = word.partition("=")
            action = self._option(name)
            if action is None:
                return
            if action.nargs == 0:
                self.values[action.dest] = True
            elif sep:
                self._record(action, value)
            else:
                self.pending = action
            return
        if self.command is None and word in commands:
            self.command, self.parser = word, commands[word]
            return
        self.arguments.append(word)
        self.positional += 1

    def _option(self, name: str) -> argparse.Action | None:
        return self.parser._option_string_actions.get(name)

    def _record(self, action: argparse.Action, value: str) -> None:
        self.values.setdefault(action.dest, [])
        held = self.values[action.dest]
        if isinstance(held, list):
            held.append(value)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {name: sub for name, sub in action.choices.items() if name != CALLBACK}
    return {}


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    return [s for a in parser._actions if a.help != argparse.SUPPRESS for s in a.option_strings if s.startswith("--")]


def _starting(candidates, prefix: str) -> list[str]:
    return [c for c in candidates if c.startswith(prefix) and c.isprintable()]


def _within_budget(produce) -> list[str]:
    """Run `produce` on a daemon thread; after the budget, answer with nothing rather than wait."""
    found: list[str] = []

    def run() -> None:
        try:
            found.extend(produce())
        except Exception:  # a completion never prints a traceback into the user's prompt
            pass

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(BUDGET_SECONDS)
    return found if not worker.is_alive() else []


def _runtime(values: dict):
    from dapr_secrets.backends import registry
    from dapr_secrets.backends.runtime import Runtime
    from dapr_secrets.tui.cli import options_from_args

    args = argparse.Namespace(
        resources_paths=values.get("resources_paths"),
        config_files=values.get("config_files"),
        app_id=_last(values.get("app_id")),
        namespace=_last(values.get("namespace")),
        kubernetes=bool(values.get("kubernetes")),
        kube_context=_last(values.get("kube_context")),
        **{option.name: bool(values.get(option.name)) for option in registry.declared_options()},
    )
    return Runtime.load(options_from_args(args))


def _last(held):
    return held[-1] if isinstance(held, list) and held else None


def _store_names(values: dict) -> list[str]:
    runtime = _runtime(values)
    try:
        return [component.name for component in runtime.secret_stores()]
    finally:
        runtime.close()


def _secret_names(values: dict, store_name: str, prefix: str) -> list[str]:
    from dapr_secrets.tui.cli import walk_names

    runtime = _runtime(values)
    try:
        component = runtime.component(store_name)
        if component is None or not component.is_secret_store or component.references:
            return []  # opening it would read another store's secret: not for a TAB
        runtime.open(store_name)
        store = runtime.store(store_name)
        if store is None:
            return []
        names: list[str] = []
        for page in walk_names(store):
            names += [name for name in page if name.startswith(prefix)]
            if len(names) >= MAX_NAMES:
                break
        return names[:MAX_NAMES]
    finally:
        runtime.close()
