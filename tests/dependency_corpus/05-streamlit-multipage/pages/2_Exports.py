import datetime as dt

import streamlit as st
from google.cloud import storage

st.title("Nightly exports")
BUCKET = st.secrets.get("export_bucket", "acme-warehouse-exports")


@st.cache_resource
def client() -> storage.Client:
    return storage.Client()


prefix = st.text_input("Prefix", value=f"exports/{dt.date.today():%Y/%m}/")
blobs = list(client().list_blobs(BUCKET, prefix=prefix))
st.write(f"{len(blobs)} file(s) under gs://{BUCKET}/{prefix}")
for blob in blobs:
    url = blob.generate_signed_url(expiration=dt.timedelta(minutes=15))
    st.markdown(f"- [{blob.name}]({url}) ({blob.size / 1e6:.1f} MB)")
