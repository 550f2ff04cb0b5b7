import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from geo.change import change_sentence, read_population, ward_change
from geo.errors import GeoInputError
from geo.load import load_incidents
from geo.periods import parse_period
from geo.wards import read_wards

ASB = "Anti-social behaviour"


def _incidents(spec):
    """spec: list of (ward_code, month, crime_type, n)."""
    rows = [
        {"ward_code": w, "month": m, "crime_type": t}
        for w, m, t, n in spec
        for _ in range(n)
    ]
    return pd.DataFrame(rows, columns=["ward_code", "month", "crime_type"])


@pytest.fixture
def three_wards(wards):
    extra = wards.iloc[[0]].assign(ward_code="C", ward_name="Ward C")
    return pd.concat([wards, extra], ignore_index=True)


def test_hand_worked_change_rates_and_test(three_wards):
    # A: 100 -> 60; B: 0 -> 5; C: nothing in either period
    inc = _incidents(
        [
            ("A", "2021-01", ASB, 100),
            ("A", "2022-01", ASB, 60),
            ("B", "2022-01", ASB, 5),
        ]
    )
    pop = pd.DataFrame({"ward_code": ["A", "B", "C"], "population": [2000, 500, 100]})
    out = ward_change(
        inc,
        three_wards,
        before=parse_period("2021-01"),
        after=parse_period("2022-01"),
        population=pop,
    )
    t = out.table.set_index("ward_code")
    assert t.loc["A", ["before", "after", "change"]].tolist() == [100, 60, -40]
    assert t.loc["A", "pct_change"] == -40.0
    assert t.loc["A", "before_rate"] == 50.0  # 100 / 2000 * 1000
    assert t.loc["A", "after_rate"] == 30.0
    # z = sqrt(2) (sqrt(60) - sqrt(100))
    assert t.loc["A", "z"] == pytest.approx(
        math.sqrt(2) * (math.sqrt(60) - 10), abs=1e-3
    )
    # exact conditional test: 60 of 160 under Binomial(160, 0.5), two-sided
    assert t.loc["A", "p_value"] == pytest.approx(2 * binom.cdf(60, 160, 0.5))
    assert bool(t.loc["A", "significant"])
    assert np.isnan(t.loc["B", "pct_change"])  # from 0: no percentage
    assert t.loc["B", "change"] == 5
    assert t.loc["C", ["before", "after", "change"]].tolist() == [0, 0, 0]
    assert t.loc["C", "p_value"] == 1.0
    assert list(out.table["ward_code"]) == ["A", "B", "C"]


def test_headlines_in_committee_style(three_wards):
    inc = _incidents(
        [
            ("A", "2021-01", ASB, 100),
            ("A", "2022-01", ASB, 60),
            ("B", "2022-01", ASB, 5),
        ]
    )
    out = ward_change(
        inc, three_wards, before=parse_period("2021-01"), after=parse_period("2022-01")
    )
    assert out.headlines[0] == (
        "ASB, 2021-01 to 2022-01 (1 month each): reduction of 35.0% (-35 reports)"
    )
    # A: 100 -> 60 is significant (p < 0.001); B: 0 -> 5 is not (p = 0.0625)
    assert out.headlines[1] == (
        "ASB fell in 1 of 3 wards and rose in 1; the change is more than chance "
        "(5% false discovery rate) in 1 that fell and 0 that rose."
    )
    assert (
        "Average per day: 3.2 reports in 2021-01, 2.1 in 2022-01 (months compared)."
        in out.headlines
    )
    assert any("reports, not incidents" in c for c in out.caveats)
    # one crime type: no per-type sentence repeating the first headline
    assert not any(h.startswith("Anti-social behaviour:") for h in out.headlines)


