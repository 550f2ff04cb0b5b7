import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point, Polygon, box

from geo.errors import GeoInputError
from geo.settings import WORKING_CRS
from geo.wards import assign_wards, read_wards
from tests.conftest import ORIGIN


def _points(*xy):
    ox, oy = ORIGIN
    return gpd.GeoDataFrame(
        {"n": range(len(xy))},
        geometry=[Point(ox + x, oy + y) for x, y in xy],
        crs=WORKING_CRS,
        index=[10 * i for i in range(len(xy))],
    )


def test_assign_inside_edge_nearest_and_outside(wards):
    pts = _points((50, 50), (100, 50), (150, 50), (230, 50), (500, 50), (100, 100))
    before = pts.copy()
    out = assign_wards(pts, wards, tolerance_m=40)
    assert out.index.tolist() == pts.index.tolist()
    assert out["ward_code"].tolist()[:4] == ["A", "A", "B", "B"]
    assert out["ward_code"].isna().tolist() == [False] * 4 + [True, False]
    assert out["ward_match"].tolist() == [
        "within", "within", "within", "nearest", "outside", "within",
    ]  # fmt: skip
    assert_geodataframe_equal(pts, before)


def test_nearest_within_tolerance_is_inclusive(wards):
    pts = _points((230, 50))  # exactly 30 m east of ward B
    assert assign_wards(pts, wards, tolerance_m=30)["ward_code"].tolist() == ["B"]
    assert assign_wards(pts, wards, tolerance_m=29.9)["ward_match"].tolist() == [
        "outside"
    ]


def test_assign_empty_and_wrong_crs(wards):
    empty = _points()
    assert assign_wards(empty, wards).empty
    with pytest.raises(GeoInputError, match="geographic CRS"):
        assign_wards(_points((1, 1)).to_crs("EPSG:4326"), wards)


def _write(gdf, tmp_path, name="w.geojson"):
    path = tmp_path / name
    gdf.to_file(path)
    return path


def test_read_wards_detects_columns_and_reprojects(wards, tmp_path):
    src = wards.rename(columns={"ward_code": "WD23CD", "ward_name": "WD23NM"})
    src["WD23NMW"] = ""
    path = _write(src.to_crs("EPSG:4326"), tmp_path)
    got = read_wards(path)
    assert got.crs == WORKING_CRS
    assert got["ward_code"].tolist() == ["A", "B"]
    assert got["ward_name"].tolist() == ["Ward A", "Ward B"]
    assert got.attrs["code_column"] == "WD23CD"
    assert np.allclose(got.area, 10_000, rtol=1e-6)


def test_read_wards_repairs_bowtie_and_merges_parts(tmp_path):
    ox, oy = ORIGIN
    bowtie = Polygon([(ox, oy), (ox + 10, oy + 10), (ox + 10, oy), (ox, oy + 10)])
    gdf = gpd.GeoDataFrame(
        {"ward_code": ["A", "B", "B"], "ward_name": ["a", "b", "b"]},
        geometry=[
            bowtie,
            box(ox + 20, oy, ox + 30, oy + 10),
            box(ox + 40, oy, ox + 50, oy + 10),
        ],
        crs=WORKING_CRS,
    )
    got = read_wards(_write(gdf, tmp_path, "w.gpkg"))
    assert got.attrs["repaired"] == 1
    assert got.attrs["merged"] == 1
    assert got["ward_code"].tolist() == ["A", "B"]
    assert got.is_valid.all()
    assert got.area.round(6).tolist() == [50.0, 200.0]


def test_read_wards_bad_inputs(wards, tmp_path):
    lines = gpd.GeoDataFrame(
        {"ward_code": ["A"]},
        geometry=[shapely.LineString([ORIGIN, (ORIGIN[0] + 5, ORIGIN[1] + 5)])],
        crs=WORKING_CRS,
    )
    with pytest.raises(GeoInputError, match="no polygons"):
        read_wards(_write(lines, tmp_path, "lines.gpkg"))

    clash = wards.assign(ward_code=["A", "A"])
    with pytest.raises(GeoInputError, match="different names"):
        read_wards(_write(clash, tmp_path, "clash.gpkg"))

    with pytest.raises(GeoInputError, match="no ward code column"):
        read_wards(
            _write(wards[["geometry"]].assign(foo=[1, 2]), tmp_path, "nocode.gpkg")
        )

    with pytest.raises(GeoInputError, match="no column 'CODE'"):
        read_wards(_write(wards, tmp_path, "ok.gpkg"), code_col="CODE")

    with pytest.raises(GeoInputError, match="does not exist"):
        read_wards(tmp_path / "missing.geojson")

    junk = tmp_path / "junk.geojson"
    junk.write_text("this is not json")
    with pytest.raises(GeoInputError, match="not a vector file"):
        read_wards(junk)


