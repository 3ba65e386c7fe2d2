"""Reads of 组织生活, one module per noun (scoped; never a write or a lock)."""
