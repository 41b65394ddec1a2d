"""Reports: each an aggregate query over the priced worklog and expense rows."""
