"""Streamlit entry point: shared controls and navigation (pages in app/app_pages)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run app/streamlit_app.py` from anywhere
    sys.path.insert(0, str(ROOT))

from app import ui  # noqa: E402

st.set_page_config(
    page_title="Hotspot mapper", page_icon=":round_pushpin:", layout="wide"
)

pages = [
    st.Page(
        "app_pages/data_page.py", title="Data", icon=":material/database:", default=True
    ),
]
nav = st.navigation(pages)
ui.sidebar()
nav.run()