def test_crs_that_does_not_fit_the_coordinates(wards, tmp_path):
    # metres in a file that claims degrees
    feats = json.loads(wards.to_json())
    feats["crs"] = {
        "type": "name",
        "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"},
    }
    path = tmp_path / "liar.geojson"
    path.write_text(json.dumps(feats))
    with pytest.raises(GeoInputError, match="which are metres"):
        read_wards(path)
    # degrees in a file that claims BNG
    deg = wards.to_crs("EPSG:4326").set_crs(WORKING_CRS, allow_override=True)
    with pytest.raises(GeoInputError, match="looks like degrees"):
        read_wards(_write(deg, tmp_path, "deg.gpkg"))


def test_no_crs_needs_assume_crs(wards, tmp_path):
    path = tmp_path / "w.shp"
    with pytest.warns(UserWarning, match="crs"):
        wards.set_crs(None, allow_override=True).to_file(path)
    with pytest.raises(GeoInputError, match="has no CRS"):
        read_wards(path)
    assert read_wards(path, assume_crs=WORKING_CRS)["ward_code"].tolist() == ["A", "B"]


@pytest.mark.real_data
@pytest.mark.parametrize(("vintage", "code"), [("2013", "WD13CD"), ("2023", "WD23CD")])
def test_real_blackpool_wards_match_independent_count(real_data, vintage, code):
    from geo.incidents import read_incidents

    incidents = read_incidents(real_data / "police_uk" / "blackpool").incidents
    path = real_data / "boundaries" / f"blackpool_wards_{vintage}.geojson"
    wards = read_wards(path)
    tags = assign_wards(incidents, wards)
    # Independent count: plain geopandas point-in-polygon on every row.
    raw = gpd.read_file(path).to_crs(WORKING_CRS)
    joined = gpd.sjoin(
        incidents[["geometry"]], raw[[code, "geometry"]], predicate="within"
    )
    assert not joined.index.duplicated().any()  # no point inside two wards
    independent = joined[code].value_counts()
    within = tags[tags["ward_match"] == "within"]["ward_code"].value_counts()
    assert within.sort_index().equals(independent.sort_index().rename("count"))
    # 178 rows at the coast and pier fall just outside, and are given the nearest ward
    assert (tags["ward_match"] == "nearest").sum() == 178
    assert (tags["ward_match"] == "outside").sum() == 0
    assert len(wards) == 21
    assert tags["ward_code"].nunique() == 21


def test_read_area_repairs_and_unions_polygons(wards, tmp_path):
    from geo.wards import read_area

    ox, oy = ORIGIN
    bowtie = Polygon([(ox, oy), (ox + 10, oy + 10), (ox + 10, oy), (ox, oy + 10)])
    shapes = gpd.GeoDataFrame(
        {"name": ["square", "bowtie", "line"]},
        geometry=[box(ox + 20, oy, ox + 30, oy + 10), bowtie,
                  shapely.LineString([(ox, oy), (ox + 50, oy)])],
        crs=WORKING_CRS,
    ).to_crs("EPSG:4326")  # fmt: skip
    path = tmp_path / "target.gpkg"
    shapes.to_file(path)
    area = read_area(path)
    assert area.area == pytest.approx(100 + 50, rel=1e-6)  # square + repaired bowtie
    lines = shapes.iloc[[2]]
    lines.to_file(tmp_path / "lines.gpkg")
    with pytest.raises(GeoInputError, match="has no polygons"):
        read_area(tmp_path / "lines.gpkg", role="target file")
    junk = tmp_path / "junk.geojson"
    junk.write_text("{not json")
    with pytest.raises(GeoInputError, match=r"target file .* is not a vector file"):
        read_area(junk, role="target file")
