"""Palmer penguins explorer (Shiny core)."""

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from palmerpenguins import load_penguins
from shiny import App, reactive, render, ui

penguins: pd.DataFrame = load_penguins().dropna()
numeric = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
species = sorted(penguins["species"].unique())

app_ui = ui.page_sidebar(
    ui.sidebar(
        ui.input_select("x", "X variable", numeric, selected="bill_length_mm"),
        ui.input_select("y", "Y variable", numeric, selected="bill_depth_mm"),
        ui.input_checkbox_group("species", "Species", species, selected=species),
        ui.input_switch("by_species", "Colour by species", value=True),
    ),
    ui.card(ui.output_plot("scatter")),
    ui.card(ui.output_data_frame("summary")),
    title="Penguins",
)


def server(input, output, session):
    @reactive.calc
    def filtered() -> pd.DataFrame:
        return penguins[penguins["species"].isin(input.species())]

    @render.plot
    def scatter():
        fig, ax = plt.subplots()
        hue = "species" if input.by_species() else None
        sns.scatterplot(filtered(), x=input.x(), y=input.y(), hue=hue, ax=ax)
        return fig

    @render.data_frame
    def summary():
        table = filtered().groupby("species")[numeric].mean().round(1).reset_index()
        return render.DataGrid(table)


app = App(app_ui, server)
