"""Word records of 组织生活, for paper filing (presentation only: reads come from the
selectors), one module per document."""
