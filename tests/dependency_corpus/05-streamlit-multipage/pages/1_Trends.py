import pandas as pd
import streamlit as st
from st_aggrid import AgGrid

from lib.bq import run_query

st.title("Daily trends")
days = st.slider("Days", 7, 90, 30)
trend = run_query(
    f"""
    SELECT DATE(created_at) AS day, COUNT(*) AS orders, SUM(total) AS revenue
    FROM `analytics.orders`
    WHERE created_at >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL {int(days)} DAY)
    GROUP BY day ORDER BY day
    """
)
trend["day"] = pd.to_datetime(trend["day"])
st.line_chart(trend.set_index("day")[["orders", "revenue"]])
AgGrid(trend, height=300, fit_columns_on_grid_load=True)
