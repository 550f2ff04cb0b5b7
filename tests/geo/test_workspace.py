"""The workspace: import once, keep every month, read back what the files give."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from geo.errors import GeoInputError
from geo.incidents import INCIDENT_COLUMNS
from geo.load import load_incidents
from geo.periods import parse_period
from geo.workspace import Workspace, _store
from tests.conftest import ROOT, mixed_rows, police_row


def _snapshot(path) -> dict[str, pd.DataFrame]:
    """Every table's rows, sorted: equal snapshots mean equal workspaces."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        return {
            t: con.sql(f"SELECT * FROM {t} ORDER BY ALL").df()
            for t in tables
            if t != "imports"  # the log records when, which differs
        }


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(a[k].equals(b[k]) for k in a)


def test_import_twice_adds_nothing_and_says_so(write_police, tmp_path, wards):
    path = write_police([police_row(10, 10), police_row(150, 50, month="2022-02")])
    ws = Workspace(tmp_path / "ws.duckdb")
    first = ws.import_incidents(path)
    assert (first.quality.read, first.quality.kept) == (2, 2)
    assert [c.action for c in first.changes] == ["added", "added"]
    before = _snapshot(ws.path)
    again = ws.import_incidents(path)
    assert again.quality.kept == 0
    assert again.quality.dropped == {"already in the workspace (same file)": 2}
    assert again.quality.balanced
    assert not again.changed
    assert "Nothing changed in the workspace." in again.lines()
    assert _same(before, _snapshot(ws.path))


def test_the_same_force_month_from_two_files_in_one_import(write_police, tmp_path):
    a = write_police([police_row(1, 1), police_row(2, 2)], "a/2022-01-t-street.csv")
    b = write_police([police_row(1, 1)], "b/2022-01-t-street.csv")
    result = Workspace(tmp_path / "ws.duckdb").import_incidents([a, b])
    q = result.quality
    assert (q.read, q.kept) == (3, 2)
    assert q.dropped == {"duplicate force-month (loaded twice)": 1}


def _release(write_police, folder, rows_by_month):
    """A police.uk download: one folder per month of the release."""
    for month, rows in rows_by_month.items():
        rows = [police_row(x, y, month=month, **kw) for x, y, kw in rows]
        path = write_police(rows, f"{folder}/{month}/{month}-test-street.csv")
    return path.parent.parent


def test_a_newer_release_replaces_a_month_and_reports_the_difference(
    write_police, tmp_path
):
    ids = [{"Crime ID": c, "Crime type": "Burglary"} for c in "ABC"]
    old = _release(
        write_police,
        "old",
        {"2022-01": [(10, 10, ids[0]), (20, 20, ids[1]), (30, 30, ids[2])]},
    )
    new = _release(
        write_police,
        "new",
        {
            # A unchanged, B re-snapped to a new point, C withdrawn, D new
            "2022-01": [
                (10, 10, ids[0]),
                (25, 25, ids[1]),
                (40, 40, {"Crime ID": "D", "Crime type": "Burglary"}),
            ],
            "2022-02": [(10, 10, {})],
        },
    )
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.import_incidents(old)
    result = ws.import_incidents(new)
    jan = next(c for c in result.changes if c.month == "2022-01")
    assert jan.action == "replaced"
    assert (jan.rows_before, jan.rows_after) == (3, 3)
    assert (jan.new_ids, jan.withdrawn_ids, jan.moved) == (1, 1, 1)
    assert jan.on_new_points == 2  # B's new point and D's point
    assert "replaced by a newer release" in jan.sentence()
    held = ws.load().incidents
    assert sorted(held.loc[held["month"] == "2022-01", "incident_id"]) == [
        "A",
        "B",
        "D",
    ]
    assert ws.summary().months["month"].tolist() == ["2022-01", "2022-02"]

    # the old download again, as a different file of an older release: kept out
    older = _release(write_police, "older", {"2022-01": [(10, 10, ids[0])]})
    before = _snapshot(ws.path)
    kept = ws.import_incidents(older)
    assert [c.action for c in kept.changes] == ["kept"]
    assert kept.quality.dropped == {"older release of a month already held": 1}
    assert kept.quality.balanced
    snap = _snapshot(ws.path)
    snap.pop("files")
    before.pop("files")  # the file is logged as read; nothing else changes
    assert _same(before, snap)


