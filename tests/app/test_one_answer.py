"""One answer per question: every front end shows the same figure for it.

One fixture, a workspace with months missing as police.uk has them: the demo's
incidents less August and September 2023, its 2023 wards and its camera list.
The periods are the app's defaults (2022/23 -> 2023/24), so like-for-like drops
two months from each. Each figure shown in more than one place (ward counts,
WDQ and its counts, displacement totals, statuses, PAI, hit rate, coverage
share) is read from each front end that shows it (the command line, the
Streamlit pages, the patrol view, the patrol pack, the committee report) and
must be identical.
"""

import json
import re

import pandas as pd
import pytest
import streamlit as st
from bs4 import BeautifulSoup
from streamlit.testing.v1 import AppTest

from app import data, patrol_view
from app.cli import main
from geo.settings import ASB
from geo.workspace import Workspace
from tests.conftest import APP, ROOT

SET = "2023 wards"
DROPPED = ("2023-08", "2023-09")
BEFORE, AFTER = "2022/23", "2023/24"


@pytest.fixture(scope="module")
def gappy(tmp_path_factory):
    demo = data.demo_dataset()  # written on first use
    assert demo.synthetic
    path = tmp_path_factory.mktemp("gappy") / "hotspots.duckdb"
    ws = Workspace(path)
    months = sorted((data.DEMO_DIR / "police_uk").iterdir())
    ws.import_incidents([m for m in months if m.name not in DROPPED])
    ws.import_boundaries(data.DEMO_BOUNDARIES / "sandbay_wards_2023.geojson", name=SET)
    ws.import_cameras(data.DEMO_DIR / "sandbay_cctv_cameras.csv")
    return path


@pytest.fixture
def own(gappy, monkeypatch):
    monkeypatch.setenv("HOTSPOT_WORKSPACE", str(gappy))
    st.cache_data.clear()
    return gappy


def _cli(capsys, *argv) -> str:
    assert main([str(a) for a in argv]) == 0, capsys.readouterr().err
    return capsys.readouterr().err


def _page(path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    if path:
        at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label))


def _pai(text: str) -> str:
    """The PAI of last period's hotspots, as a sentence says it."""
    found = re.search(r"previous period's hotspots .*?PAI (\d+\.\d)", text)
    assert found, text
    return found.group(1)


def test_defaults_are_the_periods_with_the_gap(own):
    at = _page("")
    assert at.selectbox(key="period_before").value == BEFORE  # the Before box
    assert at.selectbox(key="period_after").value == AFTER


def test_ward_counts_wdq_and_displacement_totals_agree(own, tmp_path, capsys):
    ws = ("--workspace", own, "--wards", SET, "--type", ASB)
    periods = ("--before", BEFORE, "--after", AFTER)
    said = _cli(capsys, "wards", *ws, *periods, "--out", tmp_path / "w.csv")
    assert "Like for like: 2 month(s) left out" in said
    table = pd.read_csv(tmp_path / "w.csv").set_index("ward_name")
    ward = table["after"].idxmax()  # the busiest ward of the after period
    # the WDQ of that ward counts the ward table's months
    _cli(capsys, "wdq", *ws, *periods, "--target", ward, "--out", tmp_path / "q.json")
    q = json.loads((tmp_path / "q.json").read_text())
    assert (q["target_before"], q["target_after"]) == tuple(
        table.loc[ward, ["before", "after"]]
    )
    assert len(q["before_months"]) == len(q["after_months"]) == 10
    assert not set(DROPPED) & set(q["after_months"])
    # displacement counts the same months: its totals are the table's
    said = _cli(capsys, "displacement", *ws, *periods, "--out", tmp_path / "d.geojson")
    totals = f"{table['before'].sum():,} reports before, {table['after'].sum():,} after"
    assert totals in said
    # the app: Ward changes' table, Displacement's WDQ and note, the same figures
    at = _page("app_pages/wards_page.py")
    shown = next(d.value for d in at.dataframe if "Ward" in d.value.columns)
    shown = shown.set_index("Ward")
    assert (shown[BEFORE] == table.loc[shown.index, "before"]).all()
    assert (shown[AFTER] == table.loc[shown.index, "after"]).all()
    at = _page("app_pages/displacement_page.py")
    assert any(totals in c.value for c in at.caption)
    at.selectbox(key="wdq_target").set_value(ward).run()
    caption = next(c.value for c in at.caption if c.value.startswith("Target "))
    assert caption.startswith(
        f"Target {q['target_before']:,} -> {q['target_after']:,};"
    )
    assert _metric(at, "WDQ") == ("n/a" if q["wdq"] is None else f"{q['wdq']:.2f}")


