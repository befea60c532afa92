"""Warehouse KPIs: landing page of a multipage Streamlit app."""

import streamlit as st

from lib.bq import run_query
from lib.cache import ttl_hours

st.set_page_config(page_title="Warehouse KPIs", page_icon=":bar_chart:")
st.title("Warehouse KPIs")

kpis = run_query(
    """
    SELECT COUNT(*) AS orders, SUM(total) AS revenue, COUNT(DISTINCT customer_id) AS customers
    FROM `analytics.orders`
    WHERE DATE(created_at) = CURRENT_DATE()
    """
)
row = kpis.iloc[0]
left, middle, right = st.columns(3)
left.metric("Orders today", int(row["orders"]))
middle.metric("Revenue today", f"{row['revenue']:,.2f}")
right.metric("Customers", int(row["customers"]))
st.caption(f"Query results are cached for {ttl_hours()} hour(s). Use the sidebar for details.")