def test_unequal_periods_per_month_or_like_for_like(wards):
    inc = _incidents(
        [
            ("A", "2021-01", "Burglary", 30),
            ("A", "2022-01", "Burglary", 20),
            ("A", "2022-02", "Burglary", 20),
        ]
    )
    periods = {
        "before": parse_period("2021-01"),
        "after": parse_period("2022-01:2022-02"),
    }
    out = ward_change(inc, wards, basis="per-month", **periods)
    a = out.table.set_index("ward_code").loc["A"]
    assert out.per_month
    assert a[["before", "after", "change"]].tolist() == [30.0, 20.0, -10.0]  # a month
    assert a["pct_change"] == pytest.approx(-33.3, abs=0.05)
    # r = 2: z = 2 (sqrt(40) - sqrt(60)) / sqrt(3)
    assert a["z"] == pytest.approx(
        2 * (math.sqrt(40) - math.sqrt(60)) / math.sqrt(3), abs=1e-3
    )
    # two-sided exact p: every outcome no more likely than 40 of 70 at p = 2/3
    pmf = binom.pmf(np.arange(71), 70, 2 / 3)
    expected = pmf[pmf <= pmf[40] * (1 + 1e-7)].sum()
    assert a["p_value"] == pytest.approx(expected, rel=1e-6)
    assert any("per month of data" in c for c in out.caveats)
    assert "offences a month" in out.headlines[0]
    # like for like (the default): the first month of each
    lfl = ward_change(inc, wards, **periods).table.set_index("ward_code").loc["A"]
    assert lfl[["before", "after", "change"]].tolist() == [30, 20, -10]


def test_several_types_get_a_sentence_each(wards):
    inc = _incidents(
        [
            ("A", "2021-01", "Burglary", 30),
            ("A", "2022-01", "Burglary", 20),
            ("B", "2021-01", "Robbery", 4),
            ("B", "2022-01", "Robbery", 6),
        ]
    )
    out = ward_change(
        inc, wards, before=parse_period("2021-01"), after=parse_period("2022-01")
    )
    assert "Burglary: reduction of 33.3% (-10 offences)" in out.headlines
    # 30 -> 20 (p = 0.20) and 4 -> 6 (p = 0.75): neither is more than chance
    assert out.headlines[1] == (
        "Recorded crime fell in 1 of 2 wards and rose in 1; in no ward is the "
        "change more than chance (5% false discovery rate)."
    )
    assert "Robbery: increase of 50.0% (+2 offences)" in out.headlines


def test_missing_months_are_left_out_of_both_periods(wards):
    inc = _incidents(
        [
            ("A", "2021-01", ASB, 10),
            ("A", "2021-03", ASB, 10),
            ("A", "2022-01", ASB, 10),
            ("A", "2022-02", ASB, 10),
            ("A", "2022-03", ASB, 10),
        ]
    )
    periods = {"before": parse_period("2021-Q1"), "after": parse_period("2022-Q1")}
    out = ward_change(inc, wards, **periods)
    assert out.missing == {"before": ["2021-02"], "after": []}
    assert not out.per_month
    assert out.basis.dropped == (("2021-02", "2022-02"),)
    assert out.basis.label == "2 months each: January to March without February"
    a = out.table.set_index("ward_code").loc["A"]
    assert a[["before", "after", "change", "pct_change"]].tolist() == [20, 20, 0, 0.0]
    assert (
        "Like for like: 1 month(s) left out of both periods because one side has "
        "no data (Feb 2021 and Feb 2022): police.uk published no data for "
        "February 2021."
    ) in out.caveats
    q = out.quarterly.iloc[0]
    assert (q["months_compared"], bool(q["complete"])) == (2, False)
    assert not out.monthly.set_index("position").loc[2, "compared"]
    # per month: 20 over 2 months of data against 30 over 3
    pm = ward_change(inc, wards, basis="per-month", **periods)
    assert pm.table.set_index("ward_code").loc["A", ["before", "after"]].tolist() == [
        10.0,
        10.0,
    ]


