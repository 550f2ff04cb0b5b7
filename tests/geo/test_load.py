import pytest

from geo.errors import GeoInputError
from geo.load import load_incidents
from geo.periods import parse_period
from geo.wards import read_wards
from tests.conftest import mixed_rows, police_row


def test_load_filters_and_tags_every_row_counted(write_police, wards):
    rows = mixed_rows()
    loaded = load_incidents(
        write_police(rows),
        wards=wards,
        periods=[parse_period("2022-Q1")],
        types=["asb"],
        tolerance_m=50,
    )
    q = loaded.quality
    assert loaded.incidents["ward_code"].tolist() == ["A", "B", "B"]
    assert loaded.incidents["ward_match"].tolist() == ["within", "within", "nearest"]
    assert dict(q.dropped) == {
        "crime type not selected": 1,
        "outside period 2022-Q1": 1,
        "outside the boundaries (over 50 m from any ward)": 1,
    }
    assert (q.read, q.kept, q.nearest_ward) == (6, 3, 1)
    assert q.missing_months == ["2022-03"]
    assert q.balanced


def test_unknown_type_lists_types_present(write_police):
    path = write_police([police_row(1, 1, **{"Crime type": "Burglary"})])
    with pytest.raises(GeoInputError, match="types present are: Burglary"):
        load_incidents(path, types=["Burglry"])


def test_empty_period_says_what_the_data_covers(write_police):
    path = write_police([police_row(1, 1, month="2022-01")])
    with pytest.raises(GeoInputError, match="covers 2022-01 to 2022-01"):
        load_incidents(path, periods=[parse_period("2023")])


def test_all_outside_the_boundaries(write_police, wards):
    path = write_police([police_row(5000, 5000)])
    with pytest.raises(GeoInputError, match="none of the 1 incidents fall within"):
        load_incidents(path, wards=wards)


def test_no_usable_rows(write_police):
    path = write_police([police_row(None, None)])
    with pytest.raises(GeoInputError, match=r"no usable incidents.*no coordinates: 1"):
        load_incidents(path)


@pytest.mark.real_data
@pytest.mark.parametrize("vintage", ["2013", "2023"])
def test_real_blackpool_load_balances(real_data, vintage):
    wards = read_wards(real_data / "boundaries" / f"blackpool_wards_{vintage}.geojson")
    loaded = load_incidents(
        real_data / "police_uk" / "blackpool",
        wards=wards,
        periods=[parse_period("2020-04:2020-10")],
    )
    q = loaded.quality
    assert q.read == 87_862
    assert q.read == q.kept + sum(q.dropped.values())
    assert q.missing_months == ["2020-06", "2020-08", "2020-09"]
    assert loaded.incidents["ward_code"].notna().all()
    assert set(loaded.incidents["month"]) == {
        "2020-04",
        "2020-05",
        "2020-07",
        "2020-10",
    }
