"""Data access for the app (a local package, not the PyPI 'data' project)."""
