import json

import geopandas as gpd
import pandas as pd
import pytest

from app.cli import main
from tests.conftest import police_row


@pytest.fixture
def ward_file(wards, tmp_path):
    path = tmp_path / "wards.geojson"
    wards.rename(columns={"ward_code": "WD23CD", "ward_name": "WD23NM"}).to_crs(
        "EPSG:4326"
    ).to_file(path)
    return path


def test_load_writes_contract_columns_and_quality(
    write_police, ward_file, tmp_path, capsys
):
    path = write_police(
        [police_row(50, 50), police_row(150, 50), police_row(None, None)]
    )
    out, quality = tmp_path / "out.csv", tmp_path / "q.json"
    rc = main(
        [
            "load",
            str(path),
            "--wards",
            str(ward_file),
            "--out",
            str(out),
            "--quality",
            str(quality),
        ]
    )
    assert rc == 0
    table = pd.read_csv(out, dtype=str)
    assert list(table.columns[:11]) == [
        "incident_id", "month", "crime_type", "location", "lsoa_code", "ward_code",
        "ward_name", "easting", "northing", "longitude", "latitude",
    ]  # fmt: skip
    assert table["ward_code"].tolist() == ["A", "B"]
    q = json.loads(quality.read_text())
    assert (q["read"], q["kept"], q["dropped"]) == (3, 2, {"no coordinates": 1})
    err = capsys.readouterr().err
    assert "rows read: 3" in err
    assert "dropped, no coordinates: 1" in err


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet"])
def test_load_writes_gis_formats(write_police, tmp_path, suffix):
    path = write_police([police_row(50, 50)])
    out = tmp_path / f"out{suffix}"
    assert main(["load", str(path), "--out", str(out)]) == 0
    got = gpd.read_file(out) if suffix == ".gpkg" else gpd.read_parquet(out)
    assert got.crs == "EPSG:27700"
    assert len(got) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "someday"], "period 'someday' is not understood"),
        (["--type", "Burglry"], "types present are"),
        (["--period", "2030"], "has no incidents"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_output(
    write_police, tmp_path, capsys, args, message
):
    path = write_police([police_row(50, 50)])
    out = tmp_path / "out.csv"
    rc = main(["load", str(path), "--out", str(out), *args])
    assert rc == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.glob(".out-*")) == []


