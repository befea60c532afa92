"""Fetch and parse one product page."""

from dataclasses import dataclass
from datetime import datetime

import requests
from bs4 import BeautifulSoup
from dateutil import tz


@dataclass
class Product:
    name: str
    price: float
    seen: datetime


def fetch_product(url: str) -> Product | None:
    response = requests.get(url, timeout=20, headers={"User-Agent": "price-watch/1.0"})
    if response.status_code != 200:
        return None
    soup = BeautifulSoup(response.text, "lxml")
    title = soup.select_one("h1.product-title")
    price = soup.select_one("[itemprop=price]")
    if title is None or price is None:
        return None
    amount = float(price.get("content") or price.get_text(strip=True).lstrip("$").replace(",", ""))
    return Product(title.get_text(strip=True), amount, datetime.now(tz.UTC))
