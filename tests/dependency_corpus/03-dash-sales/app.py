"""Sales dashboard with a naive linear forecast per region."""

import os

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html
from sklearn.linear_model import LinearRegression

from utils import money, monthly_totals

SALES_FILE = os.environ.get("SALES_XLSX", "sales.xlsx")
orders = pd.read_excel(SALES_FILE, sheet_name="orders", parse_dates=["ordered_at"])
monthly = monthly_totals(orders)

app = dash.Dash(__name__, external_stylesheets=[dbc.themes.FLATLY])
server = app.server

app.layout = dbc.Container(
    [
        html.H2("Sales by region"),
        dcc.Dropdown(sorted(monthly["region"].unique()), id="region", clearable=False, value=None),
        dcc.Graph(id="trend"),
        html.Div(id="summary"),
        dbc.Button("Export PNG", id="export", color="secondary"),
        html.Div(id="export-status"),
    ],
    fluid=True,
)


@app.callback(Output("trend", "figure"), Output("summary", "children"), Input("region", "value"))
def update(region):
    data = monthly if region is None else monthly[monthly["region"] == region]
    model = LinearRegression().fit(data[["month_index"]], data["revenue"])
    data = data.assign(forecast=model.predict(data[["month_index"]]))
    fig = px.line(data, x="month", y=["revenue", "forecast"], title=region or "All regions")
    return fig, f"Total: {money(data['revenue'].sum())}; trend {money(model.coef_[0])}/month"


@app.callback(Output("export-status", "children"), Input("export", "n_clicks"), State("trend", "figure"))
def export(n_clicks, figure):
    if not n_clicks:
        return ""
    path = "/tmp/sales-trend.png"
    go.Figure(figure).write_image(path)  # static export needs kaleido
    return f"saved {path}"


if __name__ == "__main__":
    app.run(debug=True)
