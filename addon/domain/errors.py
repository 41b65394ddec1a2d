"""Domain errors: what went wrong, in terms the API can hand to a user field by field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str
    code: str = "invalid"


class DomainError(Exception):
    """Base of the errors the domain raises on purpose. ``status`` is the HTTP analogue."""

    status = 400

    def __init__(self, message: str, problems: list[FieldProblem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class InvalidInput(DomainError):
    """Malformed or missing values (400)."""


class PolicyViolation(DomainError):
    """Well-formed input that a site rule refuses (422)."""

    status = 422


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


def invalid(field: str, message: str, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, [FieldProblem(field, message, code)])


ERROR_TEXT_LIMIT = 2000


def error_text(exc: BaseException) -> str:
    """How a failure is stored for admins (parked events, failed runs, pending pushes): its type
    and message, cut so one runaway message (a whole HTML error page) cannot bloat the rows."""
    return f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT]
