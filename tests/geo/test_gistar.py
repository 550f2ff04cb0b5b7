"""Getis-Ord Gi* on a grid: pinned values worked out by hand (Getis and Ord 1995).

Gi* of cell i, with binary weights w_ij on the cell and its queen neighbours,
n cells, mean X and S = sqrt(sum x^2 / n - X^2):

    Gi* = (sum_j w_ij x_j - X sum_j w_ij)
          / (S sqrt((n sum_j w_ij^2 - (sum_j w_ij)^2) / (n - 1)))

The fixture: a 4 x 4 grid of 100 m cells (n = 16) whose bottom-left cell holds all
16 incidents, so X = 1, sum x^2 = 256 and S = sqrt(256 / 16 - 1) = sqrt(15).
"""

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.stats import norm

from geo.errors import GeoInputError
from geo.gistar import gi_star_grid
from geo.settings import WORKING_CRS

AREA = shapely.box(0, 0, 400, 400)


@pytest.fixture
def corner() -> gpd.GeoDataFrame:
    """Sixteen incidents at (50, 50): all in the bottom-left cell (row 0, col 0)."""
    return gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([50.0] * 16, [50.0] * 16), crs=WORKING_CRS
    )


def _z(grid: gpd.GeoDataFrame, row: int, col: int) -> float:
    return float(grid["gi_z"].iloc[row * 4 + col])  # rows from the bottom left


@pytest.mark.parametrize(
    ("row", "col", "expected"),
    [
        # corner, 4 weights, sum wx = 16: (16 - 4) / sqrt(15 (16*4 - 16) / 15)
        (0, 0, 12 / math.sqrt(48)),
        # edge, 6 weights holding the busy cell: (16 - 6) / sqrt(16*6 - 36)
        (0, 1, 10 / math.sqrt(60)),
        # interior, 9 weights holding it: (16 - 9) / sqrt(16*9 - 81)
        (1, 1, 7 / math.sqrt(63)),
        # edge, 6 weights without it: (0 - 6) / sqrt(60)
        (0, 2, -6 / math.sqrt(60)),
        # the far corner: (0 - 4) / sqrt(48)
        (3, 3, -4 / math.sqrt(48)),
    ],
)
def test_gi_star_worked_by_hand(corner, row, col, expected):
    grid = gi_star_grid(corner, cell_m=100, area=AREA, fdr=False)
    assert len(grid) == 16
    assert _z(grid, row, col) == pytest.approx(expected, abs=1e-4)
    p = float(grid["p_value"].iloc[row * 4 + col])
    assert p == pytest.approx(2 * norm.sf(abs(expected)), abs=1e-4)


def test_counts_and_classes(corner):
    grid = gi_star_grid(corner, cell_m=100, area=AREA, fdr=False)
    assert grid["count"].tolist() == [16] + [0] * 15
    # z = sqrt(3) = 1.73: p = 0.083, hot at 90% only; nothing reaches 95%
    assert grid["category"].iloc[0] == "Hot spot 90%"
    assert (grid["hot_cold"] == 1).sum() == 1
    assert (grid["hot_cold"] == -1).sum() == 0


def test_uniform_counts_are_nowhere_significant():
    xs, ys = np.meshgrid(np.arange(50, 400, 100.0), np.arange(50, 400, 100.0))
    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(xs.ravel(), ys.ravel()), crs=WORKING_CRS
    )
    grid = gi_star_grid(pts, cell_m=100, area=AREA)
    assert (grid["gi_z"] == 0).all() and (grid["p_value"] == 1).all()
    assert set(grid["category"]) == {"Not significant"}


def test_bad_inputs(corner):
    with pytest.raises(GeoInputError, match="cell_m"):
        gi_star_grid(corner, cell_m=0, area=AREA)
    with pytest.raises(GeoInputError, match="is empty"):
        gi_star_grid(corner.iloc[:0], cell_m=100, area=AREA)
    with pytest.raises(GeoInputError, match="400,000"):
        gi_star_grid(corner, cell_m=0.1, area=AREA)


def test_uniform_points_in_an_l_shaped_area_are_not_hot():
    """An L-shaped study area (the coast does this): its bounding box's empty
    corner made 58 of 80 cells 'hot'. On the area's cells alone: at most 5%, and
    each z equals esda's with weights subset to those cells by libpysal."""
    import esda
    from libpysal.weights import lat2W, w_subset

    area = shapely.union(shapely.box(0, 0, 1000, 500), shapely.box(0, 0, 500, 1000))
    rng = np.random.default_rng(11)
    xy = rng.uniform(0, 1000, size=(6000, 2))
    xy = xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])][:2000]
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
                           crs=WORKING_CRS)  # fmt: skip
    grid = gi_star_grid(pts, cell_m=100, area=area)
    assert len(grid) == 75  # 50 + 25 cells of 100 m
    assert (grid["hot_cold"] == 1).mean() <= 0.05
    # independently: queen weights of the whole 10 x 10 grid, subset to the L
    inside = [r * 10 + c for r in range(10) for c in range(10) if r < 5 or c < 5]
    w = w_subset(lat2W(10, 10, rook=False), inside, silence_warnings=True)
    w.transform = "B"
    g = esda.G_Local(grid["count"].to_numpy(float), w, transform="B", star=True,
                     permutations=0)  # fmt: skip
    assert np.allclose(grid["gi_z"], np.round(g.Zs, 4))


def test_gi_bin_as_arcgis_writes_it(corner):
    grid = gi_star_grid(corner, cell_m=100, area=AREA, fdr=False)
    # the corner: z = sqrt(3), p = 0.083: 90% confidence, hot
    assert grid["gi_bin"].iloc[0] == 1
    assert set(grid["gi_bin"].iloc[1:]) == {0}
    assert (np.sign(grid["gi_bin"]) == grid["hot_cold"]).all()


def test_the_gistar_command_writes_the_cells_for_qgis(tmp_path):
    from app.cli import main
    from app.data import demo_dataset

    out = tmp_path / "gi.geojson"
    ws = demo_dataset().workspace
    wards = "2023 wards (from May 2023)"
    assert main(["gistar", "--workspace", ws, "--wards", wards, "--period", "2023/24",
                 "--type", "ASB", "--out", str(out)]) == 0  # fmt: skip
    cells = gpd.read_file(out)
    assert list(cells.columns) == ["count", "z", "p", "p_fdr", "gi_bin", "geometry"]
    assert set(cells["gi_bin"]) <= {-3, -2, -1, 0, 1, 2, 3}
    assert (cells["gi_bin"] > 0).sum() > 0  # the planted hotspots
    assert (cells["p_fdr"] >= cells["p"] - 1e-12).all()
