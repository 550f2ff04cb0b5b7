"""Shared UI: the dataset label and the controls every page reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

import pandas as pd
import streamlit as st

from app import data
from geo.change import types_unit
from geo.errors import GeoInputError
from geo.periods import parse_period, require_separate
from geo.settings import ASB
from geo.years import whole_years

CUSTOM = "Custom..."
PAGE_ICON = "📍"

ACCESSIBLE_CSS = (
    '[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p'
    "{color:#55565f !important;opacity:1 !important}"
)
"""Captions at 7:1 on white (WCAG 2.2 AA asks 4.5:1 of small text)."""
"""The app's page icon: a character (a shortcode fetched a 260 KB emoji table)."""


@dataclass(frozen=True, kw_only=True)
class Controls:
    """What the user chose in the sidebar (plain values: cache keys)."""

    dataset: data.Dataset
    ws: data.WsKey
    vintage: str
    types: tuple[str, ...]
    before: str
    after: str
    months: tuple[str, ...]

    @property
    def key(self) -> tuple[data.WsKey, str, tuple[str, ...]]:
        """The arguments every analysis in app/data.py starts with."""
        return self.ws, self.vintage, self.types

    @property
    def set_key(self) -> tuple[data.WsKey, str]:
        """The arguments of the boundary set's calls (wards, area)."""
        return self.ws, self.vintage

    @property
    def unit(self) -> str:
        return types_unit(self.types)


def plain(text: str) -> str:
    """``text`` made inert for Streamlit's markdown: shown as written, never as
    a link, an image, emphasis or HTML."""
    inert = _MARKDOWN.sub(r"\\\g<0>", escape(str(text), quote=False))
    inert = re.sub(r"(?i)www\.", r"www\\.", inert)  # no bare-address link
    return _SHORTCODE.sub(r"\\:", inert)


_MARKDOWN = re.compile(r"[\\`*_{}\[\]<>#|~$]")
_SHORTCODE = re.compile(r":(?=//|[A-Za-z_/-]+:)")
"""A colon that starts an address (``http://``) or a shortcode (``:smile:``)."""
"""What starts markdown, HTML, a link or Streamlit's ``:color[...]`` in a
line's text (a list marker or heading needs the start of a line, which the
pages never give data text)."""


FIELDS = {
    "month_col": "'Month' (rename the column in your file)",
    "lon_col": "'Longitude'",
    "lat_col": "'Latitude'",
    "x_col": "'Easting'",
    "y_col": "'Northing'",
    "code_col": "a ward code column such as 'WD23CD' (rename it in your file)",
    "wards_crs": "a CRS in the file itself (a .prj beside a shapefile)",
    "first": "From",
    "last": "To",
    "calendar": "Calendar years",
    "name": "the boundary set's name",
    "before": "Before",
    "after": "After",
    "period": "the period",
    "replace": "the box 'Replace months held, even by part of one'",
}
"""The app's words for each geo argument an error may name (its own fields; the
app has no column options, so a column is named as the file should call it)."""


def show_error(err: Exception) -> None:
    text = err.worded(FIELDS) if isinstance(err, GeoInputError) else str(err)
    st.error(plain(text), icon=":material/error:")


def sidebar() -> Controls | None:
    ds = data.current_dataset()
    st.session_state.pop("not_ready", None)
    if ds.problem:
        st.error(
            "The analysts' workspace could not be opened, so the app shows the "
            f"synthetic demo instead. {plain(ds.problem)}",
            icon=":material/error:",
        )
    if not ds.synthetic:
        st.sidebar.markdown(f"**Data:** {plain(ds.label)}")
    else:
        st.sidebar.warning(
            "**Synthetic demo data**: the place is made up, and no figure here "
            "is real.",
            icon=":material/science:",
        )
    try:
        ws = data.ws_key(ds)
        held = data.catalogue(ws)
    except GeoInputError as err:
        show_error(err)
        return None
    if not held["sets"] or not held["months"]:
        st.sidebar.info(not_ready(held))
        st.session_state["not_ready"] = not_ready(held)
        return None
    vintage = st.sidebar.selectbox(
        "Boundary set",
        held["sets"],
        help="Both periods are counted on this one set of wards.",
        key="vintage",
    )
    types = st.sidebar.multiselect(
        "Crime types",
        held["types"],
        default=default_types(held["types"]),
        help="ASB counts are reports: one incident can be reported many times.",
        key="types",
    )
    if ASB in types:
        st.sidebar.caption("ASB figures are *reports*, not incidents.")
    before, after = _periods(held["months"])
    return Controls(
        dataset=ds,
        ws=ws,
        vintage=vintage,
        types=tuple(types),
        before=before,
        after=after,
        months=tuple(held["months"]),
    )


