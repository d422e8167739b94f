"""Frozen settings records whose methods are written once, not generated per class.

``@dataclass(frozen=True)`` compiles six methods from source for each class when its module
loads; for the settings tables that was most of noxkit's import time, which every ``nox -l``
(and shell completion) pays. :func:`record` generates only ``__init__`` and the records
inherit the rest from :class:`Value`: the same behaviour (fields compared in order, only
between instances of one class; hashable; assigning or deleting an attribute after
``__init__`` raises ``FrozenInstanceError``), defined once. Type checkers see a frozen
dataclass (``dataclass_transform``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Any:  # noqa: ANN401 - a no-op at run time
        return lambda decorated: decorated


__all__ = ["Value", "record"]

_T = TypeVar("_T")


class Value:
    """Equality, hashing, repr and immutability by dataclass fields (see :func:`record`)."""

    __slots__ = ()

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in dataclasses.fields(self) if f.compare)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not isinstance(other, Value):
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.repr
        )
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        # __init__ sets each field once; nothing else may set anything.
        if name in self.__dict__ or name not in self.__dataclass_fields__:  # type: ignore[attr-defined]
            msg = f"cannot assign to field {name!r}"
            raise dataclasses.FrozenInstanceError(msg)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        msg = f"cannot delete field {name!r}"
        raise dataclasses.FrozenInstanceError(msg)


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(cls: type[_T]) -> type[_T]:
    """Make ``cls`` (a subclass of :class:`Value`) a frozen dataclass record."""
    return dataclasses.dataclass(eq=False, repr=False)(cls)
