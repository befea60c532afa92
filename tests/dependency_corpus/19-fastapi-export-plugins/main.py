"""Report export service; export formats are plugins loaded by name."""

import importlib
import os

from fastapi import FastAPI, HTTPException
from fastapi.responses import Response

yaml = __import__("yaml")
_fast_json = importlib.import_module("orjson")

ENABLED = [name.strip() for name in os.environ.get("EXPORT_PLUGINS", "csv_export,xml_export").split(",")]
DEFAULT_PLUGIN = importlib.import_module("plugins.csv_export")


def load_plugins() -> dict:
    plugins = {DEFAULT_PLUGIN.FORMAT: DEFAULT_PLUGIN}
    for name in ENABLED:
        module = importlib.import_module(f"plugins.{name}")
        plugins[module.FORMAT] = module
    return plugins


PLUGINS = load_plugins()
with open(os.environ.get("REPORTS_YAML", "reports.yaml"), encoding="utf-8") as fh:
    REPORTS = yaml.safe_load(fh)

app = FastAPI(title="Report exports")


@app.get("/reports")
def reports() -> Response:
    return Response(_fast_json.dumps(sorted(REPORTS)), media_type="application/json")


@app.get("/reports/{name}.{fmt}")
def export(name: str, fmt: str) -> Response:
    if name not in REPORTS:
        raise HTTPException(404, f"no report {name!r}")
    plugin = PLUGINS.get(fmt)
    if plugin is None:
        raise HTTPException(400, f"unsupported format {fmt!r}; try one of {sorted(PLUGINS)}")
    rows = REPORTS[name]["rows"]
    return Response(plugin.render(rows), media_type=plugin.MEDIA_TYPE)


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, port=8000)
