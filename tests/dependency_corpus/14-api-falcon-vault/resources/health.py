import falcon


class HealthResource:
    def __init__(self, version: str) -> None:
        self.version = version

    def on_get(self, req, resp):
        resp.media = {"status": "ok", "falcon": self.version}
        resp.status = falcon.HTTP_200
