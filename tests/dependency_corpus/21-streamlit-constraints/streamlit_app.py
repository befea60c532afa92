"""Energy usage: compares meter readings with the monthly budget."""

import matplotlib.pyplot as plt
import pandas as pd
import plotly.express as px
import streamlit as st

st.set_page_config(page_title="Energy usage")
st.title("Building energy usage")


@st.cache_data
def load(path: str = "readings.csv") -> pd.DataFrame:
    readings = pd.read_csv(path, parse_dates=["read_at"])
    readings["month"] = readings["read_at"].dt.to_period("M").astype(str)
    return readings


readings = load()
building = st.selectbox("Building", sorted(readings["building"].unique()))
budget_kwh = st.number_input("Monthly budget (kWh)", min_value=0, value=12000, step=500)
subset = readings[readings["building"] == building]

monthly = subset.groupby("month", as_index=False)["kwh"].sum()
monthly["over_budget"] = monthly["kwh"] > budget_kwh
st.plotly_chart(px.bar(monthly, x="month", y="kwh", color="over_budget"), use_container_width=True)

hourly = subset.assign(hour=subset["read_at"].dt.hour).groupby("hour")["kwh"].mean()
fig, ax = plt.subplots(figsize=(8, 3))
ax.plot(hourly.index, hourly.values, marker="o")
ax.set_xlabel("hour of day")
ax.set_ylabel("mean kWh")
st.pyplot(fig)

worst = monthly.sort_values("kwh", ascending=False).head(3)
st.dataframe(worst, hide_index=True)
