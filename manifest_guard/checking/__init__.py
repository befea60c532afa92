"""Checking: one manifest from bytes to findings and proposed edits (``checker``), and a whole run over
the selected manifests with the result cache (``run``).
"""
