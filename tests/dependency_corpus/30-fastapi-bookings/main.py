"""Meeting-room bookings stored in DynamoDB; holidays and rooms come from a TOML file."""

from __future__ import annotations

import graphlib
import typing
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import boto3
from boto3.dynamodb.conditions import Key
from fastapi import FastAPI, HTTPException

import settings

try:
    import uvloop
except ImportError:
    uvloop = None

if typing.TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

if uvloop is not None:
    uvloop.install()

CONFIG = settings.load()
TZ = ZoneInfo(CONFIG["office"]["timezone"])
table: Table = boto3.resource("dynamodb").Table(CONFIG["office"]["table"])
app = FastAPI(title="Room bookings")


def room_order() -> list[str]:
    """Rooms sorted so that overflow rooms come after the room they extend."""
    sorter = graphlib.TopologicalSorter({room: set(spec.get("after", [])) for room, spec in CONFIG["rooms"].items()})
    return list(sorter.static_order())


@app.get("/rooms/{day}")
def availability(day: str) -> dict:
    date = datetime.fromisoformat(day).replace(tzinfo=TZ).date()
    if date.isoformat() in CONFIG["office"]["holidays"]:
        raise HTTPException(409, "office closed")

    def booked(room: str) -> list[dict]:
        return table.query(KeyConditionExpression=Key("room").eq(room) & Key("day").eq(date.isoformat()))["Items"]

    rooms = room_order()
    with ThreadPoolExecutor(max_workers=8) as pool:
        bookings = dict(zip(rooms, pool.map(booked, rooms)))
    return {room: [item["slot"] for item in items] for room, items in bookings.items()}
