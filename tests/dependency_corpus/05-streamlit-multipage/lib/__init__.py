"""Shared code for the pages (a local package)."""
