"""What SQL an engine sends: for tests and benches that check a statement's shape or plan."""

from __future__ import annotations

from sqlalchemy import event


class sent_statements:  # noqa: N801 - used as a context manager
    """The ``(SQL, parameters)`` the engine sends while the block runs."""

    def __init__(self, engine):
        self.engine = engine
        self.sent: list[tuple[str, dict]] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.sent.append((statement, parameters))

    def __enter__(self) -> list[tuple[str, dict]]:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self.sent

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)
