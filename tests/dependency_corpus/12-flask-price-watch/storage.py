"""SQLite persistence (stdlib only)."""

import sqlite3
from contextlib import closing

DB_PATH = "prices.sqlite3"


def _connect():
    connection = sqlite3.connect(DB_PATH)
    connection.row_factory = sqlite3.Row
    return connection


def init_db():
    with closing(_connect()) as con, con:
        con.execute("CREATE TABLE IF NOT EXISTS prices (name TEXT, price REAL, seen TEXT)")


def record(product):
    with closing(_connect()) as con, con:
        con.execute("INSERT INTO prices VALUES (?, ?, ?)", (product.name, product.price, product.seen.isoformat()))


def latest():
    with closing(_connect()) as con:
        sql = "SELECT name, price, max(seen) AS seen FROM prices GROUP BY name ORDER BY name"
        return [dict(row) for row in con.execute(sql)]


def history(name):
    with closing(_connect()) as con:
        rows = con.execute("SELECT price, seen FROM prices WHERE name = ? ORDER BY seen", (name,))
        return [dict(row) for row in rows]
