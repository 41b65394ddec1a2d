"""JQL built from stored values: only validated numeric ids ever go into a query (issue 13).

Project and issue ids reach the database from webhooks; a forged or odd value such as
``1 OR project is not EMPTY`` must never become part of the JQL the app sends as itself.
"""

from __future__ import annotations

import re

_ID = re.compile(r"[0-9]{1,18}")


def is_jql_id(value) -> bool:
    """Whether ``value`` is a Jira numeric id that may be written into JQL as is."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def project_jql(project: str, after: str | None = None) -> str:
    """``project = N [AND id > M] ORDER BY id ASC``; ValueError for a non-numeric id."""
    if not is_jql_id(project) or (after is not None and not is_jql_id(after)):
        raise ValueError("only numeric ids go into JQL")
    if after is None:
        return f"project = {project} ORDER BY id ASC"
    return f"project = {project} AND id > {after} ORDER BY id ASC"


def projects_in(projects: list[str]) -> str:
    """``project in (…)`` over the numeric ids among ``projects`` (others are left out)."""
    return f"project in ({', '.join(p for p in projects if is_jql_id(p))})"