def _periods(months: list[str]) -> tuple[str, str]:
    b_default, a_default = default_periods(months)
    options = period_options(months)
    options = [*dict.fromkeys([*options[:-1], b_default, a_default]), CUSTOM]
    st.sidebar.markdown("**Periods** (financial years, April-March)")
    col1, col2 = st.sidebar.columns(2)
    before = col1.selectbox(
        "Before", options, index=options.index(b_default), key="period_before"
    )
    after = col2.selectbox(
        "After", options, index=options.index(a_default), key="period_after"
    )
    if before == CUSTOM or after == CUSTOM:
        st.sidebar.caption(
            "Any of: 2022, 2022/23, 2022/23-Q1, 2022-Q1, 2022-03, 2021-01:2021-10. "
            f"Pre-filled with the calendar years of the first and last months held "
            f"({months[0]} and {months[-1]}); a year only partly held is counted on "
            "its months with data."
        )
    if before == CUSTOM:
        before = st.sidebar.text_input(
            "Before period", value=months[0][:4] if months else "", key="custom_before"
        )
    if after == CUSTOM:
        after = st.sidebar.text_input(
            "After period", value=months[-1][:4] if months else "", key="custom_after"
        )
    return before, after


def periods_or_stop(controls: Controls) -> None:
    """Check both periods parse, are separate and in order; else say so and stop."""
    try:
        require_separate(parse_period(controls.before), parse_period(controls.after))
    except GeoInputError as err:
        show_error(err)
        st.stop()
    if not controls.types:
        st.info("Choose at least one crime type in the sidebar.")
        st.stop()


BASES = {"Like-for-like months": "like-for-like", "Per month of data": "per-month"}
"""The comparison bases offered, by their label."""


def basis_control() -> str:
    """The comparison basis (one choice shared by the pages that compare periods)."""
    st.session_state.setdefault("basis", next(iter(BASES)))
    st.session_state["basis"] = st.session_state["basis"]  # kept across pages
    label = st.radio(
        "Compare",
        list(BASES),
        horizontal=True,
        key="basis",
        help="Like for like: a month missing from either period (police.uk has "
        "gaps) is left out of both, so both count the same months. Per month: "
        "each period's count divided by its months with data.",
    )
    return BASES[label]


def default_types(types_present: list[str]) -> list[str]:
    """ASB when the data has it (the CSP's question), else the first type."""
    return [ASB] if ASB in types_present else types_present[:1]


def period_options(months: list[str]) -> list[str]:
    """The period choices: the data's whole financial years, then Custom."""
    return [*(p.label for p in whole_years(months)), CUSTOM]


