"""Database access (local package; not the PyPI project called ``db``)."""

from .session import get_session

__all__ = ["get_session"]
