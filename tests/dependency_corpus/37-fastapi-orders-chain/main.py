"""Order intake API: validates orders and forwards them to the fulfilment service."""

import os
from datetime import datetime

import httpx
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field, field_validator
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import PlainTextResponse

FULFILMENT_URL = os.environ.get("FULFILMENT_URL", "http://fulfilment.internal/orders")

app = FastAPI(title="Orders")
app.add_middleware(GZipMiddleware, minimum_size=1000)


class Order(BaseModel):
    sku: str = Field(min_length=3)
    quantity: int = Field(gt=0)
    placed_at: datetime

    @field_validator("sku")
    @classmethod
    def upper(cls, value: str) -> str:
        return value.upper()


@app.get("/health", response_class=PlainTextResponse)
def health() -> str:
    return "ok"


@app.post("/orders")
async def create(order: Order) -> dict:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(FULFILMENT_URL, json=order.model_dump(mode="json"))
    if response.status_code >= 400:
        raise HTTPException(status_code=502, detail="fulfilment refused the order")
    return {"accepted": True, "reference": response.json().get("reference")}
