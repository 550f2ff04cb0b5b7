"""Data: what the workspace holds, month by month, and importing into it."""

import shutil
import tempfile
from pathlib import Path

import streamlit as st

from app import data, ui
from geo.errors import GeoInputError, ShrinkingImportError
from geo.workspace import Workspace

st.title("Data")
ds = data.current_dataset()
if ds.synthetic:
    st.warning(
        "You are looking at synthetic demo data: the place is made up. "
        "Import your own data below; it goes into your own workspace, never the demo."
    )

try:
    summary = Workspace(ds.workspace).summary(imports=8)
except GeoInputError as err:
    ui.show_error(err)
    st.stop()

m1, m2, m3, m4 = st.columns(4)
m1.metric("Incident rows held", f"{summary.rows:,}")
m2.metric("Months held", summary.months["month"].nunique())
m3.metric("Boundary sets", len(summary.boundary_sets))
m4.metric("Cameras in the register", summary.cameras)
st.caption(f"Workspace: {ds.workspace}")

st.subheader("Months held")
calendar = ui.month_calendar(summary.months, summary.gaps)
if calendar.empty:
    st.info("No incidents yet: import police.uk files below.")
else:
    st.dataframe(ui.style_calendar(calendar), height=min(38 + 35 * len(calendar), 420))
    for feed, gaps in summary.gaps.items():
        if gaps:
            st.warning(ui.plain(f"{feed}: no data for {', '.join(gaps)}."))
    st.caption(
        "Rows per month. police.uk serves only the latest 36 months and revises "
        "past ones; the workspace keeps every month it was given, and a newer "
        "release of a month replaces the one held."
    )

left, right = st.columns(2)
with left:
    st.subheader("Boundary sets")
    if summary.boundary_sets.empty:
        st.info("None yet: import a ward boundary file below.")
    else:
        st.dataframe(summary.boundary_sets, hide_index=True)
with right:
    st.subheader("Last imports")
    st.dataframe(summary.imports, hide_index=True)

try:
    own = data.user_dataset()
except GeoInputError:  # damaged or foreign: the banner above says so
    own = None
choices = {"Synthetic demo (Sandbay)": data.demo_dataset()}
if own is not None:
    choices = {f"Your workspace ({own.workspace})": own, **choices}
if len(choices) > 1:
    names = list(choices)
    current = next((n for n, d in choices.items() if d == ds), names[0])
    picked = st.radio("Workspace in use", names, index=names.index(current))
    if choices[picked] != ds:
        st.session_state["dataset"] = choices[picked]
        st.rerun()

st.subheader("Import into your workspace")
if not ui.can_import():
    st.info(
        "Only analysts may import data in this deployment; you can view everything. "
        "Ask an administrator to add you to the analysts list."
    )
    st.stop()
target = data.user_workspace()
st.markdown(
    "police.uk street CSVs or the archive .zip as downloaded, a ward boundary file "
    "(GeoJSON or GeoPackage, any CRS) with a name for the set, a population CSV, "
    f"or a camera list. They are kept in the workspace `{target.name}` for everyone "
    "who uses this app; importing the same file again adds nothing."
)
with st.form("import"):
    crime_files = st.file_uploader(
        "Incidents (police.uk CSV, .csv.gz or .zip)",
        accept_multiple_files=True,
        type=["csv", "gz", "zip", "tsv", "tab", "geojson"],
        key="incident_files",
    )
    # a server path is for the analyst's own machine; a shared deployment (sign-in
    # configured) must not let visitors read the server's folders
    folder = (
        ""
        if ui.sign_in_required()
        else st.text_input("...or a folder on this machine holding them", key="folder")
    )
    boundary = st.file_uploader(
        "Ward boundaries", type=["geojson", "json", "gpkg"], key="boundary_file"
    )
    set_name = st.text_input(
        "Name of the boundary set", placeholder="2023 wards", key="set_name"
    )
    pop = st.file_uploader(
        "Ward population for that set (optional CSV: ward_code, population)",
        type=["csv"],
        key="population_file",
    )
    cams = st.file_uploader(
        "Camera list for the register (optional CSV or GeoJSON)",
        type=["csv", "geojson"],
        key="camera_file",
    )
    replace = st.checkbox(
        "Replace months held, even by part of one",
        value=False,
        help="A file holding only part of a month already held (a district's "
        "extract, or the police.uk API's polygon query) is refused, so that it "
        "never shrinks a whole force's month; tick this to replace on purpose.",
        key="replace",
    )
    submitted = st.form_submit_button("Import", key="import_button")