def test_workspace_read_equals_file_read(write_police, tmp_path, wards):
    rows = [
        *mixed_rows(),
        police_row(None, None),  # no coordinates: dropped at import
        police_row(5, 5, month="2022-13"),  # bad month: dropped at import
    ]
    path = write_police(rows)
    # a second import, of an earlier month, from a file that gives crime ids
    other = write_police(
        [
            police_row(60, 60, month="2021-12", **{"Crime ID": f"c{k}"})
            for k in range(3)
        ],
        "2021-12-other-street.csv",
    )
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.import_incidents(path)
    ws.import_incidents(other)
    kwargs = {
        "periods": [parse_period("2021-12:2022-03")],
        "types": ["asb"],
        "tolerance_m": 50,
    }
    from_files = load_incidents([path, other], wards=wards, **kwargs)
    from_ws = ws.load(wards=wards, **kwargs)
    a, b = from_files.quality.to_dict(), from_ws.quality.to_dict()
    for key in ("read", "kept", "dropped", "months", "missing_months", "forces"):
        assert a[key] == b[key], key
    assert from_ws.incidents["incident_id"].str.startswith("c").sum() == 3
    cols = [*INCIDENT_COLUMNS, "ward_code", "ward_match"]
    pd.testing.assert_frame_equal(
        from_files.incidents[cols].reset_index(drop=True).astype(str),
        from_ws.incidents[cols].reset_index(drop=True).astype(str),
    )


def test_stored_boundary_set_tags_old_and_new_points(write_police, tmp_path, wards):
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.import_incidents(write_police([police_row(50, 50)], "2022-01-t-street.csv"))
    wfile = tmp_path / "w.geojson"
    wards.to_file(wfile)
    done = ws.import_boundaries(wfile, name="test wards", tolerance_m=50)
    assert (done.wards, done.points, done.outside) == (2, 1, 0)
    later = [
        police_row(150, 50, month="2022-02"),
        police_row(150, 130, month="2022-02"),
    ]
    ws.import_incidents(write_police(later, "2022-02-t-street.csv"))
    got = ws.load(wards="test wards", tolerance_m=50).incidents
    assert got["ward_code"].tolist() == ["A", "B", "B"]
    assert got["ward_match"].tolist() == ["within", "within", "nearest"]
    with pytest.raises(GeoInputError, match="'no such' is not in the workspace"):
        ws.load(wards="no such")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"this is a text file, not a database\n", "is not a workspace"),
        (os.urandom(8192), "is not a workspace"),
    ],
)
def test_files_that_are_not_workspaces_are_refused_untouched(tmp_path, content, match):
    path = tmp_path / "ws.duckdb"
    path.write_bytes(content)
    for action in (lambda w: w.summary(), lambda w: w.import_incidents([])):
        with pytest.raises(GeoInputError, match=match):
            action(Workspace(path))
    assert path.read_bytes() == content


def test_another_database_and_a_newer_schema_are_refused(tmp_path, write_police):
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE sales (x INTEGER)")
    with pytest.raises(GeoInputError, match="not a hotspot-mapper workspace"):
        Workspace(other).summary()

    newer = tmp_path / "newer.duckdb"
    Workspace(newer).import_incidents(write_police([police_row(1, 1)]))
    with duckdb.connect(str(newer)) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    before = _snapshot(newer)
    with pytest.raises(GeoInputError, match="schema version 99, newer than"):
        Workspace(newer).load()
    with pytest.raises(GeoInputError, match="upgrade hotspot-mapper"):
        Workspace(newer).import_incidents(write_police([police_row(2, 2)], "b.csv"))
    assert _same(before, _snapshot(newer))


