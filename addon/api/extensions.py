"""Reading our extension fields (those not in Tempo's schema) from POST and PUT bodies.

See ``addon.domain.extension_fields``: on a PUT an absent extension field keeps its stored value,
while Tempo's own fields follow Tempo's rule (absent = reset).
"""

from __future__ import annotations

from ..domain.extension_fields import KEEP

# Appended to the OpenAPI description of every PUT that has extension fields.
PUT_NOTE = ("Tempo's fields left out of the body are reset (Tempo's PUT rule). Our extension "
            "fields ({fields}) keep their stored value when left out; an explicit null clears "
            "them (back to the default where a value is required).")


def extension(body: dict, name: str, default, *, replacing: bool):
    """The field's value: ``KEEP`` when a PUT (``replacing``) leaves it out, ``default`` when
    absent from a POST or explicitly null, else the value as sent (validated by the caller)."""
    if replacing and name not in body:
        return KEEP
    value = body.get(name)
    return default if value is None else value


def put_description(fields: list[str]) -> str:
    return PUT_NOTE.format(fields=", ".join(f"`{f}`" for f in fields))
