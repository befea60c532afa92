"""Link checker API: crawls a page and reports broken links; callers present a signed token."""

import asyncio
import os
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx
import jwt
from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, HttpUrl
from starlette.middleware.gzip import GZipMiddleware

SECRET = os.environ.get("LINKCHECK_SECRET", "dev-secret")
app = FastAPI(title="Link checker")
app.add_middleware(GZipMiddleware, minimum_size=1000)


class LinkCollector(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base, self.links = base, set()

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith(("mailto:", "#", "javascript:")):
            self.links.add(urljoin(self.base, href))


class CheckRequest(BaseModel):
    url: HttpUrl
    concurrency: int = 10


def caller(authorization: str = Header(...)) -> str:
    try:
        return jwt.decode(authorization.removeprefix("Bearer "), SECRET, algorithms=["HS256"])["sub"]
    except jwt.InvalidTokenError as exc:
        raise HTTPException(401, "invalid token") from exc


@app.post("/check")
async def check(body: CheckRequest, user: str = Depends(caller)) -> dict:
    async with httpx.AsyncClient(follow_redirects=True, timeout=15) as client:
        page = await client.get(str(body.url))
        collector = LinkCollector(str(page.url))
        collector.feed(page.text)
        limit = asyncio.Semaphore(body.concurrency)

        async def status(link: str) -> tuple[str, int]:
            async with limit:
                try:
                    return link, (await client.head(link)).status_code
                except httpx.HTTPError:
                    return link, 0

        results = await asyncio.gather(*(status(link) for link in sorted(collector.links)))
    broken = {link: code for link, code in results if code == 0 or code >= 400}
    return {"checked": len(results), "broken": broken, "requested_by": user}