def _version_1_copy(source, path, monkeypatch) -> None:
    """Write ``source``'s content to ``path`` as a schema version 1 workspace.

    Version 1 stored the text columns of ``incidents`` in the table itself; the
    file is made by the version 1 schema and filled from ``source``'s tables
    (its ``incidents`` view reads as the version 1 table did).
    """
    with monkeypatch.context() as m:
        m.setattr(_store, "MIGRATIONS", [])
        m.setattr(_store, "SCHEMA_VERSION", 1)
        with _store.connect(path, write=True) as con:
            con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
            for table in ("imports", "files", "releases", "locations", "incidents",
                          "drops", "boundary_sets", "boundaries", "location_wards",
                          "populations", "camera_events"):  # fmt: skip
                con.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
            con.execute("DETACH src")
            assert _store.schema_version(con) == 1


def test_a_version_1_workspace_is_migrated_with_its_data(
    tmp_path, write_police, wards, monkeypatch, caplog
):
    other = {"Crime ID": "c1", "Reported by": "Other Police",
             "Last outcome category": "Closed"}  # fmt: skip
    files = [
        write_police(mixed_rows()),  # no crime ids: made up from file and line
        write_police([police_row(60, 60, **other)], "2022-01-other-street.csv"),
    ]
    current = Workspace(tmp_path / "current.duckdb")
    current.import_incidents(files)
    wards.to_file(tmp_path / "w.geojson")
    current.import_boundaries(tmp_path / "w.geojson", name="wards")
    old = tmp_path / "old.duckdb"
    _version_1_copy(current.path, old, monkeypatch)
    with duckdb.connect(str(old), read_only=True) as con:
        kinds = dict(con.execute(
            "SELECT table_name, table_type FROM information_schema.tables"
        ).fetchall())  # fmt: skip
    assert kinds["incidents"] == "BASE TABLE" and "labels" not in kinds

    ws = Workspace(old)
    loaded = ws.load(wards="wards").incidents  # a reader upgrades the file once
    said = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert said == [f"workspace {old} upgraded from schema version 1 to 3; older "
                    "versions of hotspot-mapper cannot open it now"]  # fmt: skip
    with duckdb.connect(str(old), read_only=True) as con:
        assert _store.schema_version(con) == _store.SCHEMA_VERSION == 3
    expected = current.load(wards="wards").incidents
    pd.testing.assert_frame_equal(loaded, expected)
    assert {"c1", "2022-01-test-street.csv:2"} <= set(loaded["incident_id"])
    assert set(loaded["outcome"]) == {"", "Closed"}
    before, after = _snapshot(current.path), _snapshot(old)
    for name in ("meta", "labels", "incident_data", "area_counts"):
        before.pop(name), after.pop(name)  # numbered afresh, read back the same
    assert _same(before, after)  # incidents and incident_rows included
    assert ws.catalogue() == current.catalogue()
    assert ws.summary().months.equals(current.summary().months)


def test_an_old_workspace_that_cannot_be_written_says_why(
    tmp_path, write_police, monkeypatch
):
    current = Workspace(tmp_path / "current.duckdb")
    current.import_incidents(write_police([police_row(1, 1)]))
    old = tmp_path / "old.duckdb"
    _version_1_copy(current.path, old, monkeypatch)
    before = old.read_bytes()
    real_connect = duckdb.connect

    def read_only_disk(database, read_only=False, **kw):
        if not read_only:  # as DuckDB says it on a read-only file system
            msg = f'IO Error: Cannot open file "{database}": Read-only file system'
            raise duckdb.IOException(msg)
        return real_connect(database, read_only=read_only, **kw)

    monkeypatch.setattr(_store.duckdb, "connect", read_only_disk)
    with pytest.raises(GeoInputError) as err:
        Workspace(old).load()
    assert "older hotspot-mapper (schema version 1)" in str(err.value)
    assert "cannot be written" in str(err.value)
    assert "not a workspace" not in str(err.value)
    with pytest.raises(GeoInputError, match=r"cannot be written .*permissions"):
        current.import_incidents(write_police([police_row(2, 2)], "b.csv"))
    assert len(current.load().incidents) == 1  # a current one still reads
    assert old.read_bytes() == before


_CHILD = """
import sys
sys.path.insert(0, {root!r})
from geo.workspace import Workspace
def progress(done, total, name):
    print(f"{{done}}/{{total}}", flush=True)
Workspace({ws!r}).import_incidents({folder!r}, progress=progress)
print("finished", flush=True)
"""


