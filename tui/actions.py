"""The one table of what the user can do: each row says its key, its word in the footer, its line in
the command palette, its paragraph in `?` help and when it is available. The bindings (main screen
and app), the palette's actions provider, the footer and the help screen are all built from it, so
a key is described once, here.

Rows are in the order the footer and help show them. A row without `action` only documents a key
that a widget (or Textual) handles; a row without `key` is a palette-only action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from textual.binding import Binding


class Needs(str, Enum):
    """When an action can do anything with what is shown (the main screen's `can` decides)."""

    NOTHING = "nothing"
    VALUES = "values"  # a store, or a component with a masked plain value: x (reveal on) and c
    NO_REVEAL = "no-reveal"  # like VALUES, with --no-reveal: x only says why it does nothing
    NO_SECRET = "no-secret"  # no store shown: =, v, a and - (a store's keys) say where they work
    NO_VALUES = "no-values"  # nothing shown holds a value (a component reads its values from stores): x, c, y say where
    SECRET = "secret"  # a secret store shown
    KUBERNETES = "kubernetes"  # Kubernetes mode
    SIDECAR = "sidecar"  # attached to a running sidecar
    TREE = "tree"  # a store's tree has the focus
    LIST = "list"  # a list or tree has the focus


@dataclass(frozen=True)
class Action:
    action: str = ""  # the `action_<name>` method; "" for a key documented in help only
    key: str = ""  # Textual key name(s) of the binding; "" for a palette-only action
    footer: str = ""  # the binding's description: the word in the footer
    title: str = ""  # the palette's line; "" keeps it out of the palette
    summary: str = ""  # the palette's help line (the key is put in front of it)
    help: str = ""  # the paragraph in `?` help; "" keeps it out of help
    help_keys: str = ""  # how help names the key(s), when not the key itself
    hidden: bool = False  # bound, but not in the footer (it is full; help and the palette say it)
    needs: Needs = Needs.NOTHING
    app_wide: bool = False  # the app runs it, and its key works on every screen, not only the main one
    priority: bool = False  # also while a widget that takes typing (the filter) has the focus

    @property
    def shown_key(self) -> str:
        """The key as people type it: `=` rather than `equals_sign`."""
        return self.help_keys or KEY_NAMES.get(self.key, self.key)


KEY_NAMES = {"equals_sign": "=", "slash": "/", "question_mark": "?", "minus": "-", "left_square_bracket": "[",
             "right_square_bracket": "]", "left": "←", "right": "→"}

ACTIONS: tuple[Action, ...] = (
    Action("reveal", "x", "Reveal", "Reveal / hide value", "show the highlighted value (re-masks on move and after a timeout)",
           "reveal or hide the highlighted value (re-masks when the cursor leaves, and after the reveal timeout); "
           "on a secret with several keys, reveals its first key in the Secret pane, where you pick the others",
           needs=Needs.VALUES),
    Action("reveal_off", "x", needs=Needs.NO_REVEAL),  # --no-reveal: x is not offered, but says why
    Action("values_elsewhere", "x", needs=Needs.NO_VALUES),  # not offered where no value is shown, but says where they are
    Action("values_elsewhere", "c", needs=Needs.NO_VALUES),
    Action("values_elsewhere", "y", needs=Needs.NO_VALUES),
    *(Action("store_keys_elsewhere", key, needs=Needs.NO_SECRET) for key in ("equals_sign", "v", "a", "minus")),  # say where
    Action("copy", "c", "Copy", "Copy value", "copy the highlighted value without showing it",
           "copy the highlighted value without showing it (cleared after the clipboard timeout); the version shown",
           needs=Needs.VALUES),
    Action("verify", "equals_sign", "Verify", "Verify value…", "does a candidate match the highlighted value? never shows it",
           "verify: type or paste a candidate; says only whether it matches the highlighted value (any key, any version)",
           needs=Needs.SECRET, hidden=True),
    Action("compare", title="Compare with…", summary="this store against another store, folder or namespace; values are never shown",
           needs=Needs.SECRET),
    Action("version", "v", "Version", "Next version", "read the next older version of the highlighted secret",
           "read the next older version of the secret, then the current one again (Vault, Key Vault)", needs=Needs.SECRET, hidden=True),
    Action(help_keys="versions list", help=(
        "below the keys in the Secret pane (tab into it): moving the cursor reads that version, "
        "x / c act on it, and the pane says why a version cannot be read")),
    Action(help_keys="x / c", help="on a component's metadata: reveal / copy a credential written as a plain value in its file"),
    Action("copy_menu", "y", "Copy…", "Copy…", "a menu: v value, n name, s secretKeyRef snippet, u Dapr API URL",
           "copy menu: v the value (as c), n the name, s a secretKeyRef snippet, u the Dapr API URL; "
           "only the value is secret (masked, cleared, audited); the others never contain it",
           needs=Needs.VALUES, hidden=True),
    Action("copy_name", title="Copy name", summary="copy the highlighted secret's name", needs=Needs.SECRET),
    Action("copy_reference", title="Copy as secretKeyRef YAML", summary="a component metadata item that reads this secret",
           needs=Needs.SECRET),
    Action("copy_url", title="Copy Dapr API URL", summary="GET http://localhost:3500/v1.0/secrets/<store>/<name>", needs=Needs.SECRET),
    Action("sort_by_age", "a", "Age", "Sort by age / by name", "how long ago each secret changed, newest first; again: by name",
           "age: how long ago each secret last changed, as the store says (a file store: the file's modification time), "
           "newest first; again: back to names. Ages are read only for the secrets shown, never their values",
           needs=Needs.SECRET, hidden=True),
    Action("filter", "slash", "Filter", "Filter names", "filter the names of every ready store",
           "filter the names of every ready store (stores not listed yet are listed now); enter jumps, esc closes"),
    Action(help_keys="ctrl+p", help="command palette: jump to a secret or component, copy name / secretKeyRef / API URL, …"),
    Action("refresh", "ctrl+r", "Refresh", "Refresh", "read the files and stores again, keeping what is open",
           "refresh: read the component files and stores again, keeping what is open", app_wide=True),
    Action("switch_namespace", "n", "Namespace", "Switch namespace…", "read the Dapr components of another namespace, like a daprd there",
           "switch namespace (the palette also switches context)", needs=Needs.KUBERNETES),
    Action("switch_context", title="Switch context…", summary="another kubeconfig context (cluster or user)", needs=Needs.KUBERNETES),
    Action("doctor", "d", "Doctor", "Doctor", "everything wrong, with a jump to each problem",
           "doctor: everything wrong; enter jumps to the component or secret"),
    Action("scopes", "S", "Scopes", "Secret scopes", "what the secrets API gives the app from each store, and where each rule is written",
           "secret scopes: what the secrets API gives the app from each store, the lists and the file:line of each rule; "
           "enter selects the store", hidden=True),
    Action(help_keys="e", help="in a component or the doctor: open its file at the highlighted line in $EDITOR (the app waits)"),
    Action("drift", title="Prediction vs sidecar", summary="what the files predict next to what the running sidecar loaded and answers",
           needs=Needs.SIDECAR, app_wide=True),
    Action("audit_log", title="Audit log", summary="who revealed, copied, verified or compared what, and when (never values)",
           app_wide=True),
    Action(help_keys="tab / shift+tab", help="move between panes"),
    Action(help_keys="j / k, ↑ / ↓", help="move"),
    Action("back", "ctrl+o,alt+left", "Back", "Back", "back to where you were before the last jump",
           "back to where you were before the last jump (a reference, the palette, the filter, the doctor, ] / [); "
           "while typing in the filter, alt+← / alt+→ move by word and ctrl+o goes back",
           help_keys="ctrl+o / alt+←", hidden=True),
    Action("forward", "ctrl+i,alt+right", "Forward", "Forward", "forward again, after going back",
           "forward again after going back. ctrl+i only where the terminal tells it from tab (kitty keyboard protocol: "
           "kitty, foot, WezTerm, Ghostty; not tmux): alt+→ works everywhere",
           help_keys="ctrl+i / alt+→", hidden=True),
    Action("close_filter", "escape", "Close filter", hidden=True),  # first: the filter's escape wins
    Action("step_back", "escape", help_keys="esc",
           help="close the filter or the zoom; else back from a jump, as ctrl+o (k9s)", hidden=True),
    Action("next_reference", "right_square_bracket", "Next user", "Next user of this secret",
           "the next component that references the highlighted secret; in a component, its next secretKeyRef",
           "] / [: from a secret, the next / previous component that references it (its field highlighted; "
           "again: the one after; esc returns to the secret); in a component, its next / previous secretKeyRef",
           help_keys="] / [", hidden=True),
    Action("previous_reference", "left_square_bracket", title="Previous user of this secret",
           summary="the previous component that references the highlighted secret", hidden=True),
    Action("tree_collapse", "h", help_keys="h / ←", help="in a tree: close the open node, else go to its parent",
           needs=Needs.TREE, hidden=True),
    Action("tree_collapse", "left", needs=Needs.TREE, hidden=True, priority=True),  # the tree would scroll sideways
    Action("tree_expand", "l", help_keys="l / →", help="in a tree: open the node, else go to its first child",
           needs=Needs.TREE, hidden=True),
    Action("tree_expand", "right", needs=Needs.TREE, hidden=True, priority=True),
    Action("top", "g", help_keys="g / G", help="first / last line of the focused list or tree", needs=Needs.LIST, hidden=True),
    Action("bottom", "G", needs=Needs.LIST, hidden=True),
    Action("collapse_all", "minus", "Collapse all", "Collapse all", "close every open folder and secret of the tree",
           "collapse all: close every open folder and secret of the tree", needs=Needs.SECRET, hidden=True),
    Action("zoom", "z", "Zoom", "Zoom pane", "the focused pane fills the screen; z or esc again restores",
           "zoom: the focused pane fills the screen; z or esc restores the layout", hidden=True),
    Action(help_keys="enter / space", help="expand a group or secret; on a reference, jump to it"),
    Action("help", "question_mark", "Help", "Help", "every key", "this help", app_wide=True),
    Action("quit", "q", "Quit", help="quit (a copied value still waiting to be cleared is cleared first)", help_keys="q / ctrl+c",
           app_wide=True),
    Action("quit", "ctrl+c", app_wide=True, priority=True),  # quits like q, even from the filter
)

ACTIONS_BY_NAME = {row.action: row for row in ACTIONS if row.action}  # the first row of an action (quit: q)


def main_screen_bindings() -> list[Binding]:
    """Every key, in the table's order (the footer's): app-wide actions go to the app."""
    return [_binding(row, f"app.{row.action}" if row.app_wide else row.action) for row in ACTIONS if row.key]


def app_bindings() -> list[Binding]:
    """The keys that work on every screen (the doctor, the audit log…) and not only the main one."""
    return [_binding(row, row.action) for row in ACTIONS if row.key and row.app_wide]


KEYMAP_PREFIX = "dapr-secrets."  # a binding's id: the user config's [keys] rebinds it through Textual's keymap


def _binding(row: Action, action: str) -> Binding:
    # A priority key (ctrl+c, the tree's arrows) has no id: a [keys] rebind of its action, which
    # Textual's keymap applies to every binding of that id, leaves it bound, as help says.
    binding_id = None if row.priority else KEYMAP_PREFIX + row.action
    return Binding(row.key, action, row.footer, show=bool(row.footer) and not row.hidden, priority=row.priority, id=binding_id)


def palette_rows() -> list[Action]:
    return [row for row in ACTIONS if row.title]


def palette_help(row: Action, keymap: Mapping[str, str] | None = None) -> str:
    """A palette line's help: the key first, when it has one (`x: show the highlighted value…`), as
    bound now (`keymap` as in `help_rows`)."""
    return f"{bound_keys(row, keymap or {})}: {row.summary}" if row.key else row.summary


def help_rows(kubernetes_mode: bool, keymap: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(keys, what they do) for `?`: Kubernetes-only keys last, and only in Kubernetes mode. `keymap`
    (the app's, binding id -> keys): a key the user rebound shows as bound, not as in the table."""
    rows = [row for row in ACTIONS if row.help]
    general = [(bound_keys(row, keymap or {}), row.help) for row in rows if row.needs != Needs.KUBERNETES]
    kubernetes = [(bound_keys(row, keymap or {}), row.help) for row in rows if row.needs == Needs.KUBERNETES]
    return general + (kubernetes if kubernetes_mode else [])


def bound_keys(row: Action, keymap: Mapping[str, str]) -> str:
    """The row's keys as bound now: the user's override (plus the priority keys it leaves alone,
    such as ctrl+c for quit), else the table's."""
    override = keymap.get(KEYMAP_PREFIX + row.action) if row.action and row.key else None
    if not override:
        return row.shown_key
    kept = [other.key for other in ACTIONS if other.action == row.action and other.priority]
    return " / ".join(_key_shown(key.strip()) for key in [*override.split(","), *kept] if key.strip())


def _key_shown(key: str) -> str:
    from textual.keys import key_to_character

    if key in KEY_NAMES:
        return KEY_NAMES[key]
    character = key_to_character(key)
    return character if character and character.isprintable() and not character.isspace() else key
