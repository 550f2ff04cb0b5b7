"""CCTV: camera views over hotspots, the gaps, new sites, and before/after."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app import data, maps, ui
from geo.errors import GeoInputError

c = ui.controls()
ui.periods_or_stop(c)
st.title("CCTV coverage")
ui.synthetic_banner(c)
range_m = st.sidebar.number_input(
    "Camera range when the list gives none (m)", 20.0, 500.0, 100.0, step=10.0
)
k = st.slider("New camera sites to suggest", 1, 10, 3)
try:
    result = data.cctv_result(*c.key, c.after, float(range_m), k)
except GeoInputError as err:
    ui.show_error(err)
    st.stop()
for note in result["notes"]:
    st.caption(note)
cov = result["coverage"]
everything = cov.table.iloc[-1]
m1, m2, m3 = st.columns(3)
m1.metric(
    f"{c.unit.capitalize()} in camera view ({c.after})",
    f"{everything['covered_share']:.1%}",
)
m2.metric("Hotspots mostly out of view", len(cov.uncovered))
m3.metric("Gain from suggested sites", f"+{int(result['sites']['gain'].sum()):,}")

col_map, col_side = st.columns([3, 2])
with col_map:
    table = result["hotspots"].merge(
        cov.table.assign(
            hotspot_id=lambda d: pd.to_numeric(d["hotspot_id"], errors="coerce")
        ),
        on="hotspot_id",
        how="left",
        suffixes=("", "_cov"),
    )
    fmap = maps.camera_map(
        result["views"], table, wards=data.wards(*c.set_key), sites=result["sites"]
    )
    st_folium(
        fmap, returned_objects=[], height=520, use_container_width=True, key="cctv_map"
    )
with col_side:
    st.dataframe(cov.table, hide_index=True)
    ui.download(
        "Coverage (CSV)",
        cov.table.to_csv(index=False).encode("utf-8-sig"),
        "coverage.csv",
        "text/csv",
    )
    st.subheader("Suggested sites")
    st.dataframe(
        pd.DataFrame(result["sites"].drop(columns="geometry")), hide_index=True
    )
    st.subheader("Did new cameras change anything?")
    go_live = st.text_input("Go-live month (blank: the cameras' install dates)", "")
    try:
        ba = data.cctv_before_after(*c.key, float(range_m), go_live or None)
        st.write(ba.interpretation)
    except GeoInputError as err:
        st.info(str(err))
