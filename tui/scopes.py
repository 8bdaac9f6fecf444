"""What `--app-id` / `--config` say about a secret: the detail pane's "Dapr API for app X: allowed
(rule)" line and the tree's "⊘ API denied" mark (with the store's own note about a name)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from rich.text import Text

from dapr_secrets.backends.runtime import Runtime
from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.widgets.status import API_DENIED
from dapr_secrets.tui.widgets.store_view import StoreView


class ShownStores(Protocol):
    @property
    def runtime(self) -> Runtime: ...

    @property
    def views(self) -> Mapping[str, object]: ...


class Scopes:
    def __init__(self, shown: ShownStores) -> None:
        self._shown = shown

    def _scopes_shown(self) -> bool:
        options = self._shown.runtime.options
        return bool(options.app_id or options.config_files)

    def text(self, store: str, name: str) -> Text | None:
        """'API for app orders: allowed (rule)' for the detail pane."""
        if not self._scopes_shown():
            return None
        from dapr_secrets.components.config import SECRETS_GET_ENDPOINT, is_endpoint_allowed

        runtime = self._shown.runtime
        app_id = runtime.options.app_id or "any app"
        if runtime.options.sidecar_url:
            return Text.assemble(("Dapr API for ", "dim"), escape_control(app_id), ": ", ("the sidecar decides", "cyan"),
                                 ("  a secret its scopes deny answers 403 when opened", "dim"))
        decision = runtime.scope_decision(store, name)
        verdict = ("allowed", "green") if decision.allowed else ("denied (403)", "bold red")
        rule = decision.rule
        if not is_endpoint_allowed(runtime.configuration, SECRETS_GET_ENDPOINT):  # §4 R4
            verdict, rule = ("not served (404)", "bold red"), "spec.api removes the secrets endpoints"
        return Text.assemble(
            ("Dapr API for ", "dim"), escape_control(app_id), ": ", verdict, (f"  {escape_control(rule)}", "dim")
        )

    def mark(self, store: str, name: str) -> Text | None:
        """A short mark after a secret's name in the tree: denied by scopes, or a store note."""
        parts = Text(end="")
        if self._scopes_shown() and not self._shown.runtime.scope_decision(store, name).allowed:
            parts.append(f"  {API_DENIED[0]}", style=API_DENIED[1])  # neutral: the app's access, not the store's health
        view = self._shown.views.get(store)
        if isinstance(view, StoreView) and view.index is not None and name in view.index.notes:
            parts.append(f"  {escape_control(view.index.notes[name])}", style="yellow")
        return parts if parts.plain else None
