import gzip
import zipfile

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.errors import GeoInputError
from geo.incidents import INCIDENT_COLUMNS, Columns, read_files, read_incidents
from geo.quality import QualityReport
from geo.settings import WORKING_CRS
from tests.conftest import ORIGIN, POLICE_COLUMNS, lonlat, police_row


def test_reads_police_csv_into_working_crs(write_police):
    path = write_police(
        [police_row(50, 50), police_row(150, 20, **{"Crime ID": "abc"})]
    )
    loaded = read_incidents(path)
    gdf = loaded.incidents
    assert gdf.crs == WORKING_CRS
    assert list(gdf.columns) == [*INCIDENT_COLUMNS, "geometry"]
    # lon/lat written from BNG and read back: within a millimetre of where they began
    assert gdf.geometry.iloc[0].distance(Point(ORIGIN[0] + 50, ORIGIN[1] + 50)) < 1e-3
    assert gdf["incident_id"].tolist() == [f"{path.name}:2", "abc"]
    assert loaded.quality.read == 2
    assert loaded.quality.kept == 2


def test_a_file_without_ids_gets_one_per_line_from_its_name(write_police):
    rows = [police_row(50, 50), police_row(None, None), police_row(60, 50)]
    path = write_police(rows)  # no Crime ID at all, as police.uk's ASB files
    got = read_incidents(path).incidents["incident_id"].tolist()
    assert got == [f"{path.name}:2", f"{path.name}:4"]  # line 3 has no location


def test_identical_rows_in_one_file_are_distinct_reports(write_police):
    path = write_police([police_row(10, 10)] * 3)
    loaded = read_incidents(path)
    assert len(loaded.incidents) == 3
    assert loaded.quality.dropped == {}


def test_drops_are_counted_by_reason(write_police):
    rows = [
        police_row(10, 10),
        police_row(None, None),  # no location, as police.uk has
        police_row(10, 10, month="2022-13"),
        police_row(10, 10, Longitude="abc"),
        police_row(10, 10, Longitude="0", Latitude="0"),
        police_row(10, 10, Longitude="-3.0", Latitude="95.0"),
    ]
    q = read_incidents(write_police(rows)).quality
    assert q.kept == 1
    assert dict(q.dropped) == {
        "no coordinates": 1,
        "unparseable month": 1,
        "non-numeric coordinates": 1,
        "coordinates at (0, 0)": 1,
        "coordinates out of range": 1,
    }
    assert q.balanced


def test_same_force_month_in_two_files_is_loaded_once(write_police):
    a = write_police([police_row(1, 1), police_row(2, 2)], "a/2022-01-test-street.csv")
    b = write_police(
        [police_row(1, 1), police_row(3, 3), police_row(4, 4, month="2022-02")],
        "b/2022-01-test-street-copy.csv",
    )
    q = read_incidents([a, b]).quality
    assert q.read == 5
    assert q.kept == 3  # both of a, and b's 2022-02 row
    assert q.dropped == {"duplicate force-month (loaded twice)": 2}


def test_the_same_file_twice_counts_once(write_police):
    path = write_police([police_row(1, 1)] * 4)
    q = read_incidents([path, path]).quality
    assert (q.read, q.kept) == (8, 4)
    assert q.dropped == {"duplicate file (loaded twice)": 4}


def test_files_parsed_ahead_keep_file_order(write_police, tmp_path):
    # files are parsed ahead in threads; the rules still follow file order:
    # the first file of a force-month wins, and a bad file stops the read at
    # its own turn, after the files before it
    paths = [
        write_police(
            [police_row(k, k, month=f"2022-0{k}")] * (k + 1),
            f"f/2022-0{k}-test-street.csv",
        )
        for k in range(1, 6)
    ]
    copy = write_police(
        [police_row(9, 9, month="2022-03")] * 7, "f/2022-03-test-street-copy.csv"
    )
    q = read_incidents([*paths, copy]).quality
    assert (q.read, q.kept) == (2 + 3 + 4 + 5 + 6 + 7, 2 + 3 + 4 + 5 + 6)
    assert q.dropped == {"duplicate force-month (loaded twice)": 7}
    bad = tmp_path / "f" / "2022-09-bad.csv"
    bad.write_bytes(b"\x00\x01binary")
    files = read_files([paths[0], paths[1], bad, paths[2]], QualityReport())
    assert [next(files).read, next(files).read] == [2, 3]
    with pytest.raises(GeoInputError, match=r"2022-09-bad\.csv"):
        next(files)


