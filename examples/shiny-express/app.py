"""A Shiny Express app: its manifest needs the shiny.express.app: entrypoint."""

from shiny import render, ui
from shiny.express import input

ui.input_slider("n", "N", 1, 100, 20)


@render.text
def doubled():
    return f"{input.n()} doubled is {input.n() * 2}"
