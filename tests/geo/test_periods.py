import pandas as pd
import pytest

from geo.errors import GeoInputError
from geo.periods import missing_months, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end", "n"),
    [
        ("2022", "2022-01", "2022-12", 12),
        ("2022/23", "2022-04", "2023-03", 12),
        ("2022/2023", "2022-04", "2023-03", 12),
        ("2022/23-Q1", "2022-04", "2022-06", 3),
        ("2022/23-Q4", "2023-01", "2023-03", 3),
        ("2022-Q1", "2022-01", "2022-03", 3),
        ("2022-Q4", "2022-10", "2022-12", 3),
        ("2022-03", "2022-03", "2022-03", 1),
        ("2021-01:2021-10", "2021-01", "2021-10", 10),
        (" 2021-11 : 2022-02 ", "2021-11", "2022-02", 4),
    ],
)
def test_parse_period_forms(text, start, end, n):
    p = parse_period(text)
    assert (p.start, p.end, p.n_months) == (start, end, n)


def test_days_and_membership():
    p = parse_period("2024-Q1")  # leap year: 31 + 29 + 31
    assert p.n_days == 91
    months = pd.Series(["2023-12", "2024-01", "2024-03", "2024-04"])
    assert p.contains(months).tolist() == [False, True, True, False]
    assert p.overlaps(parse_period("2024-03:2024-05"))
    assert not p.overlaps(parse_period("2024-04"))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("last year", "not understood"),
        ("2022-13", "not understood"),
        ("2022/24", "runs into the next year"),
        ("2022-Q5", "not understood"),
        ("2022-05:2022-01", "ends before it starts"),
        ("", "not understood"),
    ],
)
def test_bad_periods(text, match):
    with pytest.raises(GeoInputError, match=match):
        parse_period(text)


def test_missing_months():
    p = parse_period("2020-04:2020-10")
    have = ["2020-04", "2020-05", "2020-07", "2020-10"]
    assert missing_months(p, have) == ["2020-06", "2020-08", "2020-09"]
