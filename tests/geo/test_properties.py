"""Property tests: whatever rows arrive, every one is counted once."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.incidents import read_incidents
from geo.load import load_incidents
from tests.conftest import POLICE_COLUMNS, police_row

MONTHS = st.sampled_from(["2022-01", "2022-02", "2022-13", "", "Jan 2022", "2022-1"])
OFFSETS = st.one_of(
    st.none(),  # no location
    st.tuples(st.floats(-60, 260), st.floats(-60, 160)),  # near and on the two wards
    st.tuples(st.floats(-5000, 5000), st.floats(-5000, 5000)),  # anywhere nearby
)
EXTRA = st.sampled_from(
    [{}, {"Longitude": "abc"}, {"Longitude": "0", "Latitude": "0"}, {"Latitude": "95"}]
)
ROWS = st.lists(st.tuples(OFFSETS, MONTHS, EXTRA), min_size=1, max_size=40)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _write(tmp_path, rows, name):
    records = []
    for offset, month, extra in rows:
        dx, dy = (None, None) if offset is None else offset
        records.append(police_row(dx, dy, month=month, **extra))
    path = tmp_path / name
    pd.DataFrame(records, columns=POLICE_COLUMNS).to_csv(path, index=False)
    return path


@SETTINGS
@given(rows=ROWS)
def test_read_equals_kept_plus_dropped(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("p")
    q = read_incidents(_write(tmp, rows, "2022-01-x-street.csv")).quality
    assert q.read == len(rows)
    assert q.read == q.kept + sum(q.dropped.values())


@SETTINGS
@given(rows=ROWS)
def test_every_kept_incident_in_exactly_one_ward(tmp_path_factory, wards, rows):
    tmp = tmp_path_factory.mktemp("p")
    path = _write(tmp, rows, "2022-01-x-street.csv")
    try:
        loaded = load_incidents(path, wards=wards, tolerance_m=30)
    except ValueError as err:  # GeoInputError: nothing usable or all outside
        assert "no usable incidents" in str(err) or "none of the" in str(err)  # noqa: PT017
        return
    inc = loaded.incidents
    assert inc.index.is_unique
    assert inc["ward_code"].isin(["A", "B"]).all()
    q = loaded.quality
    assert q.read == q.kept + sum(q.dropped.values())


@SETTINGS
@given(rows=ROWS)
def test_loading_the_same_files_twice_counts_them_once(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("p")
    path = _write(tmp, rows, "2022-01-x-street.csv")
    copy = tmp / "copy" / "2022-01-x-street.csv"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    once = read_incidents(path).quality
    twice = read_incidents([path, copy, tmp]).quality  # the folder holds both again
    assert twice.kept == once.kept
    assert twice.read == 4 * once.read
    assert twice.read == twice.kept + sum(twice.dropped.values())
