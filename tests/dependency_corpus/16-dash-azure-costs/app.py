"""Cloud cost dashboard reading daily Parquet exports from Azure Blob Storage."""

import io
import os

import pandas as pd
import plotly.express as px
from azure.identity import DefaultAzureCredential
from azure.keyvault.secrets import SecretClient
from azure.storage.blob import BlobServiceClient
from dash import Dash, Input, Output, dcc, html

VAULT_URL = os.environ.get("VAULT_URL", "https://acme-finops.vault.azure.net")
credential = DefaultAzureCredential()
connection_string = SecretClient(VAULT_URL, credential).get_secret("costs-storage").value
container = BlobServiceClient.from_connection_string(connection_string).get_container_client("cost-exports")


def load_costs() -> pd.DataFrame:
    frames = []
    for blob in container.list_blobs(name_starts_with="daily/"):
        payload = container.download_blob(blob.name).readall()
        frames.append(pd.read_parquet(io.BytesIO(payload)))
    costs = pd.concat(frames, ignore_index=True)
    costs["date"] = pd.to_datetime(costs["date"])
    return costs


costs = load_costs()
app = Dash(__name__, title="Cloud costs")
server = app.server
app.layout = html.Div(
    [
        html.H2("Daily cloud spend"),
        dcc.Checklist(sorted(costs["service"].unique()), id="services", inline=True),
        dcc.Graph(id="spend"),
    ]
)


@app.callback(Output("spend", "figure"), Input("services", "value"))
def spend(services):
    data = costs if not services else costs[costs["service"].isin(services)]
    daily = data.groupby(["date", "service"], as_index=False)["cost"].sum()
    return px.area(daily, x="date", y="cost", color="service")
