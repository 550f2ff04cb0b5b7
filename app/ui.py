"""Shared UI: the dataset label and the controls every page reads."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import streamlit as st

from app import data
from geo.errors import GeoInputError
from geo.incidents import LoadedIncidents
from geo.periods import parse_period
from geo.settings import ASB

CUSTOM = "Custom..."


@dataclass(frozen=True)
class Controls:
    """What the user chose in the sidebar (plain values: cache keys)."""

    dataset: data.Dataset
    vintage: str
    wards_path: str
    types: tuple[str, ...]
    before: str
    after: str
    loaded: LoadedIncidents

    @property
    def key(self) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
        return self.dataset.incidents, self.wards_path, self.types

    @property
    def unit(self) -> str:
        return "reports" if self.types == (ASB,) else "incidents"


def show_error(err: Exception) -> None:
    st.error(str(err), icon=":material/error:")


def sidebar() -> Controls | None:
    ds = data.current_dataset()
    if not ds.synthetic:
        st.sidebar.markdown(f"**Data:** {escape(ds.label)}")
    else:
        st.sidebar.warning(
            "**Synthetic demo data**: Sandbay is a made-up town. "
            "No figure here is real.",
            icon=":material/science:",
        )
    vintage = st.sidebar.selectbox(
        "Boundary set",
        [label for label, _ in ds.wards],
        help="Both periods are counted on this one set of wards.",
    )
    wards_path = ds.wards_path(vintage)
    try:
        loaded = data.loaded(ds.incidents, wards_path)
    except GeoInputError as err:
        show_error(err)
        return None
    types_present = data.crime_types(ds.incidents, wards_path)
    types = st.sidebar.multiselect(
        "Crime types",
        types_present,
        default=default_types(types_present),
        help="ASB counts are reports: one incident can be reported many times.",
    )
    if ASB in types:
        st.sidebar.caption("ASB figures are *reports*, not incidents.")
    before, after = _periods(loaded.quality.months_in_data)
    return Controls(
        dataset=ds,
        vintage=vintage,
        wards_path=wards_path,
        types=tuple(types),
        before=before,
        after=after,
        loaded=loaded,
    )


def _periods(months: list[str]) -> tuple[str, str]:
    options = period_options(months)
    st.sidebar.markdown("**Periods** (financial years, April-March)")
    col1, col2 = st.sidebar.columns(2)
    b_default, a_default = default_periods(options)
    before = col1.selectbox("Before", options, index=options.index(b_default))
    after = col2.selectbox("After", options, index=options.index(a_default))
    if before == CUSTOM or after == CUSTOM:
        st.sidebar.caption(
            "Any of: 2022, 2022/23, 2022/23-Q1, 2022-Q1, 2022-03, 2021-01:2021-10"
        )
    if before == CUSTOM:
        before = st.sidebar.text_input(
            "Before period", value=months[0][:4] if months else ""
        )
    if after == CUSTOM:
        after = st.sidebar.text_input(
            "After period", value=months[-1][:4] if months else ""
        )
    return before, after


def periods_or_stop(controls: Controls) -> None:
    """Check both periods parse and differ; show the error and stop if not."""
    try:
        b, a = parse_period(controls.before), parse_period(controls.after)
    except GeoInputError as err:
        show_error(err)
        st.stop()
    if b.overlaps(a):
        show_error(
            GeoInputError(
                f"periods {b.label} and {a.label} overlap; choose two separate periods."
            )
        )
        st.stop()
    if not controls.types:
        st.info("Choose at least one crime type in the sidebar.")
        st.stop()


def default_types(types_present: list[str]) -> list[str]:
    """ASB when the data has it (the CSP's question), else the first type."""
    return [ASB] if ASB in types_present else types_present[:1]


def period_options(months: list[str]) -> list[str]:
    """The period choices: the data's whole financial years, then Custom."""
    return [*(p.label for p in data.financial_years(months)), CUSTOM]


def default_periods(options: list[str]) -> tuple[str, str]:
    """The last two financial years in the data, as CSP reports compare them."""
    return options[max(len(options) - 3, 0)], options[max(len(options) - 2, 0)]


def default_controls(ds: data.Dataset) -> Controls:
    """What the sidebar shows before the user touches it (no widgets drawn)."""
    vintage = ds.wards[0][0]
    wards_path = ds.wards_path(vintage)
    loaded = data.loaded(ds.incidents, wards_path)
    types = data.crime_types(ds.incidents, wards_path)
    before, after = default_periods(period_options(loaded.quality.months_in_data))
    return Controls(
        dataset=ds,
        vintage=vintage,
        wards_path=wards_path,
        types=tuple(default_types(types)),
        before=before,
        after=after,
        loaded=loaded,
    )


def controls() -> Controls:
    """The sidebar's choices (set by streamlit_app.py); stops the page if none."""
    chosen = st.session_state.get("controls")
    if chosen is None:
        st.stop()
    return chosen


def synthetic_banner(controls: Controls) -> None:
    if controls.dataset.synthetic:
        st.caption(
            ":orange-background[SYNTHETIC DEMO DATA] Sandbay is made up; "
            "load your own data on the Data page."
        )


def sign_in_required() -> bool:
    """Whether OpenID Connect sign-in is configured ([auth] in secrets.toml)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def download(label: str, payload, file_name: str, mime: str, *, where=st) -> None:
    """A download button that does not rerun the page when clicked.

    ``payload`` may be bytes, text or a callable that builds the file on click.
    A rerun on click (Streamlit's default) would replace every button's file
    id while the first file is being built, so a second quick click could ask
    for an id the server has just dropped and get nothing.
    """
    where.download_button(label, payload, file_name, mime, on_click="ignore")
