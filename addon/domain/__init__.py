"""Business rules as plain functions over a session and values; no Flask in here."""
