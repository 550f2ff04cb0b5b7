"""Streamlit entry point: shared controls, navigation (pages in app/app_pages)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run app/streamlit_app.py` from anywhere
    sys.path.insert(0, str(ROOT))

from app import ui  # noqa: E402

# the icon as a character: a shortcode (":round_pushpin:") has every first visit
# fetch a 260 KB emoji table before the sidebar draws
st.set_page_config(page_title="Hotspot mapper", page_icon=ui.PAGE_ICON, layout="wide")
# captions in a grey that passes WCAG 2.2 AA contrast on white (Streamlit's own
# faded text is 3.9:1, under the 4.5:1 small text needs)
st.html(f"<style>{ui.ACCESSIBLE_CSS}</style>")

PAGES = [
    st.Page(
        "app_pages/hotspots_page.py",
        title="Patrol hotspots",
        icon=":material/local_police:",
        default=True,
    ),
    st.Page("app_pages/wards_page.py", title="Ward changes", icon=":material/map:"),
    st.Page(
        "app_pages/years_page.py", title="Across years", icon=":material/timeline:"
    ),
    st.Page(
        "app_pages/displacement_page.py",
        title="Displacement",
        icon=":material/moving:",
    ),
    st.Page("app_pages/cctv_page.py", title="CCTV", icon=":material/videocam:"),
    st.Page("app_pages/data_page.py", title="Data", icon=":material/database:"),
]
if ui.sign_in_required() and not st.user.get("is_logged_in", False):
    st.title("Hotspot mapper")
    st.write("Sign in to see the data.")
    st.button("Sign in", on_click=st.login)
    st.stop()
nav = st.navigation(PAGES)
st.session_state["controls"] = ui.sidebar()
nav.run()
