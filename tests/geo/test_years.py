import math

import numpy as np
import pandas as pd
import pytest

from geo.errors import GeoInputError
from geo.periods import parse_period
from geo.years import year_periods, years_change

ASB = "Anti-social behaviour"


def _incidents(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    """counts: (ward_code, month) -> n incidents."""
    rows = [(w, m) for (w, m), n in counts.items() for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["ward_code", "month"])
    return frame.assign(crime_type=ASB)


@pytest.fixture
def four_wards(wards):
    extra = pd.concat(
        [
            wards.iloc[[0]].assign(ward_code="C", ward_name="Ward C"),
            wards.iloc[[0]].assign(ward_code="D", ward_name="Ward D"),
        ]
    )
    return pd.concat([wards, extra], ignore_index=True)


def _planted(seed: int):
    """Five financial years; per month: A rises 30% a year, B falls 25% a year,
    C stays at 40, D is empty. Poisson noise, seeded."""
    rng = np.random.default_rng(seed)
    years = year_periods("2018/19", "2022/23")
    counts = {}
    for k, y in enumerate(years):
        for m in y.months:
            counts[("A", m)] = rng.poisson(20 * 1.3**k)
            counts[("B", m)] = rng.poisson(60 * 0.75**k)
            counts[("C", m)] = rng.poisson(40)
    return _incidents(counts), years


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_rising_falling_and_flat_wards_are_recovered(four_wards, seed):
    inc, years = _planted(seed)
    out = years_change(inc, four_wards, years)
    t = out.table.set_index("ward_code")
    assert t.loc["A", "trend"] == "rising"
    assert t.loc["B", "trend"] == "falling"
    assert t.loc["C", "trend"] == "no clear trend"
    assert t.loc["D", "trend"] == "no clear trend"
    assert t.loc["D", "p_value"] == 1.0
    assert list(out.table.columns) == [
        "ward_code", "ward_name", "2018/19", "2019/20", "2020/21", "2021/22",
        "2022/23", "trend", "p_value", "p_adjusted",
    ]  # fmt: skip


def test_score_statistic_by_hand(wards):
    """Three calendar years, ward A: 100, 60, 160 in January (the only month);
    ward B is empty (left out of alpha, its score 0)."""
    spec = {("A", "2020-01"): 100, ("A", "2021-01"): 60, ("A", "2022-01"): 160}
    years = year_periods("2020", "2022", calendar=True)
    have = ["2020-01", "2021-01", "2022-01"]
    out = years_change(_incidents(spec), wards, years, months_with_data=have)
    # centred years -1, 0, 1: U = 160 - 100 = 60; mean m = 320 / 3.
    # alpha: the NB2 variance mu + alpha mu² at which the Pearson chi-square of
    # the log-linear fit equals its 3 - 2 = 1 degree of freedom; the fit by
    # maximum likelihood and the root found here independently (scipy)
    from scipy.optimize import brentq, minimize
    from scipy.stats import t as student

    y, c = np.array([100.0, 60.0, 160.0]), np.array([-1.0, 0.0, 1.0])

    def nll(ab):
        eta = ab[0] + ab[1] * c
        return np.sum(np.exp(eta) - y * eta)

    opts = {"xatol": 1e-10, "fatol": 1e-12, "maxiter": 10_000}
    fit = minimize(nll, x0=[4.5, 0.0], method="Nelder-Mead", options=opts)
    mu = np.exp(fit.x[0] + fit.x[1] * c)
    alpha = brentq(lambda a: ((y - mu) ** 2 / (mu + a * mu**2)).sum() - 1, 0, 10)
    assert out.dispersion == pytest.approx(alpha, rel=1e-5)
    m = 320 / 3
    z = 60 / math.sqrt((m + alpha * m**2) * 2)
    a = out.table.set_index("ward_code").loc["A"]
    assert a["p_value"] == pytest.approx(2 * student.sf(z, df=1), rel=1e-6)
    assert out.months == ["01"]  # only January has data in all three years
    assert a[["2020", "2021", "2022"]].tolist() == [100, 60, 160]
    assert any("swings by about" in c for c in out.caveats)


def _flat_sets(rng, wards, years, k=30, trend=None):
    """Yearly counts of ``wards`` wards: negative binomial (variance
    m + m²/k), means log-uniform from 30 to 2,000; ``trend`` multiplies the
    first two wards' means by 1.15^t and 0.85^t."""
    m = np.exp(rng.uniform(np.log(30), np.log(2000), wards))
    m = np.repeat(m[:, None], years, axis=1)
    if trend:
        m[:2] = 500
        m[0] *= 1.15 ** np.arange(years)
        m[1] *= 0.85 ** np.arange(years)
    return rng.poisson(rng.gamma(k, m / k))


def _trends(counts):
    from geo._stats import benjamini_hochberg
    from geo.years import _dispersion, _score_z, _two_sided_p

    alpha, df = _dispersion(counts)
    z = _score_z(counts, alpha)
    flagged = benjamini_hochberg(_two_sided_p(z, df)) < 0.05
    return flagged, z


@pytest.mark.parametrize("years", [3, 5])
def test_trend_test_calibrated_on_overdispersed_flat_wards(years):
    """The null, with year-to-year variation growing with the count (negative
    binomial, k = 30): 20 flat wards flag a ward in at most 5% of sets plus
    Monte Carlo error (400 sets: 5% + 2 s.e. = 7.2%; 4.6-4.8% in 1,000 sets
    when written), and 300 flat wards flag at most 3 (0 or 1 seen). The
    quasi-Poisson test used before flagged 29-34% of sets and up to 8 of 300."""
    rng = np.random.default_rng(years)
    sets = sum(_trends(_flat_sets(rng, 20, years))[0].any() for _ in range(400))
    assert sets / 400 <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / 400)
    for _ in range(20):
        assert _trends(_flat_sets(rng, 300, years))[0].sum() <= 3


