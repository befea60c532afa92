"""Local helpers (this is not the PyPI 'utils' package)."""

import pandas as pd


def monthly_totals(orders: pd.DataFrame) -> pd.DataFrame:
    monthly = (
        orders.assign(month=orders["ordered_at"].dt.to_period("M").dt.to_timestamp())
        .groupby(["region", "month"], as_index=False)["revenue"]
        .sum()
        .sort_values("month")
    )
    monthly["month_index"] = monthly.groupby("region").cumcount()
    return monthly


def money(value: float) -> str:
    return f"${value:,.0f}"
