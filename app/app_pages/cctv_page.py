"""CCTV: the camera register on the map, coverage of hotspots, what-if, impact."""

import datetime as dt

import geopandas as gpd
import pandas as pd
import streamlit as st
from pyproj import Transformer
from streamlit_folium import st_folium

from app import data, exports, maps, ui
from geo.cctv import camera_views
from geo.errors import GeoInputError
from geo.settings import DEFAULT_CAMERA_RANGE_M, WORKING_CRS
from geo.workspace import Workspace
from geo.workspace._cameras import STATUSES

TO_BNG = Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
TO_LONLAT = Transformer.from_crs(WORKING_CRS, "EPSG:4326", always_xy=True)
NEW = "New camera..."

c = ui.controls()
ui.periods_or_stop(c)
st.title("CCTV coverage")
ui.synthetic_banner(c)
range_m = st.sidebar.number_input(
    "Camera range when the register gives none (m)",
    20.0,
    500.0,
    float(DEFAULT_CAMERA_RANGE_M),
    step=10.0,
)
k = st.slider("New camera sites to suggest", 1, 10, 3, key="sites")
try:
    result = data.cctv_result(*c.key, c.after, float(range_m), k)
except GeoInputError as err:
    ui.show_error(err)
    st.stop()
register = data.register(c.ws)
editable = ui.can_import()

cov = result.coverage.table
cov_if = (result.with_proposed or result.coverage).table
everything, everything_if = cov.iloc[-1], cov_if.iloc[-1]
m1, m2, m3, m4 = st.columns(4)
m1.metric(
    f"{c.unit.capitalize()} in camera view ({c.after})",
    f"{everything['covered_share']:.1%}",
    help=f"{result.cameras} working camera(s); faulty cameras watch nothing.",
)
m2.metric("Hotspots mostly out of view", len(result.coverage.uncovered))
m3.metric(
    "With the proposed cameras",
    f"{everything_if['covered_share']:.1%}",
    delta=f"{everything_if['covered_share'] - everything['covered_share']:+.1%}",
    help=f"{result.proposed} proposed camera(s) added to today's.",
)
m4.metric("Gain from suggested sites", f"+{int(result.sites['gain'].sum()):,}")
for note in result.notes:
    st.caption(ui.plain(note))
if register.empty:
    st.info(
        "The camera register is empty. Click the map to place a camera, or import a "
        "camera list (CSV or GeoJSON) below or on the Data page."
    )

# -- the camera being placed or aimed ------------------------------------------
ids = register["camera_id"].astype(str).tolist()
click = st.session_state.get("cctv_click")
col_map, col_side = st.columns([3, 2])
with col_side:
    tab_place, tab_register, tab_impact = st.tabs(
        ["Place or aim a camera", "Register", "Did new cameras change anything?"]
    )
with tab_place:
    if not editable:
        st.info("Only analysts may change the register in this deployment.")
    if "cctv_next" in st.session_state:  # chosen by the last run (a save, a click)
        st.session_state["cctv_pick"] = st.session_state.pop("cctv_next")
    picked = st.selectbox("Camera", [NEW, *ids], key="cctv_pick")
    row = register.set_index("camera_id").loc[picked] if picked != NEW else None
    if row is not None:
        lon0, lat0 = TO_LONLAT.transform(row.geometry.x, row.geometry.y)
    elif click:
        lat0, lon0 = click
    else:
        centre = data.wards(*c.set_key).union_all().centroid
        lon0, lat0 = TO_LONLAT.transform(centre.x, centre.y)
    st.caption("Click the map to move the camera there.")
    a, b = st.columns(2)
    lon = a.number_input("Longitude", -180.0, 180.0, float(lon0), format="%.6f")
    lat = b.number_input("Latitude", -90.0, 90.0, float(lat0), format="%.6f")
    name = st.text_input("Name", "" if row is None else str(row["location"]))
    status = st.selectbox(
        "Status",
        STATUSES[:3],
        index=STATUSES.index(row["status"]) if row is not None else 0,
    )
    bearing = st.slider(
        "Bearing (degrees from north)",
        0,
        360,
        0 if row is None or pd.isna(row["bearing"]) else int(row["bearing"]),
    )
    fov = st.slider(
        "Field of view (degrees; 360 = all round)",
        10,
        360,
        360 if row is None or pd.isna(row["fov"]) else int(row["fov"]),
    )
    reach = st.slider(
        "Range (m)", 20, 300, int(range_m if row is None else row["range_m"])
    )
    installed = st.date_input(
        "Install date",
        None if row is None or pd.isna(row["install_date"]) else row["install_date"],
    )
    x, y = TO_BNG.transform(lon, lat)
    draft = gpd.GeoDataFrame(
        {
            "range_m": [float(reach)],
            "bearing": [float(bearing) if fov < 360 else None],
            "fov": [float(fov) if fov < 360 else None],
        },
        geometry=gpd.points_from_xy([x], [y]),
        crs=WORKING_CRS,
    )
    s1, s2 = st.columns(2)
    save = s1.button("Save camera", type="primary", disabled=not editable)
    delete = s2.button(
        "Delete camera", disabled=not editable or row is None, key="cctv_delete"
    )

