"""Secrets vault API (Falcon, WSGI) deployed as a Connect API."""

import os

import falcon
import jwt
import pkg_resources
import structlog

from resources import HealthResource, SecretResource

log = structlog.get_logger()
PUBLIC_KEY = os.environ.get("JWT_PUBLIC_KEY", "")
FALCON_VERSION = pkg_resources.get_distribution("falcon").version


class JWTMiddleware:
    def process_request(self, req, resp):
        if req.path == "/health":
            return
        token = (req.get_header("Authorization") or "").removeprefix("Bearer ").strip()
        try:
            claims = jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience="vault")
        except jwt.PyJWTError as exc:
            log.warning("rejected token", error=str(exc))
            raise falcon.HTTPUnauthorized(title="invalid token") from exc
        req.context.user = claims["sub"]


app = falcon.App(middleware=[JWTMiddleware()])
app.add_route("/health", HealthResource(FALCON_VERSION))
app.add_route("/secrets/{name}", SecretResource())
