"""Patrol hotspots: ranked DBSCAN hotspots over a heat layer, with their PAI."""

import pandas as pd
import streamlit as st

from app import data, exports, ui
from app.html_tables import ranked_hotspots_html
from app.patrol_view import hotspot_figures, link
from geo.errors import GeoInputError
from geo.periods import parse_period

GI_CELL_M = 150.0

c = ui.controls()
ui.periods_or_stop(c)
st.title("Patrol hotspots")
ui.synthetic_banner(c)
latest = ui.patrol_period(list(c.months))
choices = list(dict.fromkeys(p for p in (latest, c.after, c.before) if p))
period = st.radio(
    "Find hotspots in",
    choices,
    format_func=lambda p: (
        f"Latest {ui.PATROL_MONTHS} months ({parse_period(p).words})"
        if p == latest
        else p
    ),
    horizontal=True,
    help="The latest months held, to plan next weeks' patrols; or the sidebar's "
    "periods. PAI scores the same number of months just before.",
    key="hotspot_period",
)
try:
    # the data's own rule: its parameters are the defaults shown and offered
    suggestion = data.hotspot_result(*c.key, period, None, None).parameters
except GeoInputError as err:
    ui.show_error(err)
    st.stop()

with st.expander("Parameters: how hotspots are found", expanded=False):
    st.markdown(
        "DBSCAN groups incidents whose neighbourhood of radius **eps** holds enough "
        "incidents to be a hotspot core. By default the rule comes from the data, "
        "and each place is compared with its own surroundings: " + suggestion.reason
    )
    col1, col2, col3 = st.columns(3)
    by_hand = col1.toggle(
        "Set eps and min_samples by hand",
        value=False,
        help="Plain DBSCAN: a core has at least min_samples incidents within eps.",
        key="by_hand",
    )
    if not by_hand:  # the boxes show the data's rule until set by hand
        st.session_state["eps"] = float(suggestion.eps)
        st.session_state["min_samples"] = int(suggestion.min_samples)
    eps = col2.number_input(
        "eps (metres)", 20.0, 1000.0, step=10.0, disabled=not by_hand, key="eps"
    )
    min_samples = col2.number_input(
        "min_samples (incidents)",
        2,
        100_000,
        step=1,
        disabled=not by_hand,
        key="min_samples",
    )
    show_gi = col3.checkbox("Gi* hot cells (cross-check)", value=False, key="show_gi")
    hdb = col3.checkbox("HDBSCAN count (cross-check)", value=False, key="hdbscan")

chosen = (float(eps), int(min_samples)) if by_hand else (None, None)
try:
    view = data.hotspot_view(*c.key, period, *chosen)
except GeoInputError as err:
    ui.show_error(err)
    st.stop()
table = view.hotspots.table

figures = hotspot_figures(view)
for col, figure in zip(st.columns(len(figures)), figures, strict=True):
    col.metric(figure.label, figure.value, help=figure.help)

col_map, col_table = st.columns([3, 2])
with col_map:
    # a map to look at, not to click: a plain frame (no component to start up)
    html = data.hotspot_map_html(
        *c.key, period, *chosen, GI_CELL_M if show_gi else None
    )
    st.iframe(html, height=560)
with col_table:
    # plain HTML, not st.dataframe: the grid's JavaScript (1.2 MB) held up the map
    st.html(ranked_hotspots_html(pd.DataFrame(table), view.unit))
    if hdb:
        k = data.hdbscan_count(*c.key, period, max(int(min_samples), 5))
        st.caption(
            f"HDBSCAN (self-adjusting, min cluster size {max(int(min_samples), 5)}) "
            f"finds {k} clusters."
        )
    files = exports.hotspot_files(
        view,
        wards=data.wards(*c.set_key),
        synthetic=c.dataset.synthetic,
    )
    # files are built when clicked (callables), not on every rerun
    for where, f in zip(st.columns(len(files)), files.values(), strict=True):
        ui.download(f.label, f.build, f.name, f.mime, where=where)
    # with sign-in, the view cannot see who is signed in: the link vouches for them
    user = None
    if ui.sign_in_required():
        user = str(st.user.get("email") or st.user.get("sub"))
    view_link = link(c, period, user)
    st.caption(
        f"[Patrol view]({view_link}): this map and list as one light page, quick "
        "to open on a phone or the briefing-room screen."
    )
