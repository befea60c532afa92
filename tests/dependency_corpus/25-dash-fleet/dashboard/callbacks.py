from dash import Input, Output

from . import data
from .components import kpi_card


def register(app, cache):
    @cache.memoize(timeout=55)
    def snapshot():
        return data.vehicles()

    @app.callback(Output("vehicles", "rowData"), Output("kpis", "children"), Input("tick", "n_intervals"))
    def refresh(_):
        vehicles = snapshot()
        active = int((vehicles["status"] == "active").sum())
        cards = [kpi_card("Vehicles", len(vehicles)), kpi_card("Active", active)]
        return vehicles.to_dict("records"), cards
