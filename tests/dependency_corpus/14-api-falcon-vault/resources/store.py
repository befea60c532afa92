"""In-memory store; swapped for a database in production."""

_DATA: dict[tuple[str, str], str] = {}


def get(user: str, name: str) -> str | None:
    return _DATA.get((user, name))


def put(user: str, name: str, token: str) -> None:
    _DATA[(user, name)] = token
