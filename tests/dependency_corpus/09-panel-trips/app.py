"""Taxi trips explorer: DuckDB over a Parquet file, hvPlot charts, Panel widgets."""

import os

import duckdb
import hvplot.pandas  # noqa: F401  registers the .hvplot accessor
import pandas as pd
import panel as pn
import param
from dotenv import load_dotenv

load_dotenv()
pn.extension(sizing_mode="stretch_width")

TRIPS = os.environ.get("TRIPS_PARQUET", "trips.parquet")
con = duckdb.connect()
con.execute(f"CREATE VIEW trips AS SELECT * FROM read_parquet('{TRIPS}')")
zones = pd.read_parquet(os.environ.get("ZONES_PARQUET", "zones.parquet"))  # needs pyarrow


class TripExplorer(param.Parameterized):
    borough = param.ObjectSelector(default="Manhattan", objects=sorted(zones["borough"].unique()))
    hour_range = param.Range(default=(6, 22), bounds=(0, 23))

    @param.depends("borough", "hour_range")
    def by_hour(self):
        low, high = self.hour_range
        frame = con.execute(
            """
            SELECT hour(pickup_at) AS hour, count(*) AS trips, avg(fare) AS fare
            FROM trips JOIN (SELECT zone_id FROM zones WHERE borough = ?) USING (zone_id)
            WHERE hour(pickup_at) BETWEEN ? AND ?
            GROUP BY 1 ORDER BY 1
            """,
            [self.borough, low, high],
        ).df()
        return frame.hvplot.bar(x="hour", y="trips", hover_cols=["fare"], title=self.borough)

    @param.depends("borough")
    def table(self):
        return pn.widgets.Tabulator(zones[zones["borough"] == self.borough], pagination="remote", page_size=15)


con.register("zones", zones)
explorer = TripExplorer()
pn.template.FastListTemplate(
    title="Taxi trips",
    sidebar=[pn.Param(explorer, widgets={"hour_range": pn.widgets.IntRangeSlider})],
    main=[explorer.by_hour, explorer.table],
).servable()
