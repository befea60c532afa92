"""Tips dashboard (Shiny Express)."""

import pandas as pd
import plotly.express as px
from faicons import icon_svg
from shiny import reactive
from shiny.express import input, render, ui
from shinywidgets import render_plotly

tips = pd.read_csv("tips.csv")
bill_min, bill_max = float(tips["total_bill"].min()), float(tips["total_bill"].max())

ui.page_opts(title="Restaurant tips", fillable=True)

with ui.sidebar():
    ui.input_slider("bill", "Bill amount", min=bill_min, max=bill_max, value=[bill_min, bill_max], pre="$")
    ui.input_checkbox_group("time", "Service", ["Lunch", "Dinner"], selected=["Lunch", "Dinner"], inline=True)


@reactive.calc
def filtered() -> pd.DataFrame:
    low, high = input.bill()
    mask = tips["total_bill"].between(low, high) & tips["time"].isin(input.time())
    return tips[mask]


with ui.layout_columns(fill=False):
    with ui.value_box(showcase=icon_svg("user")):
        "Parties"

        @render.text
        def parties():
            return f"{len(filtered())}"

    with ui.value_box(showcase=icon_svg("dollar-sign")):
        "Average tip"

        @render.text
        def average_tip():
            data = filtered()
            return f"{(data['tip'] / data['total_bill']).mean():.1%}" if len(data) else "n/a"


with ui.card(full_screen=True):
    ui.card_header("Tip vs bill")

    @render_plotly
    def scatter():
        return px.scatter(filtered(), x="total_bill", y="tip", color="time", trendline="lowess")