def test_folder_zip_and_gzip_inputs(write_police, tmp_path):
    path = write_police([police_row(5, 5)] * 2, "f/2022-01/2022-01-test-street.csv")
    write_police([police_row(5, 5)], "f/2022-01/2022-01-test-outcomes.csv")
    loaded = read_incidents(tmp_path / "f")
    assert loaded.quality.kept == 2
    assert any("outcomes" in k for k in loaded.quality.skipped_files)

    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(path, "2022-01/2022-01-test-street.csv")
    assert read_incidents(archive).quality.kept == 2

    gz = tmp_path / "one.csv.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert read_incidents(gz).quality.kept == 2


def test_generic_table_with_eastings_and_dates(tmp_path):
    path = tmp_path / "force_extract.tsv"
    pd.DataFrame(
        {
            "Ref": ["R1", "R2", "R3"],
            "Offence Date": ["15/03/2022", "2022-04-30", "not a date"],
            "Easting": [ORIGIN[0] + 10, ORIGIN[0] + 20, ORIGIN[0] + 30],
            "Northing": [ORIGIN[1], ORIGIN[1], ORIGIN[1]],
            "Offence Type": ["Burglary", "Robbery", "Burglary"],
        }
    ).to_csv(path, sep="\t", index=False)
    loaded = read_incidents(path)
    gdf = loaded.incidents
    assert gdf["month"].tolist() == ["2022-03", "2022-04"]  # day first, UK style
    assert gdf["crime_type"].astype(str).tolist() == ["Burglary", "Robbery"]
    assert gdf.geometry.x.tolist() == [ORIGIN[0] + 10, ORIGIN[0] + 20]
    assert loaded.quality.dropped == {"unparseable month": 1}


def test_named_columns_override_detection(tmp_path):
    path = tmp_path / "t.csv"
    lon, lat = lonlat(0, 0)
    pd.DataFrame({"px": [lon], "py": [lat], "when": ["2022-05"]}).to_csv(
        path, index=False
    )
    with pytest.raises(GeoInputError, match="no month or date column"):
        read_incidents(path)
    loaded = read_incidents(path, columns=Columns(lon="px", lat="py", month="when"))
    assert loaded.incidents["crime_type"].astype(str).tolist() == ["Unspecified"]


def test_geojson_points(tmp_path, wards):
    import geopandas as gpd

    pts = gpd.GeoDataFrame(
        {"month": ["2022-01", "2022-02"], "crime_type": ["Drugs", "Drugs"]},
        geometry=[Point(ORIGIN[0] + 5, ORIGIN[1] + 5), None],
        crs=WORKING_CRS,
    ).to_crs("EPSG:4326")
    path = tmp_path / "p.geojson"
    pts.to_file(path)
    loaded = read_incidents(path)
    assert loaded.quality.kept == 1
    assert loaded.quality.dropped == {"no coordinates": 1}
    assert (
        loaded.incidents.geometry.iloc[0].distance(Point(ORIGIN[0] + 5, ORIGIN[1] + 5))
        < 1e-3
    )


def test_geojson_with_null_numeric_and_boolean_properties(tmp_path):
    """A police.uk API export saved as GeoJSON: outcome null, numbers, booleans."""
    import json

    lon, lat = lonlat(5, 5)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "month": "2022-01",
                "category": "Burglary",
                "outcome": outcome,
                "id": ident,
                "persistent_id": flag,
                "location": "On or near Test Street",
            },
        }
        for outcome, ident, flag in (
            (None, 101, True),
            ("Under investigation", 102, False),
        )
    ]
    path = tmp_path / "api.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    loaded = read_incidents(path)
    assert loaded.quality.kept == 2 and loaded.quality.dropped == {}
    inc = loaded.incidents
    assert inc["crime_type"].astype(str).tolist() == ["Burglary", "Burglary"]
    assert inc["incident_id"].astype(str).tolist() == ["101", "102"]


