"""Page logic with Streamlit's AppTest, on the synthetic demo data."""

import geopandas as gpd
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import ui
from geo.workspace import Workspace
from tests.conftest import APP, PAGES, police_row


@pytest.fixture(autouse=True)
def own_workspace(tmp_path, monkeypatch):
    """Each test's own analysts' workspace (absent at first: the app shows the demo)."""
    path = tmp_path / "workspace" / "hotspots.duckdb"
    path.parent.mkdir()
    monkeypatch.setenv("HOTSPOT_WORKSPACE", str(path))
    return path


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_demo_data(page):
    at = _app()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("Synthetic demo data" in w.value for w in at.sidebar.warning)


def test_hotspot_parameters_change_the_figures():
    at = _app()
    assert not at.exception
    before = _metric(at, "Hotspots")
    assert at.number_input(
        key="min_samples"
    ).disabled  # the data's rule until asked otherwise
    at.toggle(key="by_hand").set_value(True).run()
    at.number_input(key="min_samples").set_value(
        int(at.number_input(key="min_samples").value) * 3
    ).run()
    after = _metric(at, "Hotspots")
    assert int(after) < int(before)
    assert not at.exception


def test_hotspot_table_agrees_with_the_headline_figures():
    from bs4 import BeautifulSoup

    at = _app()
    soup = BeautifulSoup(at.get("html")[0].proto.body, "html.parser")
    rows = [[td.get_text() for td in tr("td")] for tr in soup.tbody("tr")]
    assert [th.get_text() for th in soup("th")][:2] == ["Rank", "Reports"]  # ASB
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    assert str(len(rows)) == _metric(at, "Hotspots")
    in_hotspots = sum(int(r[1].replace(",", "")) for r in rows)
    assert _metric(at, "Reports in hotspots").startswith(f"{in_hotspots:,} of ")


def test_ward_page_periods_change_the_headlines():
    at = _app()
    at.switch_page("app_pages/wards_page.py").run()
    headline = next(m.value for m in at.markdown if "to 2023/24" in m.value)
    before = at.selectbox(key="period_before")
    assert before.label == "Before"
    before.set_value("2021/22").run()
    changed = next(m.value for m in at.markdown if "to 2023/24" in m.value)
    assert "2021/22" in changed
    assert changed != headline
    assert not at.exception


def test_years_page_counts_agree_with_the_years_command():
    at = _app()
    at.switch_page("app_pages/years_page.py").run()
    assert not at.exception, at.exception
    headline = next(m.value for m in at.markdown if "ASB" in m.value)
    totals = at.dataframe[0].value
    # the sentence is the totals table's last change, in words
    counts = totals["Count"].str.replace(",", "").astype(int)
    last, prev = counts.iloc[-1], counts.iloc[-2]
    assert totals["Change on the year before"].iloc[0] == ""  # not "None"
    word = "fell" if last < prev else "rose"
    assert f"{word} by {abs(last - prev) / prev * 100:.1f}%" in headline
    at.radio(key="year_kind").set_value("Calendar").run()
    assert not at.exception
    years = at.dataframe[1].value
    assert "2021" in years.columns and "2023" in years.columns


def test_years_page_offers_every_year_held_and_opens_on_the_whole_ones():
    """The demo holds January 2021 to March 2024: financial 2020/21 in part
    (3 months), 2021/22 to 2023/24 whole. The page opens on the whole years;
    the part year can be chosen and is compared on its three months."""
    at = _app()
    at.switch_page("app_pages/years_page.py").run()
    first, last = at.selectbox(key="years_from"), at.selectbox(key="years_to")
    assert first.options == [
        "2020/21 (3 of 12 months held)", "2021/22", "2022/23", "2023/24"]  # fmt: skip
    assert (first.value, last.value) == ("2021/22", "2023/24")
    first.set_value("2020/21").run()
    assert not at.exception, at.exception
    totals = at.dataframe[0].value
    assert totals["Year"].tolist() == ["2020/21", "2021/22", "2022/23", "2023/24"]
    assert any("3 months each" in m.value for m in at.markdown)


