"""Forms of 组织生活, one module per noun."""