def _gappy_years():
    """2020/21 lacks June, August and September 2020; 2021/22 lacks January 2022.
    Ward A: 10 ASB a month before, 8 after; B: 5 before, 6 after; C: none.
    Burglary in A: 2 a month in both."""
    before, after = parse_period("2020/21"), parse_period("2021/22")
    gone = {"2020-06", "2020-08", "2020-09", "2022-01"}
    have = [m for m in before.months + after.months if m not in gone]
    spec = []
    for m in have:
        late = m >= after.start
        spec += [("A", m, ASB, 8 if late else 10), ("B", m, ASB, 6 if late else 5),
                 ("A", m, "Burglary", 2)]  # fmt: skip
    return _incidents(spec), before, after, have


def test_one_basis_for_every_figure_with_gaps_on_either_side(three_wards):
    inc, before, after, have = _gappy_years()
    asb = inc[inc["crime_type"] == ASB]
    out = ward_change(asb, three_wards, before=before, after=after,
                      months_with_data=have)  # fmt: skip
    # 8 pairs compared: Apr, May, Jul, Oct, Nov, Dec, Feb, Mar
    assert out.basis.label == (
        "8 months each: April to March without June, August, September, January"
    )
    t = out.table.set_index("ward_code")
    assert t.loc["A", ["before", "after", "change", "pct_change"]].tolist() == [
        80, 64, -16, -20.0]  # fmt: skip
    assert t.loc["B", ["before", "after", "change", "pct_change"]].tolist() == [
        40, 48, 8, 20.0]  # fmt: skip
    assert out.headlines[0] == (
        "ASB, 2020/21 to 2021/22 (8 months each: April to March without June, "
        "August, September, January): reduction of 6.7% (-8 reports)"
    )
    assert out.headlines[1] == (
        "ASB fell in 1 of 3 wards and rose in 1; in no ward is the change more "
        "than chance (5% false discovery rate)."
    )
    assert out.headlines[2] == (
        "By quarter: Quarter 1* -6.7% (-2), Quarter 2* -6.7% (-1), Quarter 3 "
        "-6.7% (-3), Quarter 4* -6.7% (-2) (* some months of the quarter not "
        "compared: no data)."
    )
    assert out.headlines[3] == (
        "Eight of the eight months compared showed comparative reductions."
    )
    q = out.quarterly
    assert q["months_compared"].tolist() == [2, 1, 3, 2]
    assert q["before"].tolist() == [30, 15, 45, 30]
    assert q["after"].tolist() == [28, 14, 42, 28]
    # one basis: ward table, totals, quarters and months add up to each other
    totals = out.by_type.set_index("crime_type").loc[ASB]
    assert (totals["before"], totals["after"]) == (120, 112)
    assert t["before"].sum() == q["before"].sum() == totals["before"]
    compared = out.monthly[out.monthly["compared"]]
    assert compared["after"].sum() == t["after"].sum() == totals["after"]
    for frame in (out.table, out.by_type, q, compared):
        assert (frame["change"] == frame["after"] - frame["before"]).all()
        pct = (100 * frame["change"] / frame["before"]).round(1)
        assert np.allclose(frame["pct_change"], pct, equal_nan=True)
        assert (
            np.sign(frame["pct_change"].fillna(0)) == np.sign(frame["change"])
        ).all()


def test_per_month_basis_says_per_month_everywhere(three_wards):
    inc, before, after, have = _gappy_years()
    out = ward_change(inc, three_wards, before=before, after=after,
                      months_with_data=have, basis="per-month")  # fmt: skip
    t = out.table.set_index("ward_code")
    # A: 90 + 18 over 9 months before; 88 + 22 over 11 after (ASB and burglary)
    assert t.loc["A", ["before", "after", "change"]].tolist() == [12.0, 10.0, -2.0]
    assert "per month of data: 9 month(s) of 2020/21, 11 of 2021/22" in out.headlines[0]
    assert "incidents a month" in out.headlines[0]
    # ASB: 15 a month (10 + 5) before, 14 (8 + 6) after
    assert "Anti-social behaviour: reduction of 6.7% (-1 reports a month)" in (
        out.headlines
    )
    assert (
        out.table["change"] - (out.table["after"] - out.table["before"])
    ).abs().max() < 1e-9