def test_displacement_page_buffer_changes_the_wdq_counts():
    at = _app()
    at.switch_page("app_pages/displacement_page.py").run()
    counts = next(c.value for c in at.caption if c.value.startswith("Target "))
    at.slider(key="buffer_m").set_value(600).run()
    wider = next(c.value for c in at.caption if c.value.startswith("Target "))
    assert not at.exception
    # same target counts, a wider buffer ring holds more
    assert counts.split(";")[0] == wider.split(";")[0]
    assert counts.split(";")[1] != wider.split(";")[1]


def test_cctv_page_more_sites_gain_more():
    at = _app()
    at.switch_page("app_pages/cctv_page.py").run()
    gain = int(_metric(at, "Gain from suggested sites").lstrip("+").replace(",", ""))
    at.slider(key="sites").set_value(6).run()
    more = int(_metric(at, "Gain from suggested sites").lstrip("+").replace(",", ""))
    assert not at.exception
    assert more > gain > 0
    assert sum(b.label == "Add as proposed" for b in at.button) == 6


def _widget(elements, label):
    return next(w for w in elements if w.label == label)


def _share(at) -> float:
    return float(_metric(at, "Reports in camera view (2023/24)").rstrip("%"))


@pytest.fixture
def demo_copy(own_workspace):
    """The demo workspace copied as the analysts' own: edits leave the demo be."""
    import shutil

    from app.data import DEMO_WORKSPACE, demo_dataset

    demo_dataset()  # written on first use
    shutil.copyfile(DEMO_WORKSPACE, own_workspace)
    return own_workspace


def _uncovered_place(path):
    """A point in the busiest hotspot of 2023/24 ASB with no camera near it."""
    from geo.cctv import coverage
    from geo.hotspots import hotspots
    from geo.periods import parse_period

    ws = Workspace(path)
    inc = ws.load(periods=[parse_period("2023/24")], types=["ASB"]).incidents
    found = hotspots(inc)
    cov = coverage(inc, ws.cameras(in_service=True), found.labels).table
    worst = cov[(cov["hotspot_id"] != "all") & (cov["covered_share"] == 0)]
    hid = int(worst.sort_values("incidents").iloc[-1]["hotspot_id"])
    shape = found.table.set_index("hotspot_id").loc[hid, "geometry"]
    point = gpd.GeoSeries([shape.representative_point()], crs=27700).to_crs(4326)
    return point.x.iloc[0], point.y.iloc[0]


def test_place_aim_and_delete_a_camera_and_coverage_follows(demo_copy):
    lon, lat = _uncovered_place(demo_copy)
    at = _app()
    at.switch_page("app_pages/cctv_page.py").run()
    assert not at.exception, at.exception
    start = _share(at)
    # place a camera, all round, 150 m, on the uncovered hotspot
    _widget(at.number_input, "Longitude").set_value(lon)
    _widget(at.number_input, "Latitude").set_value(lat)
    _widget(at.slider, "Range (m)").set_value(150)
    _widget(at.button, "Save camera").click().run()
    assert not at.exception, at.exception
    placed = _share(at)
    assert placed > start
    assert "CAM013" in set(Workspace(demo_copy).cameras()["camera_id"])
    # aim it: a 30 degree view looking away (north) sees less than all round
    _widget(at.selectbox, "Camera").set_value("CAM013").run()
    _widget(at.slider, "Field of view (degrees; 360 = all round)").set_value(30)
    _widget(at.slider, "Bearing (degrees from north)").set_value(0)
    _widget(at.button, "Save camera").click().run()
    aimed = _share(at)
    assert start <= aimed < placed
    cam = Workspace(demo_copy).cameras().set_index("camera_id").loc["CAM013"]
    assert (cam["bearing"], cam["fov"]) == (0.0, 30.0)
    # delete it: back to where it started, and the history keeps all three
    _widget(at.selectbox, "Camera").set_value("CAM013").run()
    _widget(at.button, "Delete camera").click().run()
    assert _share(at) == start
    history = Workspace(demo_copy).camera_history()
    assert history.loc[history["camera_id"] == "CAM013", "action"].tolist() == [
        "add", "update", "delete"]  # fmt: skip


