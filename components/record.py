"""Frozen value classes that behave as `@dataclass(frozen=True)` ones do, without generating code at import.

Python 3.11's dataclasses compile four to six methods per class with `exec` when the module is imported
(~0.5 ms a class), and `import dataclasses` pulls in `inspect` (~6 ms): a cost every headless command paid
before reading a byte (issue #16). A `Record` subclass names its fields in `__match_args__`, in order (what
a dataclass sets there too), and writes its `__init__`; equality, hashing, repr, `replace` and frozenness
come from here, as the dataclass would give them (tests/components/test_records_behave_as_dataclasses.py).
`MutableRecord` is the same for a plain `@dataclass`: its fields can be set, and it has no hash.
"""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` costs the headless CLI's start-up ~2 ms
if TYPE_CHECKING:
    from typing import Any, Self


class FrozenInstanceError(AttributeError):
    """A field of a record was assigned or deleted (dataclasses.FrozenInstanceError's counterpart)."""


class MutableRecord:
    __slots__ = ()
    __match_args__: tuple[str, ...] = ()  # the fields, in order: repr, ==, hash and replace use them
    __hash__ = None  # type: ignore[assignment]  # a dataclass with eq and not frozen is unhashable

    def _values(self) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in self.__match_args__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:  # a dataclass compares with its own class only
            return self._values() == other._values()
        return NotImplemented

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{self.__class__.__qualname__}({fields})"

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed, as dataclasses.replace gives it (through `__init__`)."""
        return self.__class__(**{**{name: getattr(self, name) for name in self.__match_args__}, **changes})


class Record(MutableRecord):
    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]  # hashable again, as a frozen dataclass is
        return hash(self._values())

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
