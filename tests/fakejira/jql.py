"""A small, honest JQL subset: what a sync needs, and a 400 for everything else.

Supported: clauses joined by ``AND`` over ``project``, ``key``/``issuekey``, ``id``, ``parent``,
``issuetype``/``type``, ``status`` (``=``, ``!=``, ``in``, ``not in``), ``id`` ranges (``>``,
``>=``, ``<``, ``<=`` against an existing issue — Jira validates the issue exists, so a range
after a deleted issue fails with 400, the pessimistic reading) and ``updated``/``created``
(``>``, ``>=``, ``<``, ``<=``, ``=`` against ``"yyyy-MM-dd[ HH:mm]"`` — slashes allowed — read
in the searching user's time zone as Jira does, or a relative ``-15m``/``-2d``), then an optional
``ORDER BY`` over id, key, created, updated. Like the enhanced search, a query without any
restriction is refused as unbounded. Unknown project/issue/type values fail like Jira's
validation ("The value 'X' does not exist for the field 'project'.").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from typing import TypeVar
from zoneinfo import ZoneInfo

from .entities import ISSUE_TYPES
from .entities import Issue

if TYPE_CHECKING:
    from .model import JiraModel

_TOKEN = re.compile(
    r"""\s*(?:(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    |(?P<op>>=|<=|!=|=|>|<)|(?P<punct>[(),])|(?P<word>[^\s"'(),=!<>]+))""",
    re.VERBOSE,
)
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
_RELATIVE = re.compile(r"([-+]?)(\d+)([wdhm])")
_UNIT_MS = {"w": 604_800_000, "d": 86_400_000, "h": 3_600_000, "m": 60_000}
_LIST_FIELDS = {"project", "key", "issuekey", "id", "parent", "issuetype", "type", "status"}
_DATE_FIELDS = {"updated", "created"}
_SORT_KEYS: dict[str, Callable[[Issue], object]] = {
    "id": lambda i: i.id,
    "key": lambda i: (i.key.rsplit("-", 1)[0], int(i.key.rsplit("-", 1)[1])),
    "issuekey": lambda i: (i.key.rsplit("-", 1)[0], int(i.key.rsplit("-", 1)[1])),
    "created": lambda i: i.created,
    "updated": lambda i: i.updated,
}
_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "=": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}

_RANGE_OPS = (">", ">=", "<", "<=")

Condition = Callable[[Issue], bool]
_T = TypeVar("_T")


class JqlError(ValueError):
    """The JQL is outside the subset or names unknown values; REST answers 400 with it."""


@dataclass(frozen=True, slots=True)
class Query:
    conditions: tuple[Condition, ...]
    order: tuple[tuple[str, bool], ...]

    def run(self, issues: list[Issue]) -> list[Issue]:
        """Filter and sort; without ORDER BY the order is id descending (unspecified in Jira)."""
        found = [i for i in issues if all(c(i) for c in self.conditions)]
        for field, descending in reversed(self.order or (("id", True),)):
            found.sort(key=_SORT_KEYS[field], reverse=descending)
        return found


def parse(jql: str, model: JiraModel, time_zone: str) -> Query:
    """Compile JQL against the model; raises JqlError."""
    return _Parser(jql, model, ZoneInfo(time_zone)).query()


class _Parser:
    def __init__(self, jql: str, model: JiraModel, zone: ZoneInfo) -> None:
        self.tokens = _tokenize(jql)
        self.pos = 0
        self.model = model
        self.zone = zone

    def peek(self, offset: int = 0) -> str | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise JqlError("Error in the JQL Query: unexpected end of the query.")
        self.pos += 1
        return token

    def accept(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.lower() == word:
            self.pos += 1
            return True
        return False

    def at_order_by(self) -> bool:
        first, second = self.peek(), self.peek(1)
        return (first or "").lower() == "order" and (second or "").lower() == "by"

    def query(self) -> Query:
        conditions = []
        if self.peek() is not None and not self.at_order_by():
            conditions.append(self.clause())
            while self.accept("and"):
                conditions.append(self.clause())
        if not conditions:
            raise JqlError(
                "Unbounded JQL queries are not allowed here. "
                "Please add a search restriction to your query."
            )
        order = []
        if self.at_order_by():
            self.pos += 2
            order.append(self.sort_key())
            while self.accept(","):
                order.append(self.sort_key())
        if self.peek() is not None:
            raise JqlError(f"Error in the JQL Query: unexpected '{self.peek()}'.")
        return Query(tuple(conditions), tuple(order))

    def sort_key(self) -> tuple[str, bool]:
        field = self.take().lower()
        if field not in _SORT_KEYS:
            raise JqlError(f"Not able to sort using field '{field}'.")
        descending = self.accept("desc")
        if not descending:
            self.accept("asc")
        return field, descending

    def clause(self) -> Condition:
        field = self.take().lower()
        if field in _DATE_FIELDS:
            op = self.take()
            if op not in _COMPARE:
                raise JqlError(f"The operator '{op}' is not supported by the '{field}' field.")
            instant = self.instant(self.take())
            compare = _COMPARE[op]
            return lambda issue: compare(getattr(issue, field), instant)
        if field not in _LIST_FIELDS:
            raise JqlError(f"Field '{field}' does not exist or you do not have permission.")
        if field == "id" and self.peek() in _RANGE_OPS:
            op = self.take()
            (bound,) = self.resolve(field, [self.value()])
            compare = _COMPARE[op]
            return lambda issue: compare(issue.id, bound)
        negate = self.accept("not")
        if self.accept("in"):
            values = self.value_list()
        elif not negate and self.peek() in ("=", "!="):
            negate = self.take() == "!="
            values = [self.value()]
        else:
            raise JqlError(f"Error in the JQL Query: bad operator after '{field}'.")
        accepted = self.resolve(field, values)
        read = _READERS[field]
        return lambda issue: (read(issue) in accepted) != negate

    def value(self) -> str:
        token = self.take()
        if token in ("(", ")", ",", "=", "!=", ">", ">=", "<", "<="):
            raise JqlError(f"Error in the JQL Query: expected a value, got '{token}'.")
        if token[0] in "\"'":
            return re.sub(r"\\(.)", r"\1", token[1:-1])
        return token

    def value_list(self) -> list[str]:
        if self.take() != "(":
            raise JqlError("Error in the JQL Query: expected '(' after 'in'.")
        values = [self.value()]
        while self.accept(","):
            values.append(self.value())
        if self.take() != ")":
            raise JqlError("Error in the JQL Query: expected ')'.")
        return values

    def resolve(self, field: str, values: list[str]) -> set[object]:
        """Map user-facing values to what the reader yields, failing on unknown ones."""
        resolved: set[object] = set()
        for value in values:
            if field == "project":
                found = self.model.find_project(value)
                resolved.add(_known(found, value, field).id)
            elif field in ("key", "issuekey", "id", "parent"):
                issue = self.model.find_issue(value)
                resolved.add(_known(issue, value, field).id)
            elif field in ("issuetype", "type"):
                resolved.add(_known(ISSUE_TYPES.get(value.lower()), value, field).name)
            else:
                resolved.add(value.lower())
        return resolved

    def instant(self, token: str) -> int:
        text = token[1:-1] if token[0] in "\"'" else token
        relative = _RELATIVE.fullmatch(text)
        if relative:
            sign, amount, unit = relative.groups()
            delta = int(amount) * _UNIT_MS[unit]
            return self.model.now() + (-delta if sign == "-" else delta)
        for pattern in _DATE_FORMATS:
            try:
                moment = datetime.strptime(text, pattern).replace(tzinfo=self.zone)
            except ValueError:
                continue
            return int(moment.timestamp() * 1000)
        raise JqlError(f"Date value '{text}' for field is invalid. Valid formats include: "
                       "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'.")


_READERS: dict[str, Callable[[Issue], object]] = {
    "project": lambda i: i.project_id,
    "key": lambda i: i.id,
    "issuekey": lambda i: i.id,
    "id": lambda i: i.id,
    "parent": lambda i: i.parent_id,
    "issuetype": lambda i: i.issue_type.name,
    "type": lambda i: i.issue_type.name,
    "status": lambda i: i.status.lower(),
}


def _known(found: _T | None, value: str, field: str) -> _T:
    if found is None:
        raise JqlError(f"The value '{value}' does not exist for the field '{field}'.")
    return found


def _tokenize(jql: str) -> list[str]:
    tokens = []
    position = 0
    text = jql.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise JqlError(f"Error in the JQL Query: cannot read '{text[position:]}'.")
        tokens.append(match.group(match.lastgroup or 0))
        position = match.end()
    return tokens
