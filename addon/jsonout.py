"""JSON responses that write ``Decimal`` as a JSON number from its digits.

Money leaves the app as Tempo's Amount ``{"value": 1234.5, ...}``; the number is written from
the Decimal's own string (simplejson's ``use_decimal``), never through a binary float, so
``0.1 + 0.2`` style drift cannot reach a client.
"""

from __future__ import annotations

import simplejson
from flask.json.provider import DefaultJSONProvider


class DecimalJSONProvider(DefaultJSONProvider):
    def dumps(self, obj, **kwargs) -> str:
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return simplejson.dumps(obj, use_decimal=True, **kwargs)
