"""``<id:name>`` in API routes: numeric path ids checked before any view or query runs."""

from __future__ import annotations

from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter

from .inputs import is_id


class BadPathId(BadRequest):
    """A path id that is not a 64-bit whole number (``/worklogs/1e20``): 400 naming it."""

    def __init__(self, field: str):
        super().__init__(f"'{field}' must be a whole number of at most 19 digits")
        self.field = field


class IdConverter(BaseConverter):
    """``<id:name>``: like ``<int:>``, but ``1e20`` or 5,000 nines are a 400, not a 404 or an
    overflow in the database. Segments not starting with a digit are left to other rules."""

    regex = r"[0-9][^/]*"
    weight = 50

    def to_python(self, value: str) -> int:
        if not is_id(value):
            raise BadPathId("id")  # every such path names it {id} in the OpenAPI document
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
