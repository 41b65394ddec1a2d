"""Connect scopes: each of READ < WRITE < DELETE < PROJECT_ADMIN < ADMIN implies the ones before
it; ACT_AS_USER stands apart (it only unlocks impersonation).
"""

from __future__ import annotations

from collections.abc import Iterable

SCOPE_ORDER = ("READ", "WRITE", "DELETE", "PROJECT_ADMIN", "ADMIN")


def covers(granted: Iterable[str], required: str) -> bool:
    """True if any granted scope is ``required`` or implies it."""
    if required not in SCOPE_ORDER:
        return required in granted
    needed = SCOPE_ORDER.index(required)
    return any(s in SCOPE_ORDER and SCOPE_ORDER.index(s) >= needed for s in granted)
