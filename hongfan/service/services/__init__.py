"""Writes of the service app, one module per noun (docs/app-anatomy.md)."""
