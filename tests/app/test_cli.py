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