def test_a_suggested_site_becomes_a_proposed_camera(demo_copy):
    at = _app()
    at.switch_page("app_pages/cctv_page.py").run()
    today = float(_metric(at, "With the proposed cameras").rstrip("%"))
    assert today == _share(at)
    _widget(at.button, "Add as proposed").click().run()
    assert not at.exception, at.exception
    cams = Workspace(demo_copy).cameras()
    assert (cams["status"] == "proposed").sum() == 1
    # the what-if now covers more than today, which has not changed
    assert float(_metric(at, "With the proposed cameras").rstrip("%")) > today
    assert _share(at) == today


def test_a_bad_go_live_month_says_what_to_write():
    at = _app()
    at.switch_page("app_pages/cctv_page.py").run()
    _widget(
        at.text_input, "Go-live month (YYYY-MM; blank: the earliest install)"
    ).set_value("October").run()
    assert not at.exception, at.exception
    assert any(
        "'October' is not a month; write it as YYYY-MM" in i.value for i in at.info
    )


def test_bad_custom_period_shows_an_error():
    at = _app()
    assert at.selectbox(key="period_after").label == "After"
    at.selectbox(key="period_after").set_value("Custom...").run()
    at.text_input(key="custom_after").set_value("last spring").run()
    assert any("not understood" in e.value for e in at.error)
    assert not at.exception


def test_malformed_upload_shows_error_and_changes_nothing(own_workspace):
    at = _app()
    at.switch_page("app_pages/data_page.py").run()
    held = _metric(at, "Incident rows held")
    at.file_uploader(key="incident_files").set_value(
        ("broken.csv", b"this is not a table\n", "text/csv")
    )
    at.button(key="import_button").click().run()  # the form's Import button
    assert any("does not look like a CSV" in e.value for e in at.error)
    said = " ".join(e.value for e in at.error)
    assert "'broken.csv'" in said and "hotspot-import-" not in said  # no temp path
    assert not at.exception
    assert not own_workspace.exists() or Workspace(own_workspace).state()[2] == 0
    at.switch_page("app_pages/data_page.py").run()
    assert _metric(at, "Incident rows held") == held  # still the demo


def test_import_on_the_data_page_keeps_the_data_in_the_workspace(
    own_workspace, write_police, wards, tmp_path
):
    rows = [police_row(50, 50), police_row(150, 50), police_row(150, 60)]
    csv = write_police(rows, "2022-01-test-street.csv").read_bytes()
    ward_file = tmp_path / "w.geojson"
    wards.to_crs("EPSG:4326").to_file(ward_file)
    at = _app()
    at.switch_page("app_pages/data_page.py").run()
    at.file_uploader(key="incident_files").set_value(
        ("2022-01-test-street.csv", csv, "text/csv")
    )
    at.file_uploader(key="boundary_file").set_value(
        ("w.geojson", ward_file.read_bytes(), "application/json")
    )
    at.text_input(key="set_name").set_value("test wards")
    at.button(key="import_button").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert _metric(at, "Incident rows held") == "3"  # now the analysts' workspace
    assert any("1 month(s) added, 3 rows." in m.value for m in at.markdown)
    # a new browser session opens the workspace, not the demo: the data stayed
    again = _app()
    again.switch_page("app_pages/data_page.py").run()
    assert _metric(again, "Incident rows held") == "3"
    assert not any("Synthetic demo data" in w.value for w in again.sidebar.warning)
    assert Workspace(own_workspace).boundary_sets() == ["test wards"]


