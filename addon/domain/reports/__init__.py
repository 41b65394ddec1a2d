"""Reports: one module per report, each an aggregate query over the domain's tables."""
