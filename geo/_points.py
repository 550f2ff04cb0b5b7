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
    # one complex key per location: hashing it is ~13x faster than a MultiIndex
    codes, uniq = pd.factorize(x + 1j * y)
    ux = np.ascontiguousarray(uniq.real, dtype=float)
    uy = np.ascontiguousarray(uniq.imag, dtype=float)
    counts = np.bincount(codes, minlength=len(ux)).astype(np.int64)
    return DistinctPoints(codes=codes, x=ux, y=uy, counts=counts)
