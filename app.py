"""Airspace Incident Atlas dashboard (composition only)."""

import streamlit as st

from incidents.catalog import load_catalog

st.set_page_config(page_title="Airspace Incident Atlas", layout="wide")


@st.cache_resource
def catalog():
    return load_catalog()


data = catalog()
st.title("Airspace Incident Atlas")
st.metric("Incidents", len(data.frame))
if data.problems:
    with st.expander(f"{len(data.rejected_files)} record files could not be loaded"):
        st.table([{"file": p.path, "field": p.field, "problem": p.message} for p in data.problems])