@pytest.fixture
def big_release(tmp_path):
    """Twelve months of 40,000 police.uk rows each (a slow enough import)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_load import write_force_year

    folder = tmp_path / "force"
    write_force_year(folder, 480_000, points=5_000)
    return folder


def _start_import(ws_path, folder) -> subprocess.Popen:
    code = textwrap.dedent(_CHILD).format(
        root=str(ROOT), ws=str(ws_path), folder=str(folder)
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
    )


def test_an_import_killed_part_way_leaves_the_workspace_as_it_was(
    tmp_path, write_police, big_release
):
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.import_incidents(write_police([police_row(1, 1)] * 5, "2021-01-t-street.csv"))
    before = _snapshot(ws.path)
    child = _start_import(ws.path, big_release)
    for _ in range(4):  # four of the twelve files are in
        assert child.stdout.readline().strip().endswith("/12")
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert _same(before, _snapshot(ws.path))
    assert ws.summary().rows == 5
    # and the workspace still takes the import afterwards
    assert ws.import_incidents(big_release).quality.kept == 480_000


def test_a_reader_during_an_import_sees_before_or_after(
    tmp_path, write_police, big_release
):
    ws = Workspace(tmp_path / "ws.duckdb", lock_timeout_s=120)
    ws.import_incidents(write_police([police_row(1, 1)] * 5, "2021-01-t-street.csv"))
    child = _start_import(ws.path, big_release)
    assert child.stdout.readline()  # the import has begun
    seen = set()
    while child.poll() is None:
        seen.add(ws.summary().rows)
        time.sleep(0.05)
    assert child.stdout.read().strip().endswith("finished")
    child.stdout.close()
    seen.add(ws.summary().rows)
    total = 5 + 480_000
    assert seen <= {5, total}
    assert total in seen


@pytest.mark.real_data
def test_real_blackpool_workspace_results_equal_file_results(real_data, tmp_path):
    from app.cli import main

    folder = real_data / "police_uk" / "blackpool"
    wards = real_data / "boundaries" / "blackpool_wards_2013.geojson"
    ws = tmp_path / "ws.duckdb"
    assert main(["import", str(folder), "--workspace", str(ws)]) == 0
    assert main(["import", "--boundaries", str(wards), "--name", "2013",
                 "--workspace", str(ws)]) == 0  # fmt: skip
    periods = ["--before", "2021-01:2021-10", "--after", "2022-01:2022-10"]
    for command, extra, out in (
        ("wards", [*periods, "--type", "ASB"], "w.csv"),
        ("hotspots", ["--period", "2022-01:2022-05", "--type", "ASB"], "h.geojson"),
        ("displacement", [*periods, "--type", "ASB"], "d.geojson"),
    ):
        (tmp_path / "files").mkdir(exist_ok=True)
        (tmp_path / "stored").mkdir(exist_ok=True)
        files, stored = tmp_path / "files" / out, tmp_path / "stored" / out
        assert main([command, str(folder), "--wards", str(wards), *extra,
                     "--out", str(files)]) == 0  # fmt: skip
        assert main([command, "--workspace", str(ws), "--wards", "2013", *extra,
                     "--out", str(stored)]) == 0  # fmt: skip
        assert files.read_bytes() == stored.read_bytes(), command
    summary = Workspace(ws).summary()
    assert summary.rows == 87_862
    assert summary.gaps == {
        "Lancashire Constabulary": ["2020-06", "2020-08", "2020-09"]
    }


def test_rows_load_in_the_order_read_even_if_stored_otherwise(write_police, tmp_path):
    ids = [{"Crime ID": k} for k in "ABC"]
    path = write_police([police_row(k * 10, 10, **i) for k, i in enumerate(ids)])
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.import_incidents(path)
    assert ws.load().incidents["incident_id"].tolist() == ["A", "B", "C"]
    with _store.connect(ws.path, write=True) as con:  # stored order != seq order
        con.execute("UPDATE incident_data SET seq = 100 - seq")
    assert ws.load().incidents["incident_id"].tolist() == ["C", "B", "A"]


@pytest.mark.parametrize("ids", [[1, 2, 3], [3, 7, 1]])
def test_stored_numbers_read_back_as_their_texts(ids):
    from geo.workspace._read import _Labels

    text_of = dict(zip(ids, "cab", strict=True))
    con = duckdb.connect()
    con.execute("CREATE TABLE labels (label_id INTEGER, label VARCHAR)")
    con.executemany("INSERT INTO labels VALUES (?, ?)", list(text_of.items()))
    labels = _Labels(con)
    rows = [ids[1], ids[0], None, ids[1]]
    codes = pa.chunked_array([pa.array(rows, pa.int32())])
    assert labels.texts(codes).to_pylist() == [text_of.get(r) for r in rows]
    coded = labels.dictionary(codes)
    assert coded.dictionary.to_pylist() == sorted({text_of[ids[0]], text_of[ids[1]]})
    assert coded.to_pylist() == [text_of.get(r) for r in rows]
    chosen = labels.ids_of(lambda t: t in {"a", "b"})
    assert set(chosen.split(", ")) == {str(i) for i, t in text_of.items() if t != "c"}


@pytest.mark.parametrize("batch", [2, 3, 100])
def test_rows_stored_in_batches_across_files_all_arrive_in_order(
    write_police, tmp_path, monkeypatch, batch
):
    """Rows are stored in whole batches across files and the rest at the end:
    every kept row arrives once, with its own file, in the order read."""
    from geo.workspace import _imports

    monkeypatch.setattr(_imports, "_BATCH_ROWS", batch)
    sizes = {"2022-01": 3, "2022-02": 4, "2022-03": 1}
    for month, n in sizes.items():
        rows = [police_row(k * 10, 0, month, **{"Crime ID": f"{month}/{k}"})
                for k in range(n)]  # fmt: skip
        rows.append(police_row(None, None, month))  # no location: dropped
        write_police(rows, f"f/{month}-test-street.csv")
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.import_incidents(tmp_path / "f")
    got = ws.load().incidents
    want = [f"{m}/{k}" for m, n in sizes.items() for k in range(n)]
    assert got["incident_id"].tolist() == want
    files = [os.path.basename(s)[:7] for s in got["source"].astype(str)]
    assert files == [w[:7] for w in want]  # each row with its own file
    with duckdb.connect(str(ws.path), read_only=True) as con:
        seqs = con.sql("SELECT seq FROM incident_data ORDER BY seq").fetchall()
    assert [s for (s,) in seqs] == list(range(1, len(want) + 1))


def _force_month(write_police, name, n, span_m, month="2022-01"):
    """``n`` rows of one force-month spread over a ``span_m`` square from ORIGIN."""
    side = max(int(n**0.5), 1)
    rows = [
        police_row((i % side) * span_m / side, (i // side) * span_m / side, month=month)
        for i in range(n)
    ]
    return write_police(rows, name)


def test_a_districts_extract_never_replaces_a_whole_force_month(tmp_path, write_police):
    from app.cli import main

    ws = Workspace(tmp_path / "w.duckdb")
    ws.import_incidents([_force_month(write_police, "force.csv", 100, 2000)])
    district = _force_month(write_police, "district.csv", 16, 200)
    with pytest.raises(GeoInputError) as err:
        ws.import_incidents([district])
    said = str(err.value)
    assert said.startswith("2022-01 Test Constabulary: the import offers 16 rows")
    assert "of the 100 rows held" in said and "district's extract" in said
    assert err.value.argument == "replace"
    assert ws.state()[2] == 100  # nothing imported, every held row kept
    # the command line refuses with exit 2 and names its option
    assert main(["import", str(district), "--workspace", str(ws.path)]) == 2
    assert ws.state()[2] == 100
    # a newer release of the whole force-month still replaces it
    revised = _force_month(write_police, "revised.csv", 95, 2000)
    done = ws.import_incidents([revised])
    assert [c.action for c in done.changes] == ["replaced"]
    assert ws.state()[2] == 95
    # and on purpose, the extract replaces it too
    ws.import_incidents([district], replace=True)
    assert ws.state()[2] == 16


def test_the_district_refusal_names_the_flag_on_the_command_line(
    tmp_path, write_police, capsys
):
    from app.cli import main

    path = tmp_path / "w.duckdb"
    Workspace(path).import_incidents([_force_month(write_police, "f.csv", 100, 2000)])
    district = _force_month(write_police, "d.csv", 16, 200)
    assert main(["import", str(district), "--workspace", str(path)]) == 2
    err = capsys.readouterr().err
    assert "replace the held month on purpose with --replace" in err
    assert main(["import", str(district), "--workspace", str(path), "--replace"]) == 0


def test_the_first_import_makes_the_workspace_folder(
    tmp_path, write_police, monkeypatch
):
    """The README's first command on a fresh clone: no workspace/ folder yet."""
    from app.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HOTSPOT_WORKSPACE", raising=False)
    police = write_police([police_row(10, 10)], "2022-01-test-street.csv")
    assert not (tmp_path / "workspace").exists()
    assert main(["import", str(police)]) == 0
    assert Workspace(tmp_path / "workspace" / "hotspots.duckdb").state()[2] == 1


