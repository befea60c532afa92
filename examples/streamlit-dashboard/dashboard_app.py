"""A Streamlit dashboard; the entrypoint is inferred from the single *_app.py file."""

import streamlit as st

from helpers.numbers import squares

st.title("Squares")
st.line_chart(squares(10))