def test_months_never_imported_are_not_blamed_on_police_uk(wards):
    """Data held from January 2021 to March 2022 without February 2021; the
    after period runs to June 2022. February 2021 is police.uk's gap; April to
    June 2022 were never imported, and the note says so."""
    have = [m for m in parse_period("2021-01:2022-03").months if m != "2021-02"]
    inc = _incidents([("A", m, ASB, 10) for m in have])
    out = ward_change(inc, wards, before=parse_period("2021-01:2021-06"),
                      after=parse_period("2022-01:2022-06"))  # fmt: skip
    note = next(c for c in out.caveats if c.startswith("Like for like"))
    assert note.endswith(
        "police.uk published no data for February 2021; the data held ends with "
        "March 2022 (April 2022 to June 2022 not imported)."
    )


def test_per_month_quarters_count_what_the_headline_counts(wards):
    """Q1 2020 without February (12 ASB in January and in March) against Q1
    2021 (10, 40, 10). Per month of data the headline is 12 -> 20 a month;
    the quarter says the same (it used to count only the paired months:
    12 -> 10), and the month table shows February 2021's 40."""
    before, after = parse_period("2020-Q1"), parse_period("2021-Q1")
    have = ["2020-01", "2020-03", "2021-01", "2021-02", "2021-03"]
    spec = [("A", "2020-01", ASB, 12), ("A", "2020-03", ASB, 12),
            ("A", "2021-01", ASB, 10), ("A", "2021-02", ASB, 40),
            ("A", "2021-03", ASB, 10)]  # fmt: skip
    out = ward_change(_incidents(spec), wards, before=before, after=after,
                      months_with_data=have, basis="per-month")  # fmt: skip
    a = out.table.set_index("ward_code").loc["A"]
    assert (a["before"], a["after"]) == (12.0, 20.0)
    q = out.quarterly.iloc[0]
    assert (q["before"], q["after"], q["change"]) == (12.0, 20.0, 8.0)
    assert q["months_compared"] == 2 and not q["complete"]
    m = out.monthly
    assert m["after"].tolist() == [10, 40, 10]
    assert m["before"].isna().tolist() == [False, True, False]
    assert m["compared"].tolist() == [True, False, True]
    like = ward_change(_incidents(spec), wards, before=before, after=after,
                       months_with_data=have)  # fmt: skip
    assert like.quarterly.iloc[0][["before", "after"]].tolist() == [24, 20]
    assert like.monthly["after"].isna().tolist() == [False, True, False]


def test_by_type_sentences():
    assert change_sentence("Burglary", 1786, 1761, "offences") == (
        "Burglary: reduction of 1.4% (-25 offences)"
    )
    assert change_sentence("Robbery", 0, 4, "offences") == (
        "Robbery: 4 offences, none before (+4 offences)"
    )
    assert change_sentence("Drugs", 7, 7, "offences") == "Drugs: no change (7 offences)"


def test_bad_inputs(wards, tmp_path):
    inc = _incidents([("A", "2021-01", ASB, 1)])
    with pytest.raises(GeoInputError, match="overlap"):
        ward_change(
            inc, wards, before=parse_period("2021"), after=parse_period("2021-Q4")
        )
    with pytest.raises(GeoInputError, match="no data at all"):
        ward_change(
            inc, wards, before=parse_period("2021-01"), after=parse_period("2023-01")
        )
    with pytest.raises(
        GeoInputError, match="2021-01 comes after the after period 2020-01; swap"
    ):
        ward_change(
            inc, wards, before=parse_period("2021-01"), after=parse_period("2020-01")
        )
    pop = pd.DataFrame({"ward_code": ["X1", "X2"], "population": [1, 2]})
    with pytest.raises(GeoInputError, match="another boundary vintage"):
        ward_change(
            inc.assign(month="2021-01"),
            wards,
            before=parse_period("2020-01"),
            after=parse_period("2021-01"),
            months_with_data=["2020-01", "2021-01"],
            population=pop,
        )
    bad = tmp_path / "pop.csv"
    bad.write_text("ward_code,population\nA,lots\n")
    with pytest.raises(GeoInputError, match="line 2"):
        read_population(bad)
    bad.write_text("code_of_ward,residents\nA,1\n")
    with pytest.raises(GeoInputError, match="needs a ward code column"):
        read_population(bad)


