"""Small helpers for the monitor notebook (imported from the notebook's directory)."""

import functools
import html
import time

COLOURS = {"ok": "#2e7d32", "degraded": "#f9a825", "down": "#c62828"}


def status_badge(state: str) -> str:
    colour = COLOURS.get(state, "#607d8b")
    label = html.escape(state.upper())
    return f'<span style="background:{colour};color:white;padding:2px 8px;border-radius:4px">{label}</span>'


def throttle(seconds: float):
    def decorator(func):
        last = [0.0]

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            now = time.monotonic()
            if now - last[0] >= seconds:
                last[0] = now
                return func(*args, **kwargs)
            return None

        return wrapper

    return decorator