with col_map:
    table = result.hotspots.table.merge(
        cov.assign(
            hotspot_id=lambda d: pd.to_numeric(d["hotspot_id"], errors="coerce")
        ),
        on="hotspot_id",
        how="left",
        suffixes=("", "_cov"),
    )
    fmap = maps.camera_map(
        result.views,
        table,
        wards=data.wards(*c.set_key),
        sites=result.sites,
        draft=camera_views(draft),
        focus=row is not None or click is not None,
    )
    out = st_folium(
        fmap,
        returned_objects=["last_clicked"],
        height=560,
        use_container_width=True,
        key="cctv_map",
    )
    last = (out or {}).get("last_clicked")
    if last and (last["lat"], last["lng"]) != st.session_state.get("cctv_seen"):
        st.session_state["cctv_seen"] = (last["lat"], last["lng"])
        st.session_state["cctv_click"] = (last["lat"], last["lng"])
        st.session_state["cctv_next"] = NEW  # a click places a new camera
        st.rerun()


def _record(changes: list[dict], done: str, *, show: str = NEW) -> None:
    """Record the changes, then show the camera ``show`` (its sector in view)."""
    try:
        n = Workspace(c.ws[0]).record_cameras(changes, source="app")
    except GeoInputError as err:
        ui.show_error(err)
        return
    st.session_state["cctv_done"] = f"{done} ({n} change recorded)."
    st.session_state["cctv_next"] = show
    st.session_state.pop("cctv_click", None)
    st.rerun()


def _new_id(prefix: str) -> str:
    n = 1 + len(ids)
    while f"{prefix}{n:03d}" in ids:
        n += 1
    return f"{prefix}{n:03d}"


if save:
    cid = picked if row is not None else _new_id("CAM")
    _record(
        [
            {
                "camera_id": cid,
                "name": name or f"Camera {cid}",
                "x": x,
                "y": y,
                "bearing": float(bearing) if fov < 360 else None,
                "fov": float(fov) if fov < 360 else None,
                "range_m": float(reach),
                "range_source": "given",
                "status": status,
                "install_date": installed,
            }
        ],
        f"Camera {cid} saved",
        show=cid,
    )
if delete and row is not None:
    _record([{"camera_id": picked, "action": "delete"}], f"Camera {picked} deleted")
if msg := st.session_state.pop("cctv_done", None):
    st.success(ui.plain(msg))

