"""Thin job functions: take ids and plain values, open their own session, safe to run twice."""
