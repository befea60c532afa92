"""Interactive k-means on sensor measurements (bokeh serve app)."""

import numpy as np
from bokeh.io import curdoc
from bokeh.layouts import column, row
from bokeh.models import ColumnDataSource, Div, Select, Slider
from bokeh.palettes import Category10
from bokeh.plotting import figure
from sklearn.cluster import KMeans

from data.loader import FEATURES, load_measurements

frame = load_measurements()
source = ColumnDataSource(data={"x": [], "y": [], "color": []})

x_select = Select(title="X", value=FEATURES[0], options=FEATURES)
y_select = Select(title="Y", value=FEATURES[1], options=FEATURES)
k_slider = Slider(title="Clusters", start=2, end=10, value=3, step=1)
info = Div()

plot = figure(height=500, width=700, tools="pan,wheel_zoom,box_select,reset")
plot.scatter("x", "y", color="color", source=source, size=7, alpha=0.7)


def update(attr=None, old=None, new=None):
    points = frame[[x_select.value, y_select.value]].to_numpy()
    model = KMeans(n_clusters=k_slider.value, n_init="auto", random_state=0).fit(points)
    palette = Category10[10]
    source.data = {
        "x": points[:, 0],
        "y": points[:, 1],
        "color": [palette[label % 10] for label in model.labels_],
    }
    plot.xaxis.axis_label, plot.yaxis.axis_label = x_select.value, y_select.value
    sizes = np.bincount(model.labels_)
    info.text = f"inertia {model.inertia_:.1f}; cluster sizes {sizes.tolist()}"


for widget in (x_select, y_select, k_slider):
    widget.on_change("value", update)

update()
curdoc().add_root(row(column(x_select, y_select, k_slider, info), plot))
curdoc().title = "Sensor clusters"