def test_bad_output_suffix_and_missing_input(write_police, tmp_path, capsys):
    path = write_police([police_row(50, 50)])
    assert main(["load", str(path), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert main(["load", str(tmp_path / "nope"), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert ".csv, .gpkg or .parquet" in err
    assert "does not exist" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["load"])
    assert exc.value.code == 2


def test_demo_command(tmp_path):
    assert main(["demo", "--out", str(tmp_path / "d"), "--seed", "7"]) == 0
    assert len(list((tmp_path / "d" / "police_uk").rglob("*-street.csv"))) == 39
    assert "SYNTHETIC" in (tmp_path / "d" / "README.txt").read_text()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from geo.synthetic import write_demo

    return write_demo(tmp_path_factory.mktemp("demo"))


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".html"])
def test_hotspots_outputs(demo, tmp_path, suffix):
    out = tmp_path / f"hs{suffix}"
    args = [
        "hotspots", str(demo["incidents"]), "--wards", str(demo["wards_after"]),
        "--period", "2022", "--out", str(out),
    ]  # fmt: skip
    assert main(args) == 0
    if suffix == ".geojson":
        got = gpd.read_file(out)
        assert got.crs == "EPSG:4326"
        assert list(got.columns[:7]) == [
            "hotspot_id", "rank", "incidents", "locations", "area_m2", "wards",
            "top_type",
        ]  # fmt: skip
        assert got["rank"].tolist() == list(range(1, len(got) + 1))
        assert got["incidents"].is_monotonic_decreasing
        assert got["pai_next"].notna().all()  # 2023 follows 2022 in the demo
    elif suffix == ".csv":
        got = pd.read_csv(out)
        assert {"centre_longitude", "centre_latitude", "eps_m"} <= set(got.columns)
    else:
        text = out.read_text()
        assert "data:image/png;base64," in text
        assert "SYNTHETIC DEMO DATA" in text
        assert "PAI" in text


def test_hotspots_bad_parameters(demo, tmp_path, capsys):
    out = tmp_path / "hs.geojson"
    base = ["hotspots", str(demo["incidents"]), "--wards", str(demo["wards_after"])]
    assert main([*base, "--eps", "0", "--out", str(out)]) == 2
    assert main([*base, "--min-samples", "0", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "`eps` must be a number above 0" in err
    assert "`min_samples` must be a whole number of at least 1" in err
    assert not out.exists()


def test_wards_command(demo, tmp_path, capsys):
    out = tmp_path / "w.csv"
    args = [
        "wards", str(demo["incidents"]), "--wards", str(demo["wards_after"]),
        "--before", "2022/23", "--after", "2023/24", "--type", "ASB",
        "--population", str(demo["population"]), "--out", str(out),
    ]  # fmt: skip
    # the demo's population is for the 2022 wards: codes do not match 2023 wards
    assert main(args) == 2
    assert "another boundary vintage" in capsys.readouterr().err
    args[3] = str(demo["wards_before"])
    assert main(args) == 0
    table = pd.read_csv(out)
    assert list(table.columns[:10]) == [
        "ward_code", "ward_name", "before", "after", "change", "pct_change",
        "before_rate", "after_rate", "z", "significant",
    ]  # fmt: skip
    assert len(table) == 12
    assert table["before_rate"].notna().all()
    err = capsys.readouterr().err
    assert "ASB fell in" in err
    assert "reports, not incidents" in err


def test_displacement_command(demo, tmp_path):
    out = tmp_path / "d.geojson"
    args = [
        "displacement", str(demo["incidents"]), "--wards", str(demo["wards_after"]),
        "--before", "2022", "--after", "2023", "--type", "ASB", "--out", str(out),
    ]  # fmt: skip
    assert main(args) == 0
    got = gpd.read_file(out)
    assert set(got["status"]) <= {"persistent", "emerging", "ceased", "shifted"}
    assert "shifted" in set(got["status"])
    for col in ("before_incidents", "after_incidents", "matched_id", "shift_m"):
        assert col in got.columns


def test_wdq_command(demo, tmp_path, capsys):
    out = tmp_path / "w.json"
    base = [
        "wdq", str(demo["incidents"]), "--wards", str(demo["wards_after"]),
        "--before", "2022", "--after", "2023", "--type", "ASB", "--out", str(out),
    ]  # fmt: skip
    assert main([*base, "--target", "Old Town"]) == 0
    got = json.loads(out.read_text())
    assert list(got)[:9] == [
        "target_before", "target_after", "buffer_before", "buffer_after",
        "control_before", "control_after", "wdq", "total_net_effect", "interpretation",
    ]  # fmt: skip
    assert got["target_before"] > 0
    assert main([*base, "--target", "Atlantis"]) == 2
    assert "matches no ward code or name" in capsys.readouterr().err


def test_coverage_command(demo, tmp_path, capsys):
    out = tmp_path / "c.csv"
    args = [
        "coverage", str(demo["incidents"]), "--wards", str(demo["wards_after"]),
        "--cameras", str(demo["cameras"]), "--period", "2023/24", "--out", str(out),
    ]  # fmt: skip
    assert main(args) == 0
    table = pd.read_csv(out, dtype={"hotspot_id": str})
    assert list(table.columns) == [
        "hotspot_id", "incidents", "covered_incidents", "covered_share", "cameras",
    ]  # fmt: skip
    last = table.iloc[-1]
    assert last["hotspot_id"] == "all"
    assert last["incidents"] > table["incidents"].iloc[:-1].sum()
    err = capsys.readouterr().err
    assert "full circle of 100 m is assumed" in err
    assert "new site 1" in err
    assert "live 2022-10" in err


def _cells(table):
    head = [th.get_text() for th in table.find_all("th")]
    rows = [
        [td.get_text() for td in tr.find_all("td")]
        for tr in table.find("tbody").find_all("tr")
    ]
    return pd.DataFrame(rows, columns=head)


def test_report_figures_equal_the_commands(demo, tmp_path):
    from bs4 import BeautifulSoup

    common = [
        str(demo["incidents"]),
        "--wards",
        str(demo["wards_before"]),
        "--type",
        "ASB",
    ]
    periods = ["--before", "2022/23", "--after", "2023/24"]
    report, wards_csv, hs = (
        tmp_path / "r.html",
        tmp_path / "w.csv",
        tmp_path / "h.geojson",
    )
    pop = ["--population", str(demo["population"])]
    assert main(["report", *common, *periods, *pop, "--cameras", str(demo["cameras"]),
                 "--out", str(report)]) == 0  # fmt: skip
    assert main(["wards", *common, *periods, *pop, "--out", str(wards_csv)]) == 0
    assert main(["hotspots", *common, "--period", "2023/24", "--out", str(hs)]) == 0
    soup = BeautifulSoup(report.read_text(), "html.parser")
    ward_rows = _cells(soup.find("table", id="ward-table"))
    expected = pd.read_csv(wards_csv, dtype=str)
    assert ward_rows["Ward code"].tolist() == expected["ward_code"].tolist()
    for col, heading in (("before", "2022/23"), ("after", "2023/24")):
        got = ward_rows[heading].str.replace(",", "").astype(int).tolist()
        assert got == expected[col].astype(int).tolist()
    got_hs = _cells(soup.find("table", id="hotspots"))
    want_hs = gpd.read_file(hs)
    n = len(got_hs)
    assert got_hs["Reports"].str.replace(",", "").astype(int).tolist() == (
        want_hs["incidents"].head(n).tolist()
    )
    assert soup.find("img", alt="Map of the change by ward")["src"].startswith(
        "data:image/png"
    )
    assert "SYNTHETIC DEMO DATA" in soup.get_text()
    assert "reports, not incidents" in soup.get_text()
    assert not soup.find_all("script")  # self-contained and inert
    assert "http://" not in report.read_text() and "https://" not in report.read_text()


def test_report_years_count_whole_years_not_only_the_periods(demo, tmp_path):
    """Half-year periods: the section across years still counts the whole years,
    as the years command does (it once counted only the periods' months)."""
    from bs4 import BeautifulSoup

    common = [str(demo["incidents"]), "--wards", str(demo["wards_before"]),
              "--type", "ASB"]  # fmt: skip
    report, years_csv = tmp_path / "r.html", tmp_path / "y.csv"
    assert main(["report", *common, "--before", "2022-10:2023-03",
                 "--after", "2023-10:2024-03", "--out", str(report)]) == 0  # fmt: skip
    assert main(["years", *common, "--from", "2021/22", "--to", "2023/24",
                 "--out", str(years_csv)]) == 0  # fmt: skip
    soup = BeautifulSoup(report.read_text(), "html.parser")
    got = _cells(soup.find("table", id="years-wards"))
    want = pd.read_csv(years_csv, dtype=str)
    assert got["Ward code"].tolist() == want["ward_code"].tolist()
    for year in ("2021/22", "2022/23", "2023/24"):
        assert got[year].str.replace(",", "").astype(int).tolist() == (
            want[year].astype(int).tolist()
        )


@pytest.mark.real_data
def test_report_on_real_blackpool_matches_wards_command(real_data, tmp_path):
    from bs4 import BeautifulSoup

    common = [
        str(real_data / "police_uk" / "blackpool"),
        "--wards", str(real_data / "boundaries" / "blackpool_wards_2013.geojson"),
        "--type", "ASB", "--before", "2021-01:2021-10", "--after", "2022-01:2022-10",
        "--population",
        str(real_data / "population" / "blackpool_ward_population_mid2020.csv"),
    ]  # fmt: skip
    report, wards_csv = tmp_path / "r.html", tmp_path / "w.csv"
    assert main(["report", *common, "--out", str(report)]) == 0
    assert main(["wards", *common, "--out", str(wards_csv)]) == 0
    soup = BeautifulSoup(report.read_text(), "html.parser")
    got = _cells(soup.find("table", id="ward-table"))
    want = pd.read_csv(wards_csv, dtype=str)
    assert got["Ward code"].tolist() == want["ward_code"].tolist()
    assert got["2022-01:2022-10"].str.replace(",", "").astype(int).tolist() == (
        want["after"].astype(int).tolist()
    )
    text = soup.get_text()
    fell = int((want["after"].astype(int) < want["before"].astype(int)).sum())
    assert f"ASB fell in {fell} of {len(want)} wards" in text
    assert "re-snapped its map points in 2022-07" in text


def test_workspace_flow_import_once_then_analyse(
    write_police, ward_file, tmp_path, capsys, monkeypatch
):
    a = write_police([police_row(50, 50), police_row(150, 50)], "2022-01-t-street.csv")
    b = write_police([police_row(150, 50, month="2022-02")], "2022-02-t-street.csv")
    ws = tmp_path / "ws.duckdb"
    monkeypatch.setenv("HOTSPOT_WORKSPACE", str(ws))  # the default workspace
    assert main(["import", str(a), str(b)]) == 0
    assert main(["import", "--boundaries", str(ward_file), "--name", "2023 wards"]) == 0
    err = capsys.readouterr().err
    assert "2 month(s) added, 3 rows." in err
    assert "boundary set '2023 wards' added: 2 wards" in err
    assert main(["import", str(a)]) == 0
    assert "already in the workspace" in capsys.readouterr().err

    assert main(["workspace"]) == 0
    out = capsys.readouterr().out
    assert "Test Constabulary: 2 month(s), 2022-01 to 2022-02, 3 rows; no gaps" in out
    assert "boundary set '2023 wards': 2 wards" in out

    csv = tmp_path / "inc.csv"
    assert main(["load", "--wards", "2023 wards", "--out", str(csv)]) == 0
    assert pd.read_csv(csv)["ward_code"].tolist() == ["A", "B", "B"]
    gpkg = tmp_path / "all.gpkg"
    assert main(["export", "--out", str(gpkg)]) == 0
    import pyogrio

    layers = [name for name, _ in pyogrio.list_layers(gpkg)]
    assert layers == ["incidents", "wards_2023_wards"]
    points = gpd.read_file(gpkg, layer="incidents")
    assert points.crs == "EPSG:27700"
    assert points["ward_code_2023_wards"].tolist() == ["A", "B", "B"]


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ["load", "--out", "x.csv"], "no INPUT files given and no workspace"),
        ("text", ["load", "--out", "x.csv"], "is not a workspace"),
        ("ws", ["load", "--wards", "nowhere", "--out", "x.csv"],
         "'nowhere' is not in the workspace"),
        ("ws", ["import"], "nothing to import"),
        ("ws", ["import", "--population", "p.csv"], "needs a name"),
        ("ws", ["export", "--out", "x.shp"], "exported as a .gpkg"),
    ],
)  # fmt: skip
def test_workspace_errors_exit_2(
    write_police, tmp_path, capsys, monkeypatch, setup, args, message
):
    monkeypatch.chdir(tmp_path)
    ws = tmp_path / "ws.duckdb"
    if setup == "text":
        ws.write_text("not a database")
    elif setup == "ws":
        assert main(["import", str(write_police([police_row(5, 5)])),
                     "--workspace", str(ws)]) == 0  # fmt: skip
    capsys.readouterr()
    rc = main([*args, "--workspace", str(ws)] if setup else args)
    assert rc == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