def test_pai_and_hit_rate_agree_on_page_view_command_and_pack(own, tmp_path, capsys):
    at = _page("")  # opens on the latest 3 months held, as the view does
    latest = at.radio(key="hotspot_period").value
    assert latest == "2024-01:2024-03"
    page_pai = _metric(at, "PAI of last period's hotspots")
    view = patrol_view.page(patrol_view.choose({}))
    soup = BeautifulSoup(view, "html.parser")
    figures = {
        f.select_one(".label").get_text(): f.select_one(".value").get_text()
        for f in soup.select(".figures .figure")
    }
    assert figures["PAI of last period's hotspots"] == page_pai
    said = _cli(
        capsys, "hotspots", "--workspace", own, "--wards", SET, "--type", ASB,
        "--period", latest, "--out", tmp_path / "pack.html",
    )  # fmt: skip
    assert _pai(said) == page_pai
    pack = BeautifulSoup((tmp_path / "pack.html").read_text(), "html.parser")
    assert _pai(pack.get_text(" ")) == page_pai
    hit = re.search(r"held (\d+\.\d%) of this period's", said).group(1)
    assert f"held {hit} of this period's" in pack.get_text(" ")


def test_a_custom_period_has_one_pai_on_page_and_view(own):
    """The issue's case: an After the view offers as 'latest 3 months'."""
    months = Workspace(own).catalogue()[1]
    latest = next(
        o for o in patrol_view.period_options(months) if "Latest 3" in o.label
    )
    at = _page("")
    at.selectbox(key="period_after").set_value("Custom...").run()
    at.text_input(key="custom_after").set_value(latest.value).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    page_pai = _metric(at, "PAI of last period's hotspots")
    view = patrol_view.page(patrol_view.choose({"period": [latest.value]}))
    assert f'<div class="value">{page_pai}</div>' in view


def test_statuses_and_coverage_agree_in_report_command_and_pages(own, tmp_path, capsys):
    ws = ("--workspace", own, "--wards", SET)
    periods = ("--before", BEFORE, "--after", AFTER)
    _cli(
        capsys, "displacement", *ws, "--type", ASB, *periods,
        "--out", tmp_path / "d.geojson",
    )  # fmt: skip
    import geopandas as gpd

    moved = gpd.read_file(tmp_path / "d.geojson")
    after = moved[moved["period"] == "after"].sort_values("hotspot_id")
    _cli(capsys, "report", *ws, *periods, "--out", tmp_path / "r.html")
    report = BeautifulSoup((tmp_path / "r.html").read_text(), "html.parser")
    table = report.find("table", id="hotspots")
    heads = [th.get_text() for th in table("th")]
    cells = [[td.get_text() for td in tr("td")] for tr in table("tr") if tr("td")]
    shown = pd.DataFrame(cells, columns=heads)
    n = len(shown)
    assert n == min(10, len(after))
    status = shown[f"Status against {BEFORE}"]
    assert status.tolist() == after["status"].head(n).tolist()
    counts = after["after_incidents"].head(n).astype(int)
    assert [int(v.replace(",", "")) for v in shown["Reports"]] == counts.tolist()
    # the report's ward table is the wards command's
    _cli(capsys, "wards", *ws, "--type", ASB, *periods, "--out", tmp_path / "w.csv")
    wards = pd.read_csv(tmp_path / "w.csv").set_index("ward_name")
    ward_rows = report.find("table", id="ward-table")
    heads = [th.get_text() for th in ward_rows("th")]
    cells = [[td.get_text() for td in tr("td")] for tr in ward_rows("tr") if tr("td")]
    in_report = pd.DataFrame(cells, columns=heads).set_index("Ward")
    for side, period in (("before", BEFORE), ("after", AFTER)):
        got = in_report[period].str.replace(",", "").astype(int)
        assert (got == wards.loc[got.index, side]).all()
    # coverage share of the period: the CCTV page and the coverage command
    _cli(
        capsys, "coverage", "--workspace", own, "--wards", SET, "--type", ASB,
        "--period", AFTER, "--out", tmp_path / "c.csv",
    )  # fmt: skip
    cov = pd.read_csv(tmp_path / "c.csv", dtype={"hotspot_id": str})
    share = cov.set_index("hotspot_id").loc["all", "covered_share"]
    at = _page("app_pages/cctv_page.py")
    assert _metric(at, "Reports in camera view") == f"{share:.1%}"
    spots = cov.loc[cov["hotspot_id"] != "all", "covered_share"]
    assert _metric(at, "Hotspots mostly out of view") == str(int((spots < 0.5).sum()))


FIGURING = {
    "hotspots", "find_hotspots", "dbscan_labels", "hdbscan_hotspots", "hotspot_table",
    "suggest_parameters", "match_hotspots", "evaluate_hotspots", "displacement",
    "wdq", "coverage", "suggest_sites", "covered_by", "comparison", "on_basis",
}  # fmt: skip
"""geo's parts that cluster, match, count or score: only geo's entry points
(patrol_hotspots, ward_change, years_change, displacement_analysis,
wdq_analysis, cctv_assessment, before_after, impact, gi_star_grid,
emerging_hotspots) call them."""


def test_no_front_end_clusters_matches_counts_or_scores_itself():
    import ast

    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "geo"
            ):
                found += [
                    f"{path.relative_to(ROOT)}: {a.name}"
                    for a in node.names
                    if a.name in FIGURING
                ]
    assert found == []