def test_export_keeps_sets_whose_names_differ_only_in_punctuation(
    tmp_path, write_police, wards
):
    import pyogrio

    ws = Workspace(tmp_path / "w.duckdb")
    ws.import_incidents([write_police([police_row(50, 50), police_row(150, 50)])])
    file = tmp_path / "w.geojson"
    wards.to_crs("EPSG:4326").to_file(file)
    ws.import_boundaries(file, name="2023 wards")
    ws.import_boundaries(file, name="2023-wards")
    layers = ws.export(tmp_path / "all.gpkg")
    assert layers == ["incidents", "wards_2023_wards", "wards_2023_wards_2"]
    listed = [name for name, _ in pyogrio.list_layers(tmp_path / "all.gpkg")]
    assert sorted(listed) == sorted(layers)  # neither written over the other
    inc = pyogrio.read_dataframe(tmp_path / "all.gpkg", layer="incidents")
    assert {"ward_code_2023_wards", "ward_code_2023_wards_2"} <= set(inc.columns)


def test_an_overlong_field_is_cut_and_counted_not_stored(tmp_path, write_police):
    """A 20 MB Location (a hostile or broken file) is cut to 1,000 characters."""
    from geo.settings import MAX_FIELD_CHARS

    huge = "On or near " + "A" * 20_000_000
    police = write_police([police_row(10, 10, Location=huge), police_row(20, 10)])
    ws = Workspace(tmp_path / "w.duckdb")
    done = ws.import_incidents([police])
    assert done.quality.kept == 2 and done.quality.cut_fields == 1
    assert "cut to 1,000 characters" in done.quality.summary()
    loaded = ws.load(periods=[parse_period("2022-01")]).incidents
    lengths = sorted(loaded["location"].astype(str).str.len())
    assert lengths == [len("On or near Test Street"), MAX_FIELD_CHARS]
    assert (tmp_path / "w.duckdb").stat().st_size < 5_000_000  # not 20 MB


