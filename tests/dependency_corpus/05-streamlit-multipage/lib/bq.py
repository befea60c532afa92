import pandas as pd
import streamlit as st
from google.cloud import bigquery

from .cache import ttl_seconds


@st.cache_resource
def _client() -> bigquery.Client:
    return bigquery.Client()


@st.cache_data(ttl=ttl_seconds())
def run_query(sql: str) -> pd.DataFrame:
    job = _client().query(sql)
    return job.result().to_dataframe()  # needs db-dtypes for DATE columns
