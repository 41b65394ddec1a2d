"""Options of the app's own select fields, over Jira's "Issue custom field options (apps)" API.

``/rest/api/3/field/{fieldKey}/option`` with ``fieldKey`` = ``<appKey>__<moduleKey>``. Jira lets
only the app that declares the field (or a Jira admin) call it, so the session must be the
app-signed one. Bodies are Jira's ``IssueFieldOption``: ``{id, value, properties, config}``.
"""

from __future__ import annotations

from typing import Any

import requests

from .source import JiraUnavailable


class FieldOptionsClient:
    """``FieldOptions`` over HTTP. Raises ``JiraUnavailable`` on an error it cannot act on."""

    def __init__(self, session: requests.Session, base_url: str, field_key: str, *,
                 page_size: int = 100):
        self._session = session
        self._path = f"{base_url.rstrip('/')}/rest/api/3/field/{field_key}/option"
        self.page_size = page_size

    def _call(self, method: str, suffix: str = "", *, ok: tuple[int, ...] = (200,),
              **kwargs) -> requests.Response:
        try:
            response = self._session.request(method, self._path + suffix, **kwargs)
        except requests.RequestException as exc:
            raise JiraUnavailable(None, f"Jira unreachable: {type(exc).__name__}") from exc
        if response.status_code not in ok:
            raise JiraUnavailable.answered(response.status_code, response.text)
        return response

    def options(self) -> list[dict]:
        """Every option of the field, selectable or not, following the pages."""
        found: list[dict] = []
        while True:
            page = self._call("GET", params={"startAt": len(found),
                                             "maxResults": self.page_size}).json()
            found += page.get("values", [])
            if page.get("isLast", True) or not page.get("values"):
                return found

    def create(self, body: dict) -> dict:
        """POST a new option (``value``, ``properties``, ``config``); Jira assigns the id."""
        return self._call("POST", ok=(200, 201), json=body).json()

    def update(self, option_id: str, body: dict) -> dict:
        """Replace the option; Jira wants the id in the body too, equal to the one in the path."""
        payload: dict[str, Any] = {**body, "id": int(option_id)}
        return self._call("PUT", f"/{option_id}", json=payload).json()

    def delete(self, option_id: str) -> bool:
        """Delete the option: True once it is gone, False when Jira refuses because issues have
        it selected (409).
        """
        response = self._call("DELETE", f"/{option_id}", ok=(204, 404, 409))
        return response.status_code != 409