# -- the register as a table ------------------------------------------------------
with tab_register:
    shown = pd.DataFrame(register.drop(columns="geometry")).rename(
        columns={"location": "name"}
    )
    cols = ["camera_id", "name", "status", "bearing", "fov", "range_m",
            "install_date", "decommission_date", "notes"]  # fmt: skip
    edited = st.data_editor(
        shown[cols],
        hide_index=True,
        disabled=["camera_id"] if editable else True,
        column_config={
            "status": st.column_config.SelectboxColumn(options=list(STATUSES)),
            "bearing": st.column_config.NumberColumn(min_value=0, max_value=360),
            "fov": st.column_config.NumberColumn(min_value=1, max_value=360),
            "range_m": st.column_config.NumberColumn(min_value=1),
            "install_date": st.column_config.DateColumn(),
            "decommission_date": st.column_config.DateColumn(),
        },
        key="cctv_table",
    )
    if editable and st.button("Save table changes"):
        before = shown[cols].set_index("camera_id")
        after = edited.set_index("camera_id")
        changes = [
            {"camera_id": cid, **after.loc[cid].to_dict()}
            for cid in after.index
            if not after.loc[cid].equals(before.loc[cid])
        ]
        _record(changes, f"{len(changes)} camera(s) updated")
    geo_out = register.to_crs("EPSG:4326")
    d1, d2 = st.columns(2)
    ui.download(
        "Register (CSV)",
        lambda: exports.csv_bytes(
            pd.DataFrame(
                geo_out.drop(columns="geometry").assign(
                    longitude=geo_out.geometry.x.round(6),
                    latitude=geo_out.geometry.y.round(6),
                )
            )
        ),
        "camera_register.csv",
        "text/csv",
        where=d1,
    )
    ui.download(
        "Register (GeoJSON)",
        lambda: exports.geojson_bytes(register),
        "camera_register.geojson",
        "application/geo+json",
        where=d2,
    )
    if editable:
        upload = st.file_uploader(
            "Import a camera list (CSV or GeoJSON): new ids are added, changed ones "
            "updated",
            type=["csv", "geojson"],
            key="cctv_upload",
        )
        if upload is not None and st.button("Import cameras"):
            import tempfile
            from pathlib import Path

            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / Path(upload.name).name  # never trust a client path
                path.write_bytes(upload.getvalue())
                try:
                    _, n = Workspace(c.ws[0]).import_cameras(path)
                except GeoInputError as err:
                    ui.show_error(err)
                else:
                    st.session_state["cctv_done"] = f"{n} camera change(s) imported."
                    st.rerun()
    with st.expander("History of changes"):
        st.dataframe(Workspace(c.ws[0]).camera_history(), hide_index=True)

# -- before / after and the brief ---------------------------------------------------
with tab_impact:
    go_live = st.text_input("Go-live month (YYYY-MM; blank: the earliest install)", "")
    try:
        ba = data.cctv_before_after(*c.key, float(range_m), go_live or None)
        st.markdown(ui.plain(ba.interpretation))
        st.caption(ui.plain(f"Cameras assessed: {ba.selection}."))
        ui.download(
            "Impact brief (HTML)",
            lambda: data.brief_html(
                *c.key, float(range_m), ba.go_live, c.dataset.synthetic
            ),
            f"cctv_brief_{ba.go_live}.html",
            "text/html",
        )
    except GeoInputError as err:
        st.info(ui.plain(str(err)))

# -- coverage today and with the proposed cameras, and suggested sites ------------
st.subheader("Hotspots in view: today and with the proposed cameras")
both = cov.merge(
    cov_if[["hotspot_id", "covered_incidents", "covered_share"]],
    on="hotspot_id",
    suffixes=(" today", " with proposed"),
)
st.dataframe(
    both.rename(
        columns={
            "hotspot_id": "Hotspot",
            "incidents": c.unit.capitalize(),
            "covered_incidents today": "In view today",
            "covered_share today": "Share today",
            "cameras": "Cameras today",
            "covered_incidents with proposed": "In view with proposed",
            "covered_share with proposed": "Share with proposed",
        }
    ),
    hide_index=True,
    column_config={
        name: st.column_config.NumberColumn(format="percent")
        for name in ("Share today", "Share with proposed")
    },
)
ui.download(
    "Coverage (CSV)",
    exports.csv_bytes(both),
    "coverage.csv",
    "text/csv",
)
st.subheader("Suggested sites")
sites = result.sites
if sites.empty:
    st.caption("No site would bring more incidents into view.")
for site in sites.itertuples():
    centre = site.geometry.centroid
    s1, s2 = st.columns([3, 1])
    s1.write(
        f"Site {site.order}: +{site.gain:,} incidents in view "
        f"({site.cumulative_share:.1%} of the period covered with it)"
    )
    if s2.button("Add as proposed", key=f"site_{site.order}", disabled=not editable):
        cid = _new_id("PRO")
        _record(
            [
                {
                    "camera_id": cid,
                    "name": f"Suggested site {site.order}",
                    "x": centre.x,
                    "y": centre.y,
                    "range_m": float(range_m),
                    "range_source": "given",
                    "status": "proposed",
                    "notes": f"suggested on {dt.date.today()}: +{site.gain} in view",
                }
            ],
            f"Site {site.order} added as proposed camera {cid}",
            show=cid,
        )