def test_trend_test_power_on_planted_trends():
    """Power over 5 years, 20 wards, two of them planted at 500 a year: a rise
    of 15% a year (1.75 times by the fifth) and a fall of 15% a year are each
    found in about a third of sets (26-35% in 300 sets when written) with
    k = 30 (a year swings by 18% either way), and nearly always (at least 90%)
    when years vary as Poisson (k = 10,000). A flagged trend has the planted
    sign."""
    rng = np.random.default_rng(5)
    for k, least in ((30, 0.2), (10_000, 0.9)):
        found = np.zeros(2)
        for _ in range(200):
            flagged, z = _trends(_flat_sets(rng, 20, 5, k=k, trend=True))
            found += [flagged[0] and z[0] > 0, flagged[1] and z[1] < 0]
            assert not (flagged[0] and z[0] < 0) and not (flagged[1] and z[1] > 0)
        assert (found / 200 >= least).all(), (k, found)


def test_months_missing_in_any_year_are_left_out_of_all(wards):
    years = year_periods("2020", "2021", calendar=True)
    have = [m for y in years for m in y.months if m != "2020-06"]
    spec = {("A", m): 5 for m in have}
    out = years_change(_incidents(spec), wards, years, months_with_data=have)
    t = out.table.set_index("ward_code")
    assert t.loc["A", ["2020", "2021"]].tolist() == [55, 55]  # 11 months each
    assert "06" not in out.months
    assert any("June left out of every year" in c for c in out.caveats)
    assert out.headlines[0] == (
        "ASB was unchanged in 2021 on 2020; 11 months each, without June."
    )


def test_committee_sentences_and_totals(wards):
    years = year_periods("2019/20", "2021/22")
    spec = {}
    for y, n in zip(years, (130, 124, 120), strict=True):
        spec[("A", y.months[0])] = n
    out = years_change(_incidents(spec), wards, years, months_with_data=[
        m for y in years for m in y.months])  # fmt: skip
    assert out.totals["count"].tolist() == [130, 124, 120]
    assert out.totals["change"].tolist()[1:] == [-6, -4]
    assert out.totals["pct_change"].tolist()[1:] == [-4.6, -3.2]
    assert out.headlines[0] == (
        "ASB fell by 3.2% (-4 reports) in 2021/22 on 2020/21, and fell by 7.7% "
        "(-10) over the last two years (on 2019/20); 12 months each."
    )


def test_rates_per_resident(wards):
    years = year_periods("2020", "2021", calendar=True)
    spec = {("A", "2020-03"): 4, ("A", "2021-03"): 8}
    pop = pd.DataFrame({"ward_code": ["A", "B"], "population": [2000, 100]})
    have = [m for y in years for m in y.months]
    out = years_change(
        _incidents(spec), wards, years, population=pop, months_with_data=have
    )
    a = out.table.set_index("ward_code").loc["A"]
    assert (a["rate 2020"], a["rate 2021"]) == (2.0, 4.0)


@pytest.mark.parametrize(
    ("first", "last", "calendar", "match"),
    [
        ("2020", "2022", False, "is a calendar year; add `calendar`"),
        ("2020/21", "2022", True, "not a calendar year"),
        ("2022/23", "2020/21", False, "before `first`"),
        ("2020-Q1", "2021/22", False, "not a financial year"),
    ],
)
def test_bad_year_spans(first, last, calendar, match):
    with pytest.raises(GeoInputError, match=match):
        year_periods(first, last, calendar=calendar)


def test_one_year_or_a_year_without_data_is_refused(wards):
    inc = _incidents({("A", "2020-01"): 3})
    with pytest.raises(GeoInputError, match="at least two years"):
        years_change(inc, wards, year_periods("2020", "2020", calendar=True))
    with pytest.raises(GeoInputError, match="2021 has no data"):
        years_change(inc, wards, year_periods("2020", "2021", calendar=True))
    assert parse_period("2020").n_months == 12


def test_two_years_give_a_change_and_no_trend_label(wards):
    """300 flat, over-dispersed wards over two years (negative binomial, k = 30):
    an assumed Poisson variance had called 114 rising or falling; now none is
    labelled, and the sentence says what two years can say."""
    import geopandas as gpd
    from shapely.geometry import box

    rng = np.random.default_rng(7)
    n = 300
    many = gpd.GeoDataFrame(
        {"ward_code": [f"W{i}" for i in range(n)],
         "ward_name": [f"Ward {i}" for i in range(n)]},
        geometry=[box(i, 0, i + 1, 1) for i in range(n)],
        crs=wards.crs,
    )  # fmt: skip
    years = year_periods("2021/22", "2022/23")
    mean = rng.gamma(30, 200 / 30, size=n)  # each ward's own level
    counts = {}
    for y in years:
        yearly = rng.poisson(rng.gamma(30, mean / 30))  # k = 30 year to year
        for i in range(n):
            counts[(f"W{i}", y.months[0])] = int(yearly[i])
    got = years_change(_incidents(counts), many, years)
    assert set(got.table["trend"]) == {"needs 3+ years"}
    assert got.table["p_value"].isna().all()
    said = " ".join([*got.headlines, *got.caveats])
    assert "A trend needs at least three years" in said
    assert "a trend more than chance" not in said
