"""Private: distinct locations of point frames (police.uk points are snapped)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = ["DistinctPoints", "distinct_points"]


@dataclass(frozen=True)
class DistinctPoints:
    """Each row's location number (``codes``), and each location's x, y and count."""

    codes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    counts: np.ndarray


def distinct_points(points: gpd.GeoDataFrame) -> DistinctPoints:
    x = points.geometry.x.to_numpy()
    y = points.geometry.y.to_numpy()
    codes, uniq = pd.factorize(pd.MultiIndex.from_arrays([x, y]))
    ux = np.asarray(uniq.get_level_values(0), dtype=float)
    uy = np.asarray(uniq.get_level_values(1), dtype=float)
    counts = np.bincount(codes, minlength=len(ux)).astype(np.int64)
    return DistinctPoints(codes=codes, x=ux, y=uy, counts=counts)