def test_month_calendar_marks_gaps():
    months = pd.DataFrame(
        {"feed": "F", "month": ["2020-05", "2020-07", "2021-01"], "rows": [5, 7, 1]}
    )
    gaps = {"F": ["2020-06", "2020-08", "2020-09", "2020-10", "2020-11", "2020-12"]}
    cal = ui.month_calendar(months, gaps)
    assert cal.loc[("F", "2020")].tolist() == [
        "", "", "", "", "5", "missing", "7", "missing", "missing", "missing",
        "missing", "missing",
    ]  # fmt: skip
    assert cal.loc[("F", "2021"), "Jan"] == "1"


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-secret",
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://example.invalid/.well-known/openid-configuration",
}


def _shared_app(user: dict, analysts: list[str] = ()) -> AppTest:
    """The app as a shared deployment ([auth] configured), seen by ``user``."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = AUTH
    at.secrets["analysts"] = list(analysts)
    at.user = user
    at.run()
    return at


def test_sign_in_enforced_when_configured():
    at = _shared_app({"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(at.metric) == 0  # no data shown before sign-in
    signed_in = _shared_app({"is_logged_in": True, "email": "analyst@example.org"})
    assert not signed_in.exception
    assert int(_metric(signed_in, "Hotspots")) > 0


def test_patrol_view_link_vouches_for_the_signed_in_user():
    from urllib.parse import parse_qs, urlsplit

    from itsdangerous import URLSafeTimedSerializer

    from app.patrol_view import PASS_PARAM

    at = _shared_app({"is_logged_in": True, "email": "pc@example.org"})
    caption = next(c.value for c in at.caption if "Patrol view" in c.value)
    href = caption[caption.index("](") + 2 : caption.index(")")]
    query = parse_qs(urlsplit(href).query)
    signer = URLSafeTimedSerializer(AUTH["cookie_secret"], salt="hotspot-patrol-view")
    assert signer.loads(query[PASS_PARAM][0], max_age=60) == "pc@example.org"
    assert query["type"] == ["Anti-social behaviour"]
    # without sign-in the link carries no pass
    local = next(c.value for c in _app().caption if "Patrol view" in c.value)
    assert PASS_PARAM + "=" not in local


def test_no_server_folder_input_when_shared_and_only_analysts_import():
    at = _app()
    at.switch_page("app_pages/data_page.py").run()
    assert any("folder on this machine" in t.label for t in at.text_input)
    # a shared deployment: an analyst imports, but cannot type a server path
    analyst = "analyst@example.org"
    shared = _shared_app({"is_logged_in": True, "email": analyst}, analysts=[analyst])
    shared.switch_page("app_pages/data_page.py").run()
    assert not shared.exception
    assert any(f.label.startswith("Incidents") for f in shared.file_uploader)
    assert not any("folder on this machine" in t.label for t in shared.text_input)
    # anyone else only views
    viewer = _shared_app({"is_logged_in": True, "email": "pc@example.org"},
                         analysts=[analyst])  # fmt: skip
    viewer.switch_page("app_pages/data_page.py").run()
    assert not viewer.exception
    assert not viewer.file_uploader
    assert any("Only analysts may import" in i.value for i in viewer.info)
    assert _metric(viewer, "Incident rows held")  # but sees what is held


def test_server_warm_up_computes_exactly_what_the_first_page_asks_for(monkeypatch):
    """After app.serve.warm(), the default page runs no analysis of its own."""
    import streamlit as st

    from app import data, serve

    st.cache_data.clear()
    serve.warm()
    calls = []

    def counted(name):
        real = getattr(data, name)

        def wrapper(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(data, "patrol_hotspots", counted("patrol_hotspots"))
    at = _app()
    assert not at.exception, at.exception
    assert int(_metric(at, "Hotspots")) > 0
    assert calls == []
    # a choice the warm-up did not make reaches geo's one answer for it, once
    at.toggle(key="by_hand").set_value(
        True
    ).run()  # plain DBSCAN at the suggested values
    calls.clear()
    at.number_input(key="min_samples").set_value(
        int(at.number_input(key="min_samples").value) + 7
    ).run()
    assert calls == ["patrol_hotspots"]


def test_workspace_state_read_again_only_when_the_file_changes(
    own_workspace, write_police, monkeypatch
):
    from app import data

    ws = Workspace(own_workspace)
    ws.import_incidents(write_police([police_row(50, 50)], "2022-01-a-street.csv"))
    ds = data.Dataset(label="own", workspace=str(own_workspace))
    first = data.ws_key(ds)
    assert first[1][2] == 1  # the incident count of the state token
    reads = []
    real = Workspace.state

    def counted(self):
        reads.append(self.path)
        return real(self)

    monkeypatch.setattr(Workspace, "state", counted)
    # a file written within the file system's clock tick: read every time
    monkeypatch.setattr(data, "_SETTLE_S", 3600.0)
    assert data.ws_key(ds) == first
    assert len(reads) == 1
    # a settled file: its state read once, then no connection while unchanged
    monkeypatch.setattr(data, "_SETTLE_S", 0.0)
    data._facts.cache_clear()
    reads.clear()
    assert data.ws_key(ds) == first
    assert data.ws_key(ds) == first
    assert reads == [own_workspace]
    reads.clear()
    rows = [police_row(5, 5, month="2022-02")] * 2
    ws.import_incidents(write_police(rows, "2022-02-a-street.csv"))
    second = data.ws_key(ds)
    assert reads == [own_workspace]
    assert second != first
    assert second[1][2] == 3
    assert data.user_dataset().workspace == str(own_workspace)


def test_errors_name_the_apps_own_controls_not_the_command_lines(own_workspace):
    """geo names the argument; the Data page says what the file should call it."""
    at = _app()
    at.switch_page("app_pages/data_page.py").run()
    table = b"Longitude,Latitude,Crime type\n-3.05,53.81,Burglary\n"
    at.file_uploader(key="incident_files").set_value(
        ("no_month.csv", table, "text/csv")
    )
    at.button(key="import_button").click().run()
    said = " ".join(e.value for e in at.error)
    assert "has no month or date column" in said
    assert "'Month' (rename the column in your file)" in said
    assert "--month-col" not in said and "month_col" not in said


def test_the_command_line_names_its_flag_for_the_same_error(tmp_path, capsys):
    from app.cli import main

    bad = tmp_path / "no_month.csv"
    bad.write_text("Longitude,Latitude,Crime type\n-3.05,53.81,Burglary\n")
    assert main(["load", str(bad), "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "Name yours with --month-col." in err and "`" not in err


def _force_csv(n: int, span_m: float) -> bytes:
    import io

    side = max(int(n**0.5), 1)
    rows = [police_row((i % side) * span_m / side, (i // side) * span_m / side)
            for i in range(n)]  # fmt: skip
    out = io.StringIO()
    pd.DataFrame(rows).to_csv(out, index=False)
    return out.getvalue().encode()


@pytest.mark.parametrize("answer", ["confirm_replace", "cancel_import"])
def test_the_data_page_asks_before_a_month_shrinks(own_workspace, answer):
    Workspace(own_workspace).import_incidents(
        [
            _upload(
                own_workspace.parent, "2022-01-test-street.csv", _force_csv(100, 2000)
            )
        ]
    )
    at = _app()
    at.switch_page("app_pages/data_page.py").run()
    revised = ("2022-01-test-street.csv", _force_csv(95, 2000), "text/csv")
    at.file_uploader(key="incident_files").set_value(revised)
    at.button(key="import_button").click().run()
    assert not at.exception, at.exception
    assert Workspace(own_workspace).state()[2] == 100  # nothing yet: it asks
    assert any("fewer rows than before" in w.value for w in at.warning)
    listed = " ".join(m.value for m in at.markdown)
    assert "2022-01 Test Constabulary: replaced by a newer release: 100" in listed
    assert "95 rows" in listed
    at.button(key=answer).click().run()
    assert not at.exception, at.exception
    held = Workspace(own_workspace).state()[2]
    assert held == (95 if answer == "confirm_replace" else 100)


def _upload(folder, name: str, content: bytes):
    path = folder / name
    path.write_bytes(content)
    return path