def import_incidents(ws: Workspace, inputs: list, *, replace: bool) -> list[str]:
    """Import with a progress bar; asks (ShrinkingImportError) before any month
    held would be left with fewer rows, unless replacing on purpose."""
    bar = st.progress(0.0, text="Reading files...")
    result = ws.import_incidents(
        inputs,
        progress=lambda d, t, n: bar.progress(
            d / t, text=f"Importing {d}/{t}: {Path(n).name}"
        ),
        replace=replace,
        ask_before_shrinking=True,
    )
    bar.empty()
    return [*result.quality.summary().splitlines(), *result.lines()]


def finish(lines: list[str]) -> None:
    """Show what the import did on the next run, on the workspace it changed."""
    st.session_state["import_report"] = lines
    st.session_state["dataset"] = data.user_dataset() or ds
    st.rerun()


pending = st.session_state.get("pending_import")
if pending is not None:
    st.warning(
        "This import would leave months held with fewer rows than before. "
        "Replace them only if the files are newer releases of the whole months, "
        "not a district's extract:",
        icon=":material/warning:",
    )
    for month in pending["months"]:
        st.markdown(f"- {ui.plain(month)}")
    yes, no = st.columns(2)
    go = yes.button("Import and replace these months", key="confirm_replace")
    stop = no.button("Cancel: keep the months held", key="cancel_import")
    if go or stop:
        st.session_state.pop("pending_import")
        lines = list(pending["lines"])
        try:
            if go:
                ws = Workspace(target)
                lines += import_incidents(ws, pending["inputs"], replace=True)
            else:
                lines.append("Import cancelled: the months held are as they were.")
        finally:
            shutil.rmtree(pending["staging"], ignore_errors=True)
        finish(lines)
    st.stop()

if submitted:
    inputs_given = bool(crime_files or folder.strip())
    if not (inputs_given or boundary or pop or cams):
        st.error("Choose files to import.")
        st.stop()
    if (boundary or pop) and not set_name.strip():
        st.error("Give the boundary set a name, e.g. '2023 wards'.")
        st.stop()
    staging = Path(tempfile.mkdtemp(prefix="hotspot-import-"))

    def save(upload) -> Path:
        path = staging / Path(upload.name).name  # never trust a client path
        path.write_bytes(upload.getvalue())
        return path

    ws = Workspace(target)
    lines = []
    try:
        if boundary is not None:
            done = ws.import_boundaries(
                save(boundary),
                name=set_name.strip(),
                population=save(pop) if pop else None,
            )
            lines += done.lines()
        elif pop is not None:
            n = ws.import_population(set_name.strip(), save(pop))
            lines.append(f"Population stored for {n} ward(s) of {set_name!r}.")
        if cams is not None:
            cam_list, n = ws.import_cameras(save(cams))
            lines += [*cam_list.notes, f"Camera register: {n} change(s) recorded."]
        if inputs_given:
            inputs = [save(f) for f in crime_files or []]
            if folder.strip():
                inputs.append(Path(folder.strip()))
            lines += import_incidents(ws, inputs, replace=replace)
    except ShrinkingImportError as err:  # asked below; the files wait for the answer
        st.session_state["pending_import"] = {
            "staging": str(staging),
            "inputs": [str(p) for p in inputs],
            "months": err.months,
            "lines": lines,
        }
        staging = None  # kept until the user answers
        st.rerun()
    except GeoInputError as err:
        # the uploads' temporary folder means nothing to the user: their names do
        hidden = GeoInputError(
            str(err).replace(f"{staging}/", "").replace(str(staging), "uploads"),
            argument=err.argument,
        )
        ui.show_error(hidden)
        st.info("Nothing was changed by the import that failed.")
        st.stop()
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    finish(lines)

for line in st.session_state.pop("import_report", []):
    st.markdown(ui.plain(line))
