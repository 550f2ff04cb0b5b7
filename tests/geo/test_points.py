"""Points kept by map point: built only when asked for, and equal to built ones."""

import pickle

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely

from geo._hotspot_table import _hotspot_polygons
from geo._points import PointsByPlace, distinct_points, point_xy, points_by_place
from geo.incidents import INCIDENT_COLUMNS, incidents_frame
from geo.settings import WORKING_CRS


def _frame(loc_id=None):
    """Six rows on three map points: (10, 20) x3, (30, 40) x2, (50, 60) x1."""
    x = [10.0, 30.0, 10.0, 50.0, 30.0, 10.0]
    y = [20.0, 40.0, 20.0, 60.0, 40.0, 20.0]
    cols = {c: pa.array([f"{c}{i}" for i in range(6)]) for c in INCIDENT_COLUMNS}
    cols |= {"x": pa.array(x), "y": pa.array(y)}
    if loc_id is not None:
        cols["loc_id"] = pa.array(loc_id, pa.int32())
    return incidents_frame(pa.table(cols)), np.array(x), np.array(y)


def _built(frame):
    """The same frame with ordinary (built) point geometry."""
    x, y = point_xy(frame)
    return frame.set_geometry(gpd.points_from_xy(x, y), crs=frame.crs)


def test_frame_keeps_points_by_place_and_builds_nothing_for_coordinates():
    frame, x, y = _frame()
    array = frame.geometry.array
    assert isinstance(array, PointsByPlace)
    assert array.place.tolist() == [0, 1, 0, 2, 1, 0]
    px, py = point_xy(frame)
    assert px.tolist() == x.tolist() and py.tolist() == y.tolist()
    subset = frame.loc[frame["month"] != "month1"].sort_values("incident_id")
    assert subset.geometry.array.lazy
    assert point_xy(subset)[0].tolist() == [10.0, 10.0, 50.0, 30.0, 10.0]
    assert array.total_bounds.tolist() == [10.0, 20.0, 50.0, 60.0]
    assert array.lazy  # nothing above built the shapely Points


def test_distinct_points_by_place_equal_those_of_built_points():
    for loc_id in (None, [7, 3, 7, 9, 3, 7]):  # from a workspace: its own ids
        frame, _, _ = _frame(loc_id)
        for part in (frame, frame.iloc[[3, 1, 4]]):
            lazy, built = distinct_points(part), distinct_points(_built(part))
            assert part.geometry.array.lazy
            for field in ("codes", "x", "y", "counts"):
                assert getattr(lazy, field).tolist() == getattr(built, field).tolist()


def test_built_on_first_use_then_an_ordinary_array():
    frame, x, y = _frame()
    assert frame.geometry.iloc[3].equals(shapely.Point(50, 60))
    assert frame.geometry.x.tolist() == x.tolist()  # geopandas builds them here
    assert not frame.geometry.array.lazy
    assert shapely.equals(frame.geometry.to_numpy(), shapely.points(x, y)).all()
    frame.loc[0, "geometry"] = shapely.Point(1, 2)  # edits after building hold
    assert point_xy(frame)[0][0] == 1.0 and frame.geometry.x.iloc[0] == 1.0


def test_pickles_copies_and_concatenates_as_ordinary_points():
    frame, x, y = _frame()
    copy = frame.copy()
    assert copy.geometry.array.lazy and point_xy(copy)[1].tolist() == y.tolist()
    back = pickle.loads(pickle.dumps(frame))  # unbuilt: as place numbers
    assert back.geometry.array.lazy and frame.geometry.array.lazy
    assert point_xy(back)[0].tolist() == x.tolist() and back.crs == WORKING_CRS
    assert back.geometry.x.tolist() == x.tolist()  # built now
    again = pickle.loads(pickle.dumps(back))  # built: as an ordinary array
    assert type(again.geometry.array) is gpd.array.GeometryArray
    assert again.geometry.y.tolist() == y.tolist() and again.crs == WORKING_CRS
    both = pd.concat([frame, _built(frame)], ignore_index=True)
    assert both.geometry.x.tolist() == x.tolist() * 2
    assert frame.geometry.isna().sum() == 0 and not frame.geometry.is_empty.any()


def test_hotspot_hulls_equal_the_hulls_of_all_their_locations():
    """Leaving out locations inside the W-S-E-N quadrilateral keeps every hull,
    including groups of one point, two points, a line, and repeated extremes."""
    rng = np.random.default_rng(7)
    groups = [
        rng.normal(0, 50, (500, 2)),
        np.array([[5.0, 5.0]]),
        np.array([[0.0, 0.0], [3.0, 4.0]]),
        np.column_stack([np.arange(10.0), np.arange(10.0) * 2]),  # collinear
        np.array([[0, 0], [0, 10], [10, 0], [10, 10], [0, 0], [10, 10], [5, 5.0]]),
        rng.integers(0, 4, (60, 2)).astype(float),  # many ties on the extremes
    ]
    xy = pd.DataFrame(
        [(px, py, h) for h, g in enumerate(groups) for px, py in g],
        columns=["x", "y", "h"],
    ).drop_duplicates()
    ids = np.arange(len(groups))
    got = _hotspot_polygons(xy, ids, buffer_m=0.0)
    for h, g in enumerate(groups):
        hull = shapely.convex_hull(shapely.multipoints(g))
        want = shapely.buffer(hull, 0.0, quad_segs=8)
        assert shapely.equals(got[h], want), h
    got = _hotspot_polygons(xy, ids, buffer_m=25.0)
    for h, g in enumerate(groups):
        want = shapely.buffer(shapely.convex_hull(shapely.multipoints(g)), 25.0)
        assert shapely.equals_exact(got[h], want, tolerance=1e-9), h


@pytest.mark.parametrize(
    ("place", "k"),
    [
        ([0, 1, 0, 2, 1], 3),  # already in first-row order: kept as is
        ([1, 0, 1, 2], 3),  # not in first-row order
        ([0, 2, 0], 3),  # place 1 unused
        ([0, 1, 1], 3),  # place 2 unused (last)
        ([], 0),
    ],
)
def test_distinct_points_of_places_match_factorize(place, k):
    place = np.asarray(place, dtype=np.int64)
    x, y = np.arange(k, dtype=float) * 10, np.arange(k, dtype=float) * -5
    frame = gpd.GeoDataFrame(geometry=points_by_place(place, x, y, crs=WORKING_CRS))
    got = distinct_points(frame)
    codes, used = pd.factorize(place)
    assert got.codes.tolist() == codes.tolist()
    assert got.x.tolist() == x[used].tolist() and got.y.tolist() == y[used].tolist()
    assert got.counts.tolist() == np.bincount(codes, minlength=used.size).tolist()
