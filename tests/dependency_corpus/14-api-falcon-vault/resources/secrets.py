import falcon
import structlog

from crypto_box import seal, unseal

from . import store

log = structlog.get_logger()


class SecretResource:
    def on_get(self, req, resp, name):
        token = store.get(req.context.user, name)
        if token is None:
            raise falcon.HTTPNotFound()
        resp.media = {"name": name, "value": unseal(token).decode("utf-8")}

    def on_put(self, req, resp, name):
        value = req.get_media().get("value", "")
        store.put(req.context.user, name, seal(value.encode("utf-8")))
        log.info("secret stored", user=req.context.user, name=name)
        resp.status = falcon.HTTP_204
