"""Shared UI pieces: the dataset in use, its label, and the shared controls."""

from __future__ import annotations

import html

import streamlit as st

from app import data


def sidebar() -> None:
    ds = data.current_dataset()
    st.sidebar.markdown(f"**Dataset:** {html.escape(ds.label)}")
    if ds.synthetic:
        st.sidebar.warning(
            "Synthetic demo data: a made-up town. No figure here is real."
        )


def show_error(err: Exception) -> None:
    st.error(str(err))
