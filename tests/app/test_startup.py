"""The app starts on whatever the analysts' workspace holds (issue: first days).

Each workspace a new analyst meets: one month, months without a boundary set,
no incidents at all, a damaged file, a file that is not a workspace. The
server's warm-up must not raise, and every page opens on something that says
what is there and what to do next.
"""

import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app import data, serve, ui
from geo.errors import WorkspaceDamagedError
from geo.workspace import Workspace
from tests.conftest import APP, PAGES, police_row


@pytest.fixture
def own(tmp_path, monkeypatch):
    path = tmp_path / "workspace" / "hotspots.duckdb"
    path.parent.mkdir()
    monkeypatch.setenv("HOTSPOT_WORKSPACE", str(path))
    st.cache_data.clear()
    data._set_aside.clear()
    yield path
    data._set_aside.clear()


def _import(path, write_police, months, *, wards=None, tmp_path=None):
    rows = [
        police_row(dx, 50, month=m) for m in months for dx in (20, 30, 40, 150, 160)
    ]
    ws = Workspace(path)
    ws.import_incidents([write_police(rows, f"{months[0]}-test-street.csv")])
    if wards is not None:
        file = tmp_path / "w.geojson"
        wards.to_crs("EPSG:4326").to_file(file)
        ws.import_boundaries(file, name="test wards")
    return ws


def _pages() -> list[AppTest]:
    out = []
    for page in PAGES:
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        out.append(at)
    return out


def test_one_month_workspace_opens_on_that_month(own, write_police, wards, tmp_path):
    _import(own, write_police, ["2022-01"], wards=wards, tmp_path=tmp_path)
    serve.warm()  # raised "period 'Custom...' is not understood"
    c = ui.default_controls(data.start_dataset())
    assert (c.before, c.after) == ("2021-12", "2022-01")
    at = _pages()[0]
    assert not at.error, [e.value for e in at.error]
    hotspots = next(m.value for m in at.metric if m.label == "Hotspots")
    assert int(hotspots) >= 0
    assert at.selectbox(key="period_after").value == "2022-01"  # After


def test_ten_months_open_on_the_latest_five_against_the_five_before(
    own, write_police, wards, tmp_path
):
    months = [f"2022-{m:02d}" for m in range(1, 11)]
    _import(own, write_police, months, wards=wards, tmp_path=tmp_path)
    serve.warm()
    c = ui.default_controls(data.start_dataset())
    assert (c.before, c.after) == ("2022-01:2022-05", "2022-06:2022-10")
    hotspots, wards_page, years = _pages()[:3]
    for at in (hotspots, wards_page):
        assert not at.error, [e.value for e in at.error]
    headline = " ".join(m.value for m in wards_page.markdown)
    assert "2022-01:2022-05" in headline and "2022-06:2022-10" in headline
    # no whole year is held: the years page says so rather than failing
    assert years.info or years.error


def test_months_without_a_boundary_set_say_to_import_wards(own, write_police):
    _import(own, write_police, ["2022-01", "2022-02"])
    serve.warm()  # raised IndexError at held["sets"][0]
    assert ui.default_controls(data.start_dataset()) is None
    for at in _pages()[:-1]:  # the analysis pages
        said = " ".join(i.value for i in at.info)
        assert "2 month(s) of incidents (2022-01 to 2022-02)" in said
        assert "no boundary set" in said
        assert "import ward boundaries on the Data page" in said


def test_damaged_workspace_falls_back_to_the_demo_and_names_the_file(
    own, write_police, wards, tmp_path
):
    _import(own, write_police, ["2022-01"], wards=wards, tmp_path=tmp_path)
    raw = bytearray(own.read_bytes())
    for i in range(12_288, len(raw)):  # every block after DuckDB's headers
        raw[i] ^= 0x5A
    own.write_bytes(bytes(raw))
    with pytest.raises(WorkspaceDamagedError, match="restore a copy"):
        Workspace(own).catalogue()
    serve.warm()
    ds = data.start_dataset()
    assert ds.synthetic
    assert str(own) in ds.problem and "damaged" in ds.problem
    at = _pages()[0]
    shown = " ".join(e.value for e in at.error)
    assert "could not be opened" in shown and "damaged" in shown
    assert any("Synthetic demo data" in w.value for w in at.sidebar.warning)


def test_damage_found_while_reading_sets_the_workspace_aside(own, monkeypatch):
    """DuckDB finds a bad block only when it reads it: the warm-up's first read
    of incidents. The server then serves the demo instead of stopping."""
    demo = data.demo_dataset()
    shutil.copyfile(demo.workspace, own)
    real = data.hotspot_view

    def damaged(ws, *args):
        if ws[0] == str(own):
            msg = f"workspace {str(own)!r} is damaged (Corrupt database file)"
            raise WorkspaceDamagedError(msg, path=str(own.resolve()))
        return real(ws, *args)

    monkeypatch.setattr(data, "hotspot_view", damaged)
    serve.warm()
    ds = data.start_dataset()
    assert ds.synthetic and ds.workspace == demo.workspace
    assert "damaged" in ds.problem


def test_a_file_that_is_not_a_workspace_falls_back_to_the_demo(own):
    own.write_bytes(b"this is a text file, not a database\n" * 100)
    serve.warm()
    ds = data.start_dataset()
    assert ds.synthetic and "is not a workspace" in ds.problem
    at = _pages()[0]
    assert any("could not be opened" in e.value for e in at.error)


def test_commands_meet_a_damaged_workspace_with_exit_2_and_one_line(
    own, write_police, wards, tmp_path, capsys
):
    from app.cli import main

    _import(own, write_police, ["2022-01"], wards=wards, tmp_path=tmp_path)
    raw = bytearray(own.read_bytes())
    for i in range(12_288, len(raw)):
        raw[i] ^= 0x5A
    own.write_bytes(bytes(raw))
    for argv in (
        ["workspace", "--workspace", str(own)],
        ["hotspots", "--workspace", str(own), "--wards", "test wards",
         "--period", "2022-01", "--out", str(tmp_path / "h.geojson")],
    ):  # fmt: skip
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "is damaged" in err[0] and str(own) in err[0]
