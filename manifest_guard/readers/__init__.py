"""Readers of the app's code and declarations, all with ``ast`` and text parsing, never importing the app:
Python source, bindings, frameworks, imports, notebooks, module lookup, requirements, the distribution table.
"""
