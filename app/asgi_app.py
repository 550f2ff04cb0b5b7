"""The app's server: the Streamlit pages plus the light patrol view (``/patrol``).

``python -m app.serve`` (``make run``) starts this with ``streamlit run``, which
finds ``app`` below and serves it; plain ``streamlit run app/streamlit_app.py``
serves the Streamlit pages alone.
"""

from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from app import patrol_view
from app.security import Guard


@asynccontextmanager
async def _announce(_app):
    """Print the patrol view's address under Streamlit's own."""
    from streamlit import config

    address = config.get_option("server.address") or "localhost"
    port = config.get_option("server.port")
    print(f"  Patrol view: http://{address}:{port}{patrol_view.PATH}\n", flush=True)
    yield


app = st.App(
    Path(__file__).resolve().parent / "streamlit_app.py",
    routes=patrol_view.routes(),
    lifespan=_announce,
    middleware=[Middleware(Guard)],
)
