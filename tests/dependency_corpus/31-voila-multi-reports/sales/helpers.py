"""SQL builders for sales/overview.ipynb (imported from the notebook's own directory)."""

REGIONS = ["EMEA", "AMER", "APAC"]


def weekly_sql(region: str) -> str:
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}")
    return f"""
        SELECT DATE_TRUNC(DATE(created_at), WEEK(MONDAY)) AS week, SUM(total) AS revenue
        FROM `analytics.orders`
        WHERE region = '{region}'
        GROUP BY week
        ORDER BY week
    """