def test_population_with_some_unknown_codes_is_reported(wards):
    inc = _incidents([("A", "2021-01", ASB, 4), ("A", "2022-01", ASB, 2)])
    pop = pd.DataFrame({"ward_code": ["A", "Z9"], "population": [1000, 50]})
    out = ward_change(
        inc,
        wards,
        before=parse_period("2021-01"),
        after=parse_period("2022-01"),
        population=pop,
    )
    assert any("No population for: Ward B" in c for c in out.caveats)
    assert any("not wards of this boundary set" in c for c in out.caveats)
    assert np.isnan(out.table.set_index("ward_code").loc["B", "before_rate"])


@pytest.mark.real_data
@pytest.mark.parametrize("vintage", ["2013", "2023"])
def test_real_blackpool_asb_2021_vs_2022(real_data, vintage):
    wards = read_wards(real_data / "boundaries" / f"blackpool_wards_{vintage}.geojson")
    before, after = parse_period("2021-01:2021-10"), parse_period("2022-01:2022-10")
    loaded = load_incidents(
        real_data / "police_uk" / "blackpool",
        wards=wards,
        periods=[before, after],
        types=["ASB"],
    )
    pop = None
    if vintage == "2013":
        pop = read_population(
            real_data / "population" / "blackpool_ward_population_mid2020.csv"
        )
    out = ward_change(
        loaded.incidents, wards, before=before, after=after, population=pop
    )
    t = out.table.set_index("ward_code")
    # independent count: raw CSV rows, plain geopandas point-in-polygon on the
    # ward polygons, nearest ward for the few outside
    raw = pd.concat(
        (
            pd.read_csv(p)
            for p in (real_data / "police_uk" / "blackpool").rglob("*.csv")
        ),
        ignore_index=True,
    )
    raw = raw[raw["Crime type"] == ASB]
    pts = gpd.GeoDataFrame(
        raw[["Month"]],
        geometry=gpd.points_from_xy(raw["Longitude"], raw["Latitude"]),
        crs="EPSG:4326",
    ).to_crs("EPSG:27700")
    polys = gpd.read_file(
        real_data / "boundaries" / f"blackpool_wards_{vintage}.geojson"
    )
    polys = polys.to_crs("EPSG:27700")
    code = f"WD{vintage[2:]}CD"
    joined = gpd.sjoin_nearest(pts, polys[[code, "geometry"]], max_distance=100)
    joined = joined[~joined.index.duplicated()]
    for label, period in (("before", before), ("after", after)):
        rows = joined[
            (joined["Month"] >= period.start) & (joined["Month"] <= period.end)
        ]
        expected = rows[code].value_counts().reindex(t.index, fill_value=0)
        assert t[label].tolist() == expected.tolist()
    assert t["before"].sum() + t["after"].sum() == len(loaded.incidents)
    assert len(t) == 21
    if vintage == "2013":
        # rates by hand for two wards, from the population file
        assert t.loc["E05001643", "before_rate"] == round(
            t.loc["E05001643", "before"] / 6278 * 1000, 2
        )
        assert t.loc["E05001644", "after_rate"] == round(
            t.loc["E05001644", "after"] / 6291 * 1000, 2
        )


def test_one_word_for_what_is_counted_by_types_and_by_data():
    from geo.change import count_unit, types_unit
    from geo.settings import ASB

    assert types_unit((ASB,)) == "reports"
    assert types_unit(("Burglary", "Drugs")) == "offences"
    assert types_unit([ASB, "Burglary"]) == "incidents"
    frame = pd.DataFrame({"crime_type": [ASB, ASB, "Burglary"]})
    assert count_unit(frame) == types_unit({ASB, "Burglary"}) == "incidents"
    assert count_unit(frame.iloc[:2]) == "reports"


