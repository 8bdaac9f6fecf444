"""The "Referenced by" pane: every component metadata field whose secretKeyRef points at the
highlighted secret (and key), with whether daprd would resolve it; with no secret highlighted, the
components that use the shown store. `enter` jumps to the component.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from dapr_secrets.backends.runtime import scope_note
from dapr_secrets.components.model import Component, Reference
from dapr_secrets.tui.messages import JumpToComponent
from dapr_secrets.tui.safe_text import escape_control, safe_text
from dapr_secrets.tui.widgets.detail_text import cut

if TYPE_CHECKING:
    from dapr_secrets.backends.runtime import ReferenceStatus, Runtime


def status_cell(status: ReferenceStatus | None) -> Text:
    """A reference status as a short coloured word; None while it is being checked."""
    if status is None:
        return Text("… checking", style="dim", end="")
    if status.ok:
        return Text("✓ ok", style="green", end="")
    if status.code == "empty-value":
        return Text("! empty", style="yellow", end="")
    if status.code == "scoped-out":  # another app's component: shown, never checked
        return Text("– other app", style="dim", end="")
    return Text(f"✗ {status.code}", style="red", end="")


def reference_prompt(ref: Reference, status: ReferenceStatus | None) -> Text:
    """Status and component, then the metadata field and key, then why it fails (if it does)."""
    scoped_out = status is not None and status.code == "scoped-out"
    text = Text.assemble(status_cell(status), "  ", safe_text(ref.owner, "dim" if scoped_out else "bold"), end="")
    text.append("\n  ")
    text.append_text(safe_text(ref.field))
    text.append("  key ", style="dim")
    if not ref.key_written:  # no `key`: daprd reads the key named like the secret (§2.6)
        text.append("=name", style="italic")
    else:
        text.append_text(safe_text(ref.key))
    if status is not None and not status.ok:
        text.append("\n  ")
        text.append_text(safe_text(status.message, "dim"))
        if status.hint:  # what to do, when it depends on what the stores hold
            text.append("\n  hint: ", style="dim italic")
            text.append_text(safe_text(status.hint, "dim italic"))
    return text


class ReferencesPane(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, runtime: Runtime, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.runtime = runtime
        self.references: list[Reference] = []
        self.statuses: list[ReferenceStatus | None] = []
        self.users: list[str] = []  # components using the shown store, when no secret is highlighted
        self._generation = 0
        self._shown: tuple[str | None, str | None, str | None] = (None, None, None)

    def on_mount(self) -> None:
        self.border_title = "Referenced by"
        self.show_for(None, None)

    def show_for(self, store: str | None, secret: str | None, key: str | None = None) -> None:
        """List the references to store/secret (only those using `key`, when given)."""
        self._shown = (store, secret, key)
        self._generation += 1
        self.users = []
        loaded, scoped_out = [], []
        if store is not None and secret is not None:
            loaded = self.runtime.references_to(store, secret)
            scoped_out = self.runtime.scoped_out_references_to(store, secret)  # other apps': nothing vanishes
        if key is not None:
            loaded = [ref for ref in loaded if ref.key == key]
            scoped_out = [ref for ref in scoped_out if ref.key == key]
        self.references = loaded + scoped_out
        self.statuses = [None] * len(loaded) + [self.runtime.scoped_out_reference_status(ref) for ref in scoped_out]
        self._list_references()
        if loaded:
            self._check(loaded, self._generation)

    def show_store_users(self, store: str | None) -> None:
        """No secret highlighted: the components whose secretKeyRefs go to `store` (auth.secretStore,
        or the default store of Kubernetes mode), each with how many it has."""
        self.show_for(None, None)
        if store is None:
            return
        refs: dict[str, int] = {}
        for ref in self.runtime.references():
            if ref.store == store and ref.kind == "Component":
                refs[ref.component] = refs.get(ref.component, 0) + 1
        users = [c for c in self.runtime.components if c.name in refs or c.auth_secret_store == store]
        scoped_out = [c for c in self.runtime.scoped_out_components() if c.auth_secret_store == store]
        self.users = [c.name for c in users + scoped_out]
        others = self._other_users(store)
        others = [Option(_scoped_out_prompt(c), id=c.name) for c in scoped_out] + others
        if not users and others:
            heading = Option(Text(f"Using {escape_control(store)}:", style="dim"), disabled=True)
            self.set_options([heading, *others])
            return
        if not users:
            self.set_options([Option(Text(f"No component uses {escape_control(store)}: none names it in "
                                          "auth.secretStore.", style="dim"), disabled=True)])
            return
        heading = Option(Text(f"Components using {escape_control(store)}:", style="dim"), disabled=True)
        self.set_options(
            [heading, *(Option(_user_prompt(c, refs.get(c.name, 0)), id=c.name) for c in users), *others]
        )

    def _other_users(self, store: str) -> list[Option]:
        """HTTPEndpoints and MCPServers whose secretKeyRefs go to `store` (shown, not selectable:
        they have no view of their own)."""
        counts: dict[str, int] = {}
        for ref in self.runtime.references():
            if ref.store == store and ref.kind != "Component":
                counts[ref.owner] = counts.get(ref.owner, 0) + 1
        return [
            Option(Text.assemble(safe_text(owner, "bold"), (f"\n  {count} secretKeyRef{'' if count == 1 else 's'}", "dim")),
                   disabled=True)
            for owner, count in counts.items()
        ]

    def recheck(self) -> None:
        """Check the shown references again (after a refresh)."""
        self.show_for(*self._shown)

    def _list_references(self) -> None:
        if not self.references:
            empty = "No component references this."
            if self.runtime.options.sidecar_url:  # the metadata API shows no component metadata items
                empty = "A running sidecar does not show who references what: `dapr-secrets drift` compares it with the files."
            self.set_options([Option(Text(empty, style="dim"), disabled=True)])
            return
        highlighted = self.highlighted
        self.set_options(
            Option(reference_prompt(ref, status), id=str(index))
            for index, (ref, status) in enumerate(zip(self.references, self.statuses, strict=True))
        )
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    def _check(self, references: list[Reference], generation: int) -> None:
        def check() -> None:
            for index, ref in enumerate(references):
                status = self.runtime.check_reference(ref)
                self.app.call_from_thread(self._checked, generation, index, status)

        self.run_worker(check, thread=True, group="references", exclusive=True, exit_on_error=False,
                        description="check references")

    def _checked(self, generation: int, index: int, status: ReferenceStatus) -> None:
        if generation == self._generation:
            self.statuses[index] = status
            self.replace_option_prompt_at_index(index, reference_prompt(self.references[index], status))

    def on_focus(self) -> None:
        if self.highlighted is None and (self.references or self.users):
            self.highlighted = 1 if self.users else 0  # past the heading

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if self.users and event.option.id in self.users:
            self.post_message(JumpToComponent(event.option.id))
        elif 0 <= index < len(self.references):
            self.post_message(JumpToComponent(self.references[index].component))


TYPE_WIDTH = 24  # cells of a component's type next to its name: longer types end in "…" rather than wrap


def _type(component: Component) -> Text:
    return cut(Text(f"  {escape_control(component.type)}", style="dim", end=""), TYPE_WIDTH)


def _scoped_out_prompt(component: Component) -> Text:
    text = Text.assemble(safe_text(component.name, "dim bold"), _type(component), end="")
    text.append(f"\n  {escape_control(scope_note(component))}: not loaded for this app", style="dim")
    return text


def _user_prompt(component: Component, refs: int) -> Text:
    text = Text.assemble(safe_text(component.name, "bold"), _type(component), end="")
    text.append(f"\n  {refs} secretKeyRef{'' if refs == 1 else 's'}" if refs else "\n  no secretKeyRef", style="dim")
    return text