def test_bom_and_cp1252_text(tmp_path):
    lon, lat = lonlat(0, 0)
    text = "Month,Longitude,Latitude,Location\n"
    text += f"2022-01,{lon},{lat},On or near Caf\u00e9 Row\n"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    cp = tmp_path / "cp.csv"
    cp.write_bytes(text.encode("cp1252"))
    for path in (bom, cp):
        assert read_incidents(path).incidents["location"].tolist() == [
            "On or near Caf\u00e9 Row"
        ]


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a text table"),
        (b"just some words\nno delimiters here\n", "does not look like a CSV"),
        (b"Month,Crime type\n2022-01,Burglary\n", "no coordinate columns"),
        (b"Longitude,Latitude\n-3.0,53.8\n", "no month or date column"),
        (
            b"Month,Longitude,Latitude\n2022-01,53.81,-3.05\n2022-01,53.82,-3.04\n",
            "look swapped",
        ),
        (b"Month,Longitude,Latitude\n2022-01,331000,436000\n", "eastings/northings"),
        (b'Month,Longitude,Latitude\n2022-01,-3.0,53.8,extra,"\n', "not a well-formed"),
    ],
)
def test_bad_tables_get_clear_errors(tmp_path, content, match):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(GeoInputError, match=match) as err:
        read_incidents(path)
    assert "bad.csv" in str(err.value)