@pytest.mark.parametrize(("alpha", "said"), [(0.05, "5%"), (0.1, "10%")])
def test_the_false_discovery_rate_said_is_the_one_used(wards, alpha, said):
    inc = _incidents([("A", "2021-01", ASB, 40), ("A", "2022-01", ASB, 10)])
    r = ward_change(
        inc, wards, before=parse_period("2021-01"), after=parse_period("2022-01"),
        alpha=alpha,
    )  # fmt: skip
    assert r.alpha == alpha
    assert f"({said} false discovery rate)" in r.headlines[1]


def test_a_ward_with_no_residents_gets_no_rate_and_duplicates_are_refused(wards):
    inc = _incidents([("A", "2021-01", ASB, 4), ("B", "2022-01", ASB, 2)])
    periods = {"before": parse_period("2021-01"), "after": parse_period("2022-01")}
    pop = pd.DataFrame({"ward_code": ["A", "B"], "population": [0, 2000]})
    r = ward_change(inc, wards, population=pop, **periods)
    rates = r.table.set_index("ward_code")[["before_rate", "after_rate"]]
    assert rates.loc["A"].isna().all()  # not infinite
    assert rates.loc["B"].tolist() == [0.0, 1.0]  # 2 / 2,000 x 1,000
    assert any("No residents recorded for: Ward A" in c for c in r.caveats)
    twice = pd.DataFrame({"ward_code": ["A", "A", "B"], "population": [1, 2, 3]})
    with pytest.raises(GeoInputError, match="gives ward 'A' more than once"):
        ward_change(inc, wards, population=twice, **periods)


def test_no_month_reduced_reads_as_english(wards):
    months = [f"2021-0{m}" for m in (1, 2, 3)] + [f"2022-0{m}" for m in (1, 2, 3)]
    inc = _incidents([("A", m, ASB, 5 if m < "2022" else 9) for m in months])
    r = ward_change(
        inc, wards, before=parse_period("2021-01:2021-03"),
        after=parse_period("2022-01:2022-03"),
    )  # fmt: skip
    said = " ".join(r.headlines)
    assert "None of the three months compared showed a comparative reduction." in said
    assert "No of the" not in said


def test_a_quiet_month_of_a_rare_type_is_not_a_gap_in_the_data(
    wards, write_police, tmp_path
):
    """Burglary in January and March 2022 and in January to March 2023, with
    ASB in February 2022: February 2022 is held (it has ASB rows), so the
    like-for-like comparison of Q1s counts all three months, by default, from
    the file or from a workspace; only a frame built by hand falls back to its
    own months (and then, without February, pairs two months)."""
    from geo.workspace import Workspace
    from tests.conftest import police_row

    burglary = {"Crime type": "Burglary"}
    rows = [police_row(50, 50, month=m, **burglary) for m in (
        "2022-01", "2022-03", "2023-01", "2023-02", "2023-03")]  # fmt: skip
    rows.append(police_row(150, 50, month="2022-02"))
    path = write_police(rows)
    before, after = parse_period("2022-Q1"), parse_period("2023-Q1")
    from_file = load_incidents(path, wards=wards, types=["Burglary"]).incidents
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.import_incidents([path])
    wards.to_file(tmp_path / "wards.geojson")
    ws.import_boundaries(tmp_path / "wards.geojson", name="w")
    from_store = ws.load(wards="w", types=["Burglary"]).incidents
    for incidents in (from_file, from_store):
        change = ward_change(incidents, wards, before=before, after=after)
        assert change.basis.before_months == ("2022-01", "2022-02", "2022-03")
        a = change.table.set_index("ward_code").loc["A"]
        assert (a["before"], a["after"]) == (2, 3)
    by_hand = pd.DataFrame(from_file).copy()
    by_hand.attrs = {}
    change = ward_change(by_hand, wards, before=before, after=after)
    assert change.basis.before_months == ("2022-01", "2022-03")
