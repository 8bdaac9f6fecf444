"""The component list: secret stores first, then every other component by category, each with
its type and a status glyph. In Kubernetes mode the categories sit under a namespace heading."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from dapr_secrets.backends.runtime import ComponentStatus, State, scope_note
from dapr_secrets.components.model import CATEGORIES, Component
from dapr_secrets.tui.safe_text import escape_control
from dapr_secrets.tui.widgets.status import glyph

CATEGORY_TITLES = {
    "secretstores": "Secret stores",
    "state": "State",
    "pubsub": "Pub/sub",
    "bindings": "Bindings",
    "configuration": "Configuration",
    "lock": "Lock",
    "crypto": "Crypto",
    "middleware": "Middleware",
    "conversation": "Conversation",
}


def short_type(component: Component) -> str:
    """`secretstores.local.file` -> `local.file`."""
    category = component.category
    return component.type[len(category) + 1 :] if category else component.type


def ordered(components: list[Component]) -> list[tuple[str, list[Component]]]:
    """(title, components) per category in CATEGORIES order; unknown types last."""
    groups: dict[str, list[Component]] = {}
    for component in components:
        groups.setdefault(component.category or "", []).append(component)
    order = [*CATEGORIES, ""]
    return [(CATEGORY_TITLES.get(key, "Unknown type"), groups[key]) for key in order if key in groups]


def by_namespace(components: list[Component]) -> list[tuple[str, list[Component]]]:
    """(namespace, components) sorted by namespace; components without one come last."""
    groups: dict[str, list[Component]] = {}
    for component in components:
        groups.setdefault(component.namespace, []).append(component)
    return sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))


def namespace_heading(namespace: str) -> Text:
    if not namespace:
        return Text("no namespace", style="bold italic")
    return Text.assemble(("namespace ", "bold"), (escape_control(namespace), "bold cyan"), end="")


class Sidebar(OptionList):
    # One line a component: a long name or type ends in "…" instead of wrapping into lines that look
    # like headings.
    DEFAULT_CSS = """
    Sidebar { text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    class ComponentHighlighted(Message):
        """The cursor is on a component (`chosen`: the user pressed enter or clicked it)."""

        def __init__(self, component: str, chosen: bool = False) -> None:
            super().__init__()
            self.component = component
            self.chosen = chosen

    class StatesChanged(Message):
        """A component's state changed: the header's count may have."""

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self._ids: dict[str, str] = {}  # component name -> option id
        self._names: dict[str, str] = {}  # option id -> component name
        self._components: dict[str, Component] = {}
        self._statuses: dict[str, ComponentStatus] = {}
        self._unlisted: set[str] = set()  # stores whose last listing failed: opened, but not usable
        self._scoped_out: set[str] = set()  # listed greyed: daprd does not load them for this app

    def set_components(self, components: list[Component], group_by_namespace: bool = False,
                       scoped_out: Sequence[Component] = ()) -> None:
        """(Re)build the list, keeping the highlighted component when it still exists.
        `group_by_namespace`: a namespace heading above each namespace's categories. `scoped_out`:
        components daprd does not load for this app (their scopes leave it out), listed greyed."""
        current = self.highlighted_component
        self.clear_options()
        self._ids.clear()
        self._names.clear()
        self._scoped_out = {c.name for c in scoped_out}
        components = [*components, *scoped_out]
        self._components = {c.name: c for c in components}
        options: list[Option] = []
        groups = by_namespace(components) if group_by_namespace else [(None, components)]
        for namespace, members in groups:
            if namespace is not None:
                options.append(Option(namespace_heading(namespace), disabled=True))
            options += self._category_options(members)
        self.add_options(options)
        target = current if current in self._ids else next(iter(self._ids), None)
        if target is not None:
            self.highlight_component(target)

    def _category_options(self, components: list[Component]) -> list[Option]:
        options: list[Option] = []
        for title, members in ordered(components):
            options.append(Option(Text(title, style="bold"), disabled=True))
            for component in members:
                option_id = f"c{len(self._ids)}"
                self._ids[component.name] = option_id
                self._names[option_id] = component.name
                options.append(Option(self._prompt(component), id=option_id))
        return options

    def forget_statuses(self) -> None:
        """Another runtime is coming: statuses of components with the same names do not carry over."""
        self._statuses.clear()
        self._unlisted.clear()

    def _prompt(self, component: Component) -> Text:
        if component.name in self._scoped_out:  # another app's: greyed, whose instead of the type (the view has it)
            return Text.assemble(
                " ", glyph(State.SCOPED_OUT), " ", escape_control(component.name), "  ", escape_control(scope_note(component)),
                style="dim", end="",
            )
        state = self._state(component.name)
        return Text.assemble(
            " ", glyph(state), " ", (escape_control(component.name), ""), "  ", (escape_control(short_type(component)), "dim"),
            end="",
        )

    def _state(self, name: str) -> State:
        state = self._statuses.get(name, ComponentStatus(State.PENDING)).state
        if state == State.READY and name in self._unlisted:
            state = State.ERROR  # opened, but its names could not be listed: not "ready"
        return state

    def states(self) -> list[State]:
        """The state of every component daprd loads for the app, as the marks show it."""
        return [self._state(name) for name in self._components if name not in self._scoped_out]

    def set_status(self, name: str, status: ComponentStatus) -> None:
        self._statuses[name] = status
        component = self._components.get(name)
        if component is not None and name in self._ids:
            self.replace_option_prompt(self._ids[name], self._prompt(component))
        self.post_message(self.StatesChanged())

    def set_listing_failed(self, name: str, failed: bool) -> None:
        """A store's listing failed (or, after a refresh, worked again)."""
        if failed == (name in self._unlisted):
            return
        if failed:
            self._unlisted.add(name)
        else:
            self._unlisted.discard(name)
        if name in self._statuses:
            self.set_status(name, self._statuses[name])

    @property
    def highlighted_component(self) -> str | None:
        option = self.highlighted_option
        return self._names.get(option.id) if option is not None and option.id else None

    def highlight_component(self, name: str) -> None:
        if name in self._ids:
            self.highlighted = self.get_option_index(self._ids[name])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        name = self._names.get(event.option.id or "")
        if name is not None:
            self.post_message(self.ComponentHighlighted(name))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        name = self._names.get(event.option.id or "")
        if name is not None:
            self.post_message(self.ComponentHighlighted(name, chosen=True))
