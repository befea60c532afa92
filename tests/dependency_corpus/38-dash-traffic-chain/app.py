"""Web traffic dashboard: daily visits by channel."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html
from flask import request

visits = pd.read_csv("visits.csv", parse_dates=["day"])

app = Dash(__name__)
server = app.server

app.layout = html.Div(
    [
        html.H1("Traffic"),
        dcc.Dropdown(sorted(visits["channel"].unique()), id="channel", multi=True),
        dcc.Graph(id="daily"),
    ]
)


@server.before_request
def log_agent() -> None:
    server.logger.debug("agent %s", request.headers.get("User-Agent"))


@app.callback(Output("daily", "figure"), Input("channel", "value"))
def daily(channels: list[str] | None) -> go.Figure:
    shown = visits if not channels else visits[visits["channel"].isin(channels)]
    figure = px.line(shown, x="day", y="visits", color="channel")
    figure.add_trace(go.Scatter(x=shown["day"], y=shown["visits"].rolling(7).mean(), name="7-day mean"))
    return figure
