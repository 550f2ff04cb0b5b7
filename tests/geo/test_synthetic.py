import numpy as np
import pandas as pd

from geo.incidents import read_incidents
from geo.synthetic import DEMO_LABEL, generate_demo, write_demo


def test_demo_is_reproducible_and_police_uk_shaped():
    a, b = generate_demo(3), generate_demo(3)
    pd.testing.assert_frame_equal(a.rows, b.rows)
    assert list(a.rows.columns[:6]) == [
        "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
    ]  # fmt: skip
    months = sorted(a.rows["Month"].unique())
    assert months[0] == "2021-01"
    assert months[-1] == "2024-03"
    assert len(months) == 39
    asb = a.rows["Crime type"] == "Anti-social behaviour"
    assert (a.rows.loc[asb, "Crime ID"] == "").all()
    assert (a.rows.loc[~asb, "Crime ID"].str.len() == 64).all()
    assert a.rows["Crime type"].nunique() >= 6


def test_demo_points_are_snapped_and_asb_peaks_in_summer():
    demo = generate_demo(3)
    located = demo.rows[demo.rows["Longitude"] != ""]
    distinct = located[["Longitude", "Latitude"]].drop_duplicates()
    assert len(distinct) < len(located) / 5  # many rows share a map point
    asb = demo.rows[demo.rows["Crime type"] == "Anti-social behaviour"]
    by_month = asb.groupby(asb["Month"].str[5:7]).size()
    assert (
        by_month[["06", "07", "08"]].mean() > 1.3 * by_month[["12", "01", "02"]].mean()
    )


def test_demo_truth_and_files(tmp_path):
    demo = generate_demo(5)
    ids = {h.hotspot_id for h in demo.hotspots}
    assert {"H1", "H3", "H3b"} <= ids
    d = demo.displacement
    assert (
        np.hypot(d["to_xy"][0] - d["from_xy"][0], d["to_xy"][1] - d["from_xy"][1])
        == d["shift_m"]
    )
    assert set(demo.wards_before.iloc[:, 0]) != set(demo.wards_after.iloc[:, 0])
    paths = write_demo(tmp_path, seed=5)
    loaded = read_incidents(paths["incidents"])
    assert loaded.quality.read == len(demo.rows)
    assert loaded.quality.dropped == {
        "no coordinates": int((demo.rows["Longitude"] == "").sum())
    }
    assert DEMO_LABEL in paths["truth"].read_text()
