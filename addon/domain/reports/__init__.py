"""Reports: one module per report, each a query over the domain's tables."""
