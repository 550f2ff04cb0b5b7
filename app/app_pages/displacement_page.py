"""Displacement: did crime fall or move? Hotspots matched, and the WDQ."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app import data, maps, ui
from geo.errors import GeoInputError

c = ui.controls()
ui.periods_or_stop(c)
st.title("Displacement: did it fall or move?")
ui.synthetic_banner(c)
basis = ui.basis_control()
try:
    result = data.displacement_result(*c.key, c.before, c.after, basis)
except GeoInputError as err:
    ui.show_error(err)
    st.stop()

for note in result.notes:
    (st.warning if getattr(note, "warning", False) else st.caption)(ui.plain(note))
m = result.matched
before_status = m.loc[m["period"] == "before", "status"].value_counts()
after_status = m.loc[m["period"] == "after", "status"].value_counts()
cols = st.columns(4)
cols[0].metric("Persistent", int(before_status.get("persistent", 0)))
cols[1].metric("Shifted", int(before_status.get("shifted", 0)))
cols[2].metric("Ceased", int(before_status.get("ceased", 0)))
cols[3].metric("Emerging", int(after_status.get("emerging", 0)))

col_map, col_side = st.columns([3, 2])
with col_map:
    fmap = maps.displacement_map(m, wards=data.wards(*c.set_key))
    st_folium(
        fmap, returned_objects=[], height=520, use_container_width=True, key="disp_map"
    )
with col_side:
    st.dataframe(pd.DataFrame(m.drop(columns="geometry")), hide_index=True, height=300)
    st.subheader("Weighted displacement quotient")
    wards = data.wards(*c.set_key)
    before_ids = m.loc[m["period"] == "before", "hotspot_id"].tolist()
    options = [f"Hotspot {i} (before)" for i in before_ids] + list(wards["ward_name"])
    target = st.selectbox("Target area", options, key="wdq_target")
    buffer_m = st.slider("Buffer ring (metres)", 50, 1000, 250, step=50, key="buffer_m")
    try:
        r = data.wdq_result(*c.key, c.before, c.after, target, float(buffer_m), basis)
    except GeoInputError as err:
        ui.show_error(err)
        st.stop()
    st.metric("WDQ", "n/a" if r.wdq is None or r.wdq != r.wdq else f"{r.wdq:.2f}")
    (st.success if r.interpretable else st.info)(ui.plain(r.interpretation))
    st.caption(
        f"Target {r.target_before:,} -> {r.target_after:,}; buffer "
        f"{r.buffer_before:,} -> {r.buffer_after:,}; control {r.control_before:,} "
        f"-> {r.control_after:,}; total net effect {r.total_net_effect:+.1f} "
        f"{c.unit}. Months counted: {r.basis} (as on Ward changes)."
    )

st.subheader("Hot spot trends over the months")
st.caption(
    "Gi* per month on a 200 m grid with a Mann-Kendall trend per cell, categorised "
    "as ArcGIS's emerging hot spot analysis does (spatial neighbours only)."
)
try:
    cells = data.trends_result(*c.key, c.before, c.after)
except GeoInputError as err:
    st.info(ui.plain(str(err)))
else:
    counts = cells["category"].value_counts().rename_axis("category").reset_index()
    t1, t2 = st.columns([1, 2])
    t1.dataframe(counts, hide_index=True)
    t2.dataframe(
        pd.DataFrame(cells.drop(columns="geometry")).sort_values(
            "total", ascending=False
        ),
        hide_index=True,
        height=260,
    )
    ui.download(
        "Trend cells (GeoJSON)",
        cells.to_crs("EPSG:4326").to_json(),
        "hotspot_trends.geojson",
        "application/geo+json",
    )
