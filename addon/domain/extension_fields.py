"""Our fields on Tempo's objects survive a Tempo client's PUT (issue 12).

Tempo's rule is that a PUT replaces the object: a Tempo field left out of the body is reset. A
Tempo script does not know the fields we add (an account's ``currency``, ``contractType``, …), so
re-sending an object it read would silently reset them. So an extension field absent from a PUT
arrives as ``KEEP`` and keeps its stored value; an explicit ``null`` still clears it (back to its
default, or to none where the field may be empty).

To add an extension field to an object: parse it with ``addon.api.extensions.extension`` (which
gives ``KEEP`` for an absent field on a PUT) and store it with ``kept(value, stored)``.
"""

from __future__ import annotations

from typing import Any


class _Keep:
    """The value of an extension field a PUT left out."""

    def __repr__(self) -> str:
        return "KEEP"

    def __bool__(self) -> bool:
        return False


KEEP: Any = _Keep()


def kept(value, stored):
    """``stored`` when ``value`` is ``KEEP``, else ``value``."""
    return stored if value is KEEP else value


def given(value) -> bool:
    """True when the body carried the field (so it must be validated)."""
    return value is not KEEP
