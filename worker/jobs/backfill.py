"""Backfill: copy a tenant's Jira into the app (placeholder until the backfill lands)."""
