import dash_ag_grid as dag
from dash import dcc, html

from .components import kpi_card

COLUMNS = [
    {"field": "vehicle_id", "headerName": "Vehicle"},
    {"field": "status"},
    {"field": "last_seen", "headerName": "Last seen"},
    {"field": "odometer_km", "type": "numericColumn"},
]


def build_layout():
    return html.Div(
        [
            html.H2("Fleet status"),
            html.Div(id="kpis", className="kpi-row", children=[kpi_card("Vehicles", "-")]),
            dcc.Interval(id="tick", interval=60_000),
            dag.AgGrid(id="vehicles", columnDefs=COLUMNS, dashGridOptions={"pagination": True}),
        ]
    )
