"""Intents that widgets post and the app acts on (widgets never reach into each other)."""

from __future__ import annotations

from textual.message import Message


class JumpToComponent(Message):
    def __init__(self, component: str) -> None:
        super().__init__()
        self.component = component


class JumpToSecret(Message):
    def __init__(self, store: str, secret: str, key: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.secret = secret
        self.key = key