def test_a_sqlite_file_is_refused_before_duckdb_opens_it(tmp_path):
    """DuckDB would open it through its sqlite extension, which it downloads."""
    import sqlite3

    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (x)")
    with pytest.raises(
        GeoInputError, match=r"is not a workspace \(a SQLite database\)"
    ):
        Workspace(path).catalogue()


def test_a_full_disk_during_import_says_so_and_changes_nothing(
    tmp_path, write_police, monkeypatch
):
    from geo.workspace import _imports

    ws = Workspace(tmp_path / "w.duckdb")
    ws.import_incidents([write_police([police_row(10, 10)], "a.csv")])

    def full(*args, **kwargs):
        msg = "IO Error: Could not write file: No space left on device"
        raise duckdb.IOException(msg)

    monkeypatch.setattr(_imports, "run", full)
    with pytest.raises(GeoInputError, match="is full; nothing was changed"):
        ws.import_incidents([write_police([police_row(20, 10)], "b.csv")])
    assert ws.state()[2] == 1


def test_a_boundary_sets_area_is_read_alone(wards, write_police, tmp_path):
    """Two forces in one workspace: 'Test Constabulary' on the wards fixture
    (7 rows: 5 in the wards, 1 within 100 m, 1 far away) and 'Other
    Constabulary' 30 km away (40 rows). A load of the stored set reads only
    the rows on its map points (within its 100 m tolerance): the other force
    is neither read nor dropped, one line says how many rows are held
    elsewhere, and the result equals a workspace holding the one force."""
    ours = [*mixed_rows(), police_row(60, 60, month="2022-02")]
    theirs = [
        police_row(
            30_000 + 7 * k,
            30_000,
            month=m,
            **{"Falls within": "Other", "Reported by": "Other"},
        )
        for k in range(20)
        for m in ("2022-01", "2022-02")
    ]
    wards.to_file(tmp_path / "wards.geojson")
    one, both = Workspace(tmp_path / "one.duckdb"), Workspace(tmp_path / "both.duckdb")
    one.import_incidents([write_police(ours, "a/2022-01-test-street.csv")])
    both.import_incidents([
        write_police(ours, "b/2022-01-test-street.csv"),
        write_police(theirs, "b/2022-01-other-street.csv"),
    ])  # fmt: skip
    for ws in (one, both):
        ws.import_boundaries(tmp_path / "wards.geojson", name="w")
    a = one.load(wards="w")
    b = both.load(wards="w")
    assert b.quality.read == 6 and b.quality.kept == 6  # the far row: not read
    assert b.quality.elsewhere == 41  # the other force's 40 and our far one
    assert not [r for r in b.quality.dropped if "outside" in r]
    assert "rows held elsewhere (outside the boundary set's area, not read): 41" in (
        b.quality.summary()
    )
    assert b.quality.forces == ["Test Constabulary"]
    assert b.quality.months_in_data == ["2022-01", "2022-02", "2022-06"]
    cols = ["month", "crime_type", "ward_code", "ward_match"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.incidents[cols]).reset_index(drop=True),
        pd.DataFrame(b.incidents[cols]).reset_index(drop=True),
    )
    assert (
        a.incidents.geometry.x.to_numpy() == b.incidents.geometry.x.to_numpy()
    ).all()
    # the stored tags hold only the set's points: the other force's 20 are not in it
    with duckdb.connect(str(both.path), read_only=True) as con:
        tagged = con.execute("SELECT count(*) FROM location_wards").fetchall()[0][0]
    assert tagged == 4  # (50, 50), (150, 50), (150, 130) and (60, 60)


