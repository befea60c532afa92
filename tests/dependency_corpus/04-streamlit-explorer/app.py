"""Upload a CSV, filter it in an interactive grid, chart it and download the selection."""

import io

import pandas as pd
import plotly.express as px
import streamlit as st
import yaml
from st_aggrid import AgGrid, GridOptionsBuilder, GridUpdateMode

from utils import coerce_dates, load_settings

settings = load_settings()
st.set_page_config(page_title=settings["title"], layout="wide")
st.title(settings["title"])

upload = st.file_uploader("CSV file", type=["csv"])
if upload is None:
    st.info("Upload a CSV to start.")
    st.stop()

df = coerce_dates(pd.read_csv(upload))

builder = GridOptionsBuilder.from_dataframe(df)
builder.configure_selection("multiple", use_checkbox=True)
builder.configure_pagination(paginationPageSize=settings["page_size"])
grid = AgGrid(df, gridOptions=builder.build(), update_mode=GridUpdateMode.SELECTION_CHANGED)
selected = pd.DataFrame(grid["selected_rows"] or [])

numeric = df.select_dtypes("number").columns.tolist()
if numeric:
    x = st.selectbox("X axis", df.columns)
    y = st.selectbox("Y axis", numeric)
    st.plotly_chart(px.scatter(df, x=x, y=y), use_container_width=True)

with st.expander("Settings in effect"):
    st.code(yaml.safe_dump(settings), language="yaml")

if not selected.empty:
    buffer = io.BytesIO()
    selected.to_parquet(buffer, index=False)
    st.download_button("Download selection (Parquet)", buffer.getvalue(), "selection.parquet")
