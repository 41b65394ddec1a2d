"""Bulk inserts of plain rows: PostgreSQL's ``COPY`` where it is available (issue 11).

A sync batch writes about a thousand new worklogs, their mirror rows and as many audit entries
at once. An ``executemany`` of an ``INSERT`` costs per row, in Python, SQLAlchemy's parameter
construction and psycopg's query dump and pipeline bookkeeping: a profile of a backfill put a
fifth of its time there. ``COPY … FROM STDIN`` streams the same rows with one statement. Values
go through each column type's bind processing first, as an ``INSERT`` would send them (UTC
datetimes, JSON). Elsewhere (SQLite) it is the ``executemany``.
"""

from __future__ import annotations

from psycopg import sql
from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert ``rows`` (each with the same keys, column names) into ``table``, in the session's
    transaction. Columns the rows leave out get their Python-side default (one value for the
    call, as ``COPY`` knows only the server's); a constraint violation raises as an ``INSERT``
    would, and the caller rolls back."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    defaults = column_defaults(table, [c.name for c in table.c if c.name not in rows[0]])
    columns = [table.c[name] for name in names + list(defaults)]
    processors = [(index, processor) for index, column in enumerate(columns)
                  if (processor := column.type.dialect_impl(connection.dialect)
                      .bind_processor(connection.dialect)) is not None]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c.name) for c in columns))
    with connection.connection.driver_connection.cursor() as cursor, \
            cursor.copy(statement) as copy:
        for row in rows:
            values = [row[name] for name in names]
            values.extend(defaults.values())
            for index, process in processors:
                values[index] = process(values[index])
            copy.write_row(values)


def column_defaults(table: Table, names: list[str]) -> dict:
    """The Python-side defaults of ``table``'s columns ``names`` that have one (a timestamp's
    ``utcnow``, say), evaluated once."""
    found = {}
    for name in names:
        default = table.c[name].default
        if default is not None and not default.is_sequence:
            found[name] = default.arg if default.is_scalar else default.arg(None)
    return found