def test_inputs_and_workspace_together_are_refused(write_police, tmp_path, capsys):
    path = write_police([police_row(5, 5)])
    rc = main(["load", str(path), "--workspace", str(tmp_path / "w.duckdb"),
               "--out", str(tmp_path / "x.csv")])  # fmt: skip
    assert rc == 2
    assert "not both" in capsys.readouterr().err


def test_years_command_writes_the_contract_columns(demo, tmp_path, capsys):
    out = tmp_path / "years.csv"
    args = ["years", str(demo["incidents"]), "--wards", str(demo["wards_before"]),
            "--type", "ASB", "--from", "2021/22", "--to", "2023/24",
            "--population", str(demo["population"]), "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    table = pd.read_csv(out)
    assert list(table.columns[:8]) == [
        "ward_code", "ward_name", "2021/22", "2022/23", "2023/24", "trend",
        "p_value", "p_adjusted",
    ]  # fmt: skip
    assert set(table["trend"]) <= {"rising", "falling", "no clear trend"}
    err = capsys.readouterr().err
    total = table[["2022/23", "2023/24"]].sum()
    word = "fell" if total["2023/24"] < total["2022/23"] else "rose"
    assert f"ASB {word} by" in err and "in 2023/24 on 2022/23" in err
    rc = main([*args[:-2], "--to", "2023", "--out", str(out)])
    assert rc == 2
    assert "is a calendar year; add --calendar" in capsys.readouterr().err


def test_small_points_tab_files_gaps_and_the_evaluation_period(
    write_police, ward_file, tmp_path, capsys
):
    rows = [police_row(50, 50, month=m) for m in ("2022-01", "2022-02", "2022-04")]
    csv = write_police(rows)
    tab = tmp_path / "extract.tab"  # tab-separated, as data repositories publish
    pd.read_csv(csv).to_csv(tab, sep="\t", index=False)
    out = tmp_path / "o.csv"
    assert main(["load", str(tab), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "rows kept: 3" in err
    assert "months with no data: 2022-03" in err  # no --period: the gaps named
    assert main(["hotspots", str(csv), "--wards", str(ward_file), "--period",
                 "2022-Q1", "--min-samples", "1", "--out",
                 str(tmp_path / "h.csv")]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "months with no data: 2022-03" in err
    assert "2022-05" not in err.split("months with no data")[1].splitlines()[0]


def test_cctv_brief_figures_equal_the_coverage_before_after(demo, tmp_path, capsys):
    from bs4 import BeautifulSoup

    ws = str(demo["workspace"])
    brief = tmp_path / "brief.html"
    assert main(["cctv-brief", "--workspace", ws, "--go-live", "2022-10",
                 "--out", str(brief)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["coverage", "--workspace", ws, "--go-live", "2022-10",
                 "--out", str(tmp_path / "cov.csv")]) == 0  # fmt: skip
    line = next(x for x in capsys.readouterr().err.splitlines() if "live 2022-10" in x)
    # "... in view 211 -> 120 (-43%); elsewhere 15,204 -> 15,057 (-1%); ..."
    import re

    pattern = r"in view ([\d,]+) -> ([\d,]+) \([^)]*\); elsewhere ([\d,]+) -> ([\d,]+)"
    cb, ca, rb, ra = (
        int(v.replace(",", "")) for v in re.search(pattern, line).groups()
    )
    soup = BeautifulSoup(brief.read_text(), "html.parser")
    overall = _cells(soup.find("table", id="overall"))
    before_col = next(c for c in overall.columns if c.startswith("Before"))
    after_col = next(c for c in overall.columns if c.startswith("After"))
    got = overall[[before_col, after_col]].map(lambda v: int(v.replace(",", "")))
    assert got.to_numpy().tolist() == [[cb, ca], [rb, ra]]
    # the planted effect: the retail park's cameras (live October 2022) saw a
    # 40% fall against the rest of the town
    relative = (ca / cb) / (ra / rb)
    assert 0.45 < relative < 0.75
    assert "more than chance" in line
    types = _cells(soup.find("table", id="by-type"))
    shop = types.set_index("Crime type").loc["Shoplifting"]
    # the planted fall shows in shoplifting too; its reading follows its own
    # Fisher p (a type alone has far fewer incidents than the whole: less power)
    assert float(shop["Relative change"]) < 1
    assert shop["Reading"] == ("fell" if float(shop["p"].lstrip("<")) < 0.05 else
                               "no clear change")  # fmt: skip
    assert int(types["In view, before"].str.replace(",", "").astype(int).sum()) == cb
    text = soup.get_text()
    assert "SYNTHETIC DEMO DATA" in text
    assert "cannot prove the cameras caused it" in text
    assert "Fisher's exact test of the 2 x 2 table" in text
    assert not soup.find_all("script")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--go-live", "2030-01"], "needs data before and after it"),
        (["--go-live", "2022-10", "--cameras", "NOPE"], "NOPE are not in the camera"),
        (["--go-live", "2022-13"], "is not a month; write it as YYYY-MM"),
    ],
)
def test_cctv_brief_bad_input_exits_2(demo, tmp_path, capsys, extra, message):
    out = tmp_path / "b.html"
    rc = main(["cctv-brief", "--workspace", str(demo["workspace"]), *extra,
               "--out", str(out)])  # fmt: skip
    assert rc == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_report_of_the_periods_alone_counts_no_year_from_part_of_it(demo):
    """Built from the two half-years only, the report finds no whole year to
    count across (it once counted those months as whole years); loaded as the
    report loads it (every month held), it counts every whole year held,
    2021/22 to 2023/24; given years, it counts those, a part year included."""
    from app.report import build_report
    from geo.periods import parse_period
    from geo.settings import ASB
    from geo.workspace import Workspace

    ws = Workspace(demo["workspace"])
    name = "2022 wards (before May 2023)"
    b, a = parse_period("2022-10:2023-03"), parse_period("2023-10:2024-03")
    alone = build_report(ws.load(wards=name, periods=[b, a]), ws.wards(name),
                         before=b, after=a, types=[ASB])  # fmt: skip
    assert "fewer than two whole years" in alone
    everything = ws.load(wards=name)
    whole = build_report(everything, ws.wards(name), before=b, after=a, types=[ASB])
    assert "fewer than two whole years" not in whole
    assert all(y in whole for y in ("2021/22", "2022/23", "2023/24"))
    assert "2020/21" not in whole  # January to March 2021 only: not whole
    chosen = build_report(everything, ws.wards(name), before=b, after=a,
                          types=[ASB], years=("2020/21", "2022/23"))  # fmt: skip
    section = chosen[chosen.index('id="years"') :]
    assert "2020/21" in section and "2023/24" not in section
    assert "3 months each" in section  # 2020/21 holds January to March only


def test_hotspots_without_boundaries_draw_the_study_area(write_police, tmp_path):
    """A force-wide download and no force-wide boundary file: every row is kept
    (none dropped as outside the boundaries), the study area is the hull of the
    incidents, and the hotspots name no wards."""
    from tests.conftest import police_row

    rows = [police_row(0, 0, month="2022-03") for _ in range(30)]
    rows += [police_row(dx, dy, month="2022-03") for dx in range(0, 1000, 100)
             for dy in range(0, 1000, 100)]  # fmt: skip
    path = write_police(rows)
    out = tmp_path / "h.csv"
    quality = tmp_path / "q.json"
    assert main(["hotspots", str(path), "--out", str(out),
                 "--quality", str(quality)]) == 0  # fmt: skip
    import json

    q = json.loads(quality.read_text())
    assert q["kept"] == q["read"] == 130
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert len(table) == 1 and table["incidents"].iloc[0] >= 31  # the busy point
    assert table["wards"].isna().all()
    pack = tmp_path / "h.html"
    assert main(["hotspots", str(path), "--out", str(pack)]) == 0
    html = pack.read_text(encoding="utf-8")
    assert "<th>Wards</th>" not in html  # no empty column
    assert "No boundaries given: the study area is drawn around the incidents" in html