def default_periods(months: list[str]) -> tuple[str, str]:
    """The periods the pages open on, for the months held (sorted ``YYYY-MM``).

    The last two whole financial years, as CSP reports compare them. With
    fewer held, the latest half of the months held (up to 12) and the run of
    months of the same length before it; with one month, that month and the one
    before it (not held: its counts are zero, and the pages say so).

    Examples
    --------
    >>> default_periods(["2019-12", "2022-10"])
    ('2020/21', '2021/22')
    >>> default_periods(["2022-03", "2022-10"])
    ('2022-03:2022-06', '2022-07:2022-10')
    >>> default_periods(["2022-10"])
    ('2022-09', '2022-10')
    """
    years = [p.label for p in whole_years(months)]
    if len(years) >= 2:
        return years[-2], years[-1]
    span = parse_period(f"{months[0]}:{months[-1]}")
    k = min(12, max(1, span.n_months // 2))
    after = parse_period(f"{pd.Period(months[-1], freq='M') - (k - 1)}:{months[-1]}")
    return _written(after.shifted(-1)), _written(after)


def _written(p) -> str:
    """A run of months as the period box takes it (one month as ``YYYY-MM``)."""
    return p.start if p.n_months == 1 else p.label


PATROL_MONTHS = 3
"""The patrol pages open on the latest this many months held: next weeks'
patrols are planned from the most recent data, not last financial year."""


def patrol_period(months: list[str], k: int = PATROL_MONTHS) -> str | None:
    """The latest ``k`` months held as a period (``YYYY-MM:YYYY-MM``); None when
    fewer are held.

    Examples
    --------
    >>> patrol_period(["2021-04", "2024-02"])
    '2023-12:2024-02'
    >>> patrol_period(["2024-01", "2024-02"]) is None
    True
    """
    if not months:
        return None
    start = str(pd.Period(months[-1], freq="M") - (k - 1))
    return None if start < months[0] else f"{start}:{months[-1]}"


def not_ready(held: dict) -> str:
    """What the workspace lacks for the analysis pages, and how to add it."""
    if not held["months"]:
        return (
            "The workspace holds no incidents yet: import police.uk files on the "
            "Data page (or with `hotspot-map import`)."
        )
    return (
        f"The workspace holds {len(held['months']):,} month(s) of incidents "
        f"({held['months'][0]} to {held['months'][-1]}) but no boundary set: "
        "import ward boundaries on the Data page (or with "
        "`hotspot-map import --boundaries FILE --name NAME`)."
    )


def default_controls(ds: data.Dataset) -> Controls | None:
    """What the sidebar shows before the user touches it (no widgets drawn);
    None when the workspace holds no incidents or no boundary set."""
    ws = data.ws_key(ds)
    held = data.catalogue(ws)
    if not held["sets"] or not held["months"]:
        return None
    before, after = default_periods(held["months"])
    return Controls(
        dataset=ds,
        ws=ws,
        vintage=held["sets"][0],
        types=tuple(default_types(held["types"])),
        before=before,
        after=after,
        months=tuple(held["months"]),
    )


def controls() -> Controls:
    """The sidebar's choices (set by streamlit_app.py); stops the page if none."""
    chosen = st.session_state.get("controls")
    if chosen is None:
        reason = st.session_state.get("not_ready")
        if reason:
            st.info(reason, icon=":material/info:")
            st.page_link("app_pages/data_page.py", label="Go to the Data page")
        st.stop()
    return chosen


def synthetic_banner(controls: Controls) -> None:
    if controls.dataset.synthetic:
        st.caption(
            ":orange-background[SYNTHETIC DEMO DATA] made up, not real; "
            "load your own data on the Data page."
        )


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
GAP = "missing"


def month_calendar(months: pd.DataFrame, gaps: dict[str, list[str]]) -> pd.DataFrame:
    """Rows held per month: one row per feed and year, one column per month.

    A month between a feed's first and last with no data reads ``missing``;
    months outside that span are blank.
    """
    if months.empty:
        return pd.DataFrame()
    frame = months.assign(
        year=months["month"].str[:4], m=months["month"].str[5:7].astype(int)
    )
    for feed, missing in gaps.items():
        extra = pd.DataFrame(
            {
                "feed": feed,
                "year": [g[:4] for g in missing],
                "m": [int(g[5:7]) for g in missing],
                "rows": GAP,
            }
        )
        frame = pd.concat([frame, extra], ignore_index=True)
    frame["rows"] = frame["rows"].map(lambda v: v if v == GAP else f"{int(v):,}")
    wide = frame.pivot_table(
        index=["feed", "year"], columns="m", values="rows", aggfunc="first"
    )
    wide = wide.reindex(columns=range(1, 13)).astype(object).fillna("")
    wide.columns = list(MONTHS)
    return wide


def style_calendar(calendar: pd.DataFrame):
    """The calendar with missing months marked in red (a pandas Styler)."""
    return calendar.style.map(
        lambda v: "background-color: #fde2e1; color: #a33" if v == GAP else ""
    )


def can_import() -> bool:
    """Whether this user may import: anyone locally; with sign-in configured,
    only the users listed as ``analysts`` in secrets.toml."""
    if not sign_in_required():
        return True
    analysts = {str(a).lower() for a in st.secrets.get("analysts", [])}
    email = str(st.user.get("email", "") or "").lower()
    return bool(email) and email in analysts


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
