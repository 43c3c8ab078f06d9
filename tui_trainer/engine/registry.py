"""Name tables: the names a user types, mapped to the engine's pieces."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class UnknownNameError(KeyError, ValueError):
    """An unknown name; the message lists the valid ones."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class Registry(dict[str, T]):
    """A dict keyed by user-facing names whose missing keys raise a helpful error."""

    def __init__(self, kind: str, entries: dict[str, T]):
        super().__init__(entries)
        self.kind = kind

    def __missing__(self, name: str) -> T:
        valid = ", ".join(self)
        raise UnknownNameError(f"unknown {self.kind} {name!r}; choose one of: {valid}")
