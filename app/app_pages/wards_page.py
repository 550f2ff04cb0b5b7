"""Ward changes: choropleth, table, headline sentences and the monthly trend."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app import data, exports, maps, tables, ui
from geo.errors import GeoInputError

c = ui.controls()
ui.periods_or_stop(c)
st.title("Ward changes")
ui.synthetic_banner(c)
basis = ui.basis_control()
try:
    result = data.change(*c.key, c.before, c.after, basis)
except GeoInputError as err:
    ui.show_error(err)
    st.stop()

st.info(
    f"**Basis:** {result.basis.label}. Every figure on this page counts the same "
    "months; change = after - before, % change = change / before.",
    icon=":material/rule:",
)
for line in result.headlines:
    st.markdown(f"- {ui.plain(line)}")
for caveat in result.caveats:
    (st.warning if getattr(caveat, "warning", False) else st.caption)(caveat)

measures = {
    "Change (%)": ("pct_change", True),
    "Change": ("change", True),
    "z (test statistic)": ("z", True),
}
if result.table["after_rate"].notna().any():
    measures["After: rate per 1,000"] = ("after_rate", False)
    measures["Before: rate per 1,000"] = ("before_rate", False)
measures["After: count"] = ("after", False)
choice = st.selectbox("Map", list(measures))
column, diverging = measures[choice]
col_map, col_table = st.columns([3, 2])
with col_map:
    m = maps.ward_map(
        data.wards(*c.set_key),
        result.table,
        column=column,
        caption=choice,
        diverging=diverging,
    )
    st_folium(
        m, returned_objects=[], height=520, use_container_width=True, key="ward_map"
    )
with col_table:
    st.dataframe(tables.ward_table(result), hide_index=True, height=420)
    ui.download(
        "Committee report (HTML)",
        lambda: data.report_html(*c.key, c.before, c.after, basis),
        "committee_report.html",
        "text/html",
    )
    ui.download(
        "Ward table (CSV)",
        exports.csv_bytes(result.table),
        "ward_change.csv",
        "text/csv",
    )

st.subheader("Quarter by quarter")
st.dataframe(tables.quarters_table(result), hide_index=True)
if not result.quarterly["complete"].all():
    st.caption("* a month of the quarter has no data in one period: left out of both.")
st.subheader("Month by month")
monthly = result.monthly
if not monthly.empty:
    import altair as alt

    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "month of the period": monthly["position"].to_numpy(),
                    "period": f"{side.title()} ({label})",
                    c.unit: monthly[side].to_numpy(),
                }
            )
            for side, label in (("before", c.before), ("after", c.after))
        ]
    )
    # points as well as lines: a month compared between two gaps still shows;
    # the chart is named for screen readers, and the table below says the same
    chart = (
        alt.Chart(long)
        .mark_line(point=True, aria=False)
        .encode(
            x=alt.X("month of the period:O", title="Month of the period"),
            y=alt.Y(f"{c.unit}:Q", title=c.unit.capitalize()),
            color=alt.Color("period:N", title=None),
        )
        .properties(
            description=f"{c.unit.capitalize()} each month of both periods; the "
            "month-by-month table below gives the same figures."
        )
    )
    st.altair_chart(chart, width="stretch")
st.dataframe(tables.months_table(result), hide_index=True)
st.subheader("By crime type")
st.dataframe(tables.by_type_table(result), hide_index=True)