def test_area_counts_stay_whole_through_imports(wards, write_police, tmp_path):
    """The areas' counts (what a question reads instead of scanning every row)
    equal a count of the rows themselves after a boundary set's import, a new
    month, and a newer release replacing a month."""
    from geo.workspace._read import _aggregate

    ws = Workspace(tmp_path / "ws.duckdb")
    ws.import_incidents([write_police(mixed_rows(), "a/2022-01-test-street.csv")])
    wards.to_file(tmp_path / "wards.geojson")
    ws.import_boundaries(tmp_path / "wards.geojson", name="w")

    def both() -> tuple[pd.DataFrame, pd.DataFrame]:
        with duckdb.connect(str(ws.path), read_only=True) as con:
            kept = _aggregate(con, "w")
            counted = con.execute(
                "SELECT lm.label AS month, count(*) AS n FROM incident_data d "
                "JOIN labels lm ON lm.label_id = d.month_label WHERE d.loc_id IN "
                "(SELECT loc_id FROM location_wards WHERE set_name = 'w') "
                "GROUP BY ALL ORDER BY 1"
            ).df()
        return kept.groupby("month", as_index=False)["n"].sum(), counted

    def check() -> None:
        kept, counted = both()
        assert kept["month"].tolist() == counted["month"].tolist()
        assert kept["n"].astype(int).tolist() == counted["n"].astype(int).tolist()

    check()
    ws.import_incidents([write_police([police_row(50, 50, month="2022-03")] * 3,
                                      "b/2022-03-test-street.csv")])  # fmt: skip
    check()
    newer = [police_row(50, 50, month="2022-03")] * 5
    ws.import_incidents([write_police(newer, "c/2022-03-test-street.csv")],
                        replace=True)  # fmt: skip
    check()
    assert both()[0].set_index("month").loc["2022-03", "n"] == 5
