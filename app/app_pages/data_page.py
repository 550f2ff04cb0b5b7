"""Data: what is loaded, and its quality report."""

import streamlit as st

from app import data, ui
from geo.errors import GeoInputError

st.title("Data")
ds = data.current_dataset()
vintage = st.selectbox("Boundary set", list(ds.wards))
try:
    loaded = data.incidents(ds.incidents, ds.wards[vintage])
except GeoInputError as err:
    ui.show_error(err)
    st.stop()
q = loaded.quality
c1, c2, c3 = st.columns(3)
c1.metric("Rows read", f"{q.read:,}")
c2.metric("Rows kept", f"{q.kept:,}")
c3.metric("Rows dropped", f"{sum(q.dropped.values()):,}")
st.table({"reason": list(q.dropped), "rows": list(q.dropped.values())})