def test_degrees_given_as_eastings(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Month,Easting,Northing\n2022-01,-3.05,53.81\n")
    with pytest.raises(GeoInputError, match="look like degrees"):
        read_incidents(path)


def test_missing_path_and_wrong_file_type(tmp_path):
    with pytest.raises(GeoInputError, match="does not exist"):
        read_incidents(tmp_path / "nope.csv")
    doc = tmp_path / "notes.docx"
    doc.write_bytes(b"PK")
    with pytest.raises(GeoInputError, match="not a file type"):
        read_incidents(doc)


def test_zip_without_csv_and_hostile_zips(tmp_path):
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("readme.txt.md", "nothing")
    with pytest.raises(GeoInputError, match="holds no CSV"):
        read_incidents(empty)

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../etc/2022-01-x-street.csv", "Month,Longitude,Latitude\n")
    with pytest.raises(GeoInputError, match="points outside the archive"):
        read_incidents(evil)

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2022-01-x-street.csv", b"0" * (60 * 1024**2))
    with pytest.raises(GeoInputError, match="zip bomb"):
        read_incidents(bomb)


def test_header_only_file_reads_nothing(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(",".join(POLICE_COLUMNS) + "\n")
    loaded = read_incidents(path)
    assert loaded.incidents.empty
    assert loaded.quality.read == 0


def test_truncated_last_line_is_counted(write_police):
    path = write_police([police_row(1, 1), police_row(2, 2)])
    text = path.read_text()
    path.write_text(text[: text.rindex(",-") + 3])  # cut inside the last longitude
    q = read_incidents(path).quality
    assert q.read == 2
    assert q.kept == 1
    assert sum(q.dropped.values()) == 1


def test_progress_is_reported(write_police):
    a = write_police([police_row(1, 1)], "2022-01-a-street.csv")
    b = write_police([police_row(1, 1, month="2022-02")], "2022-02-a-street.csv")
    calls = []
    read_incidents([a, b], progress=lambda d, t, n: calls.append((d, t)))
    assert calls == [(1, 2), (2, 2)]


@pytest.mark.real_data
def test_real_blackpool_every_row_accounted(real_data):
    folder = real_data / "police_uk" / "blackpool"
    loaded = read_incidents(folder)
    q = loaded.quality
    # independent count: data lines of every CSV
    lines = sum(len(pd.read_csv(p, dtype=str)) for p in folder.rglob("*.csv"))
    assert q.read == lines == 87_862
    assert q.kept + sum(q.dropped.values()) == q.read
    assert len(q.files) == 32
    assert len(np.unique(loaded.incidents.geometry.x)) > 3000
    assert (loaded.incidents["crime_type"] == "Anti-social behaviour").sum() == 31_180


def test_map_points_numbered_alike_across_files(write_police):
    """One number per map point in the frame, whichever files hold it: the
    numbering equals factorizing the kept rows' coordinates."""
    write_police(
        [police_row(0, 0), police_row(10, 0), police_row(99, 99, month="bad"),
         police_row(0, 0)],
        "a/2022-01-test-street.csv",
    )  # fmt: skip
    write_police(
        [police_row(20, 0, month="2022-02"), police_row(10, 0, month="2022-02")],
        "a/2022-02-test-street.csv",
    )
    last = write_police(
        [police_row(99, 99, month="2022-03"), police_row(0, 0, month="2022-03")],
        "a/2022-03-test-street.csv",
    )
    frame = read_incidents(last.parent).incidents
    assert len(frame) == 7
    points = frame.geometry.array
    fx, fy = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    x, y = points.place_x[points.place], points.place_y[points.place]
    assert x.tolist() == fx.tolist() and y.tolist() == fy.tolist()
    want, _ = pd.factorize(fx + 1j * fy)
    got, _ = pd.factorize(points.place)
    assert got.tolist() == want.tolist()
    assert points.place_x.size == 4  # (0,0), (10,0), (20,0), (99,99)


@pytest.mark.parametrize("lying_trailer", [False, True])
def test_a_gzip_bomb_is_refused_before_it_fills_memory(tmp_path, lying_trailer):
    """60 MB of zeros packed into ~60 KB: refused by its trailer, or, when the
    trailer lies, as soon as it passes 200 times its size (10 MB here)."""
    import tracemalloc

    header = b"Month,Longitude,Latitude\n"
    packed = gzip.compress(header + b"0" * 60_000_000, compresslevel=9)
    if lying_trailer:
        packed = packed[:-4] + (1000).to_bytes(4, "little")
    bomb = tmp_path / "bomb.csv.gz"
    bomb.write_bytes(packed)
    tracemalloc.start()
    try:
        with pytest.raises(GeoInputError, match="zip bomb") as err:
            read_incidents(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ("over " in str(err.value)) is lying_trailer
    assert peak < 60_000_000  # never the whole 60 MB, let alone more


def test_a_file_mixing_utf8_and_cp1252_keeps_both_right_and_says_so(tmp_path):
    """Rows pasted from two sources: a UTF-8 'Café' and a Windows-1252 'Café'."""
    lon, lat = lonlat(0, 0)
    head = b"Month,Longitude,Latitude,Location\n"
    utf8 = f"2022-01,{lon},{lat},On or near Caf\u00e9 Street\n".encode()
    legacy = f"2022-01,{lon},{lat},On or near Caf\u00e9 Row\n".encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(head + utf8 + legacy)
    loaded = read_incidents(path)
    assert loaded.incidents["location"].astype(str).tolist() == [
        "On or near Caf\u00e9 Street",  # not "CafÃ© Street"
        "On or near Caf\u00e9 Row",
    ]
    said = " ".join(loaded.quality.notes)
    assert "1 line(s) were not UTF-8 and were read as Windows-1252" in said
    assert "mixes encodings" in said


def test_a_damaged_zip_member_says_so(tmp_path, write_police):
    path = write_police([police_row(0, 0)])
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(path, "2022-01/2022-01-test-street.csv")
    raw = bytearray(archive.read_bytes())
    raw[60:80] = bytes(20)  # inside the member's compressed data
    archive.write_bytes(bytes(raw))
    with pytest.raises(GeoInputError, match=r"is damaged .*re-download the archive"):
        read_incidents(archive)


def test_a_killed_writes_partial_file_is_cleared_by_the_next(tmp_path):
    import os
    import time

    from geo._files import STALE_S, write_atomic

    left = tmp_path / ".out-partial-abc123.csv"  # as a killed export leaves it
    left.write_text("half")
    old = time.time() - STALE_S - 5
    os.utime(left, (old, old))
    fresh = tmp_path / ".out-partial-def456.csv"  # a write still under way
    fresh.write_text("in progress")
    write_atomic(tmp_path / "out.csv", lambda p: p.write_text("a,b\n"))
    assert not left.exists() and fresh.exists()
    assert (tmp_path / "out.csv").read_text() == "a,b\n"
