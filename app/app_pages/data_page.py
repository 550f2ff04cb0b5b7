"""Data: what is loaded, its quality report, and loading your own files."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app import data, ui
from geo.errors import GeoInputError
from geo.load import load_incidents
from geo.wards import read_wards

st.title("Data")
ds = data.current_dataset()
c = st.session_state.get("controls")
if c is not None:
    q = c.loaded.quality
    if ds.synthetic:
        st.warning("You are looking at the synthetic demo dataset: Sandbay is made up.")
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Rows read", f"{q.read:,}")
    m2.metric("Rows kept", f"{q.kept:,}")
    m3.metric("Rows dropped", f"{sum(q.dropped.values()):,}")
    m4.metric("Given the nearest ward", f"{q.nearest_ward:,}")
    if q.dropped:
        st.dataframe(
            pd.DataFrame({"reason": list(q.dropped), "rows": list(q.dropped.values())}),
            hide_index=True,
        )
    months = q.months_in_data
    st.caption(
        f"{len(q.files)} file(s); months {months[0]} to {months[-1]}"
        if months
        else "no months"
    )
    gaps = (
        [
            str(p)
            for p in pd.period_range(months[0], months[-1], freq="M")
            if str(p) not in set(months)
        ]
        if months
        else []
    )
    if gaps:
        st.warning(f"Months with no data: {', '.join(gaps)}")
    for note in q.notes:
        st.caption(note)

st.subheader("Load your own data")
st.markdown(
    "police.uk street CSVs or the archive .zip as downloaded, and a ward boundary "
    "file (GeoJSON or GeoPackage, any CRS). Files stay in this browser session."
)
with st.form("upload"):
    crime_files = st.file_uploader(
        "Incidents (police.uk CSV, .csv.gz or .zip)",
        accept_multiple_files=True,
        type=["csv", "gz", "zip", "tsv", "geojson"],
    )
    # a server path is for the analyst's own machine; a shared deployment (sign-in
    # configured) must not let visitors read the server's folders
    folder = (
        ""
        if ui.sign_in_required()
        else st.text_input("...or a folder on this machine holding them")
    )
    boundary = st.file_uploader("Ward boundaries", type=["geojson", "json", "gpkg"])
    pop = st.file_uploader(
        "Ward population (optional CSV: ward_code, population)", type=["csv"]
    )
    cams = st.file_uploader(
        "Camera list (optional CSV or GeoJSON)", type=["csv", "geojson"]
    )
    submitted = st.form_submit_button("Load")

if submitted:
    workdir = Path(
        st.session_state.setdefault("upload_dir", tempfile.mkdtemp(prefix="hotspot-"))
    )
    batch = workdir / str(len(list(workdir.iterdir())))
    batch.mkdir()

    def save(upload):
        path = batch / Path(upload.name).name  # never trust a client path
        path.write_bytes(upload.getvalue())
        return str(path)

    inputs = [save(f) for f in crime_files or []]
    if folder.strip():
        inputs.append(folder.strip())
    if not inputs or boundary is None:
        st.error("Give incident files (or a folder) and a ward boundary file.")
        st.stop()
    wards_path = save(boundary)
    try:
        wards = read_wards(wards_path)
        progress = st.progress(0.0, text="Reading files...")
        loaded = load_incidents(
            inputs,
            wards=wards,
            progress=lambda d, t, n: progress.progress(
                d / t, text=f"Reading {d}/{t}: {Path(n).name}"
            ),
        )
    except GeoInputError as err:
        ui.show_error(err)
        st.info("The data loaded before is still in use.")
        st.stop()
    label = f"Your data: {Path(inputs[0]).name}" + (
        f" and {len(inputs) - 1} more" if len(inputs) > 1 else ""
    )
    vintage = f"Uploaded: {boundary.name}"
    st.session_state["dataset"] = data.Dataset(
        label=label,
        incidents=tuple(inputs),
        wards=((vintage, wards_path),),
        cameras=save(cams) if cams else None,
        population=((vintage, save(pop)),) if pop else (),
        synthetic=loaded.quality.synthetic,
    )
    st.success(
        f"Loaded {loaded.quality.kept:,} incidents. Open a page to analyse them."
    )
    st.rerun()

if not ds.synthetic and st.button("Back to the demo data"):
    st.session_state["dataset"] = data.demo_dataset()
    st.rerun()
