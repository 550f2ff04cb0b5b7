"""Private: distinct locations of point frames (police.uk points are snapped).

Incident frames hold one point per row, but police.uk snaps every incident to
one of a few map points: a force's 500,000 rows sit on ~40,000 places. The
analyses cluster, tag and draw the places, not the rows. :class:`PointsByPlace`
keeps a frame's points as each row's place number and each place's x and y,
and builds the shapely Points only when something asks for geometry (1,000,000
of them take half a second to build), so the analyses read coordinates and
places without building a geometry at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import GeometryArray, from_wkb

__all__ = [
    "DistinctPoints",
    "PointsByPlace",
    "distinct_points",
    "point_xy",
    "points_by_place",
]


@dataclass(frozen=True, kw_only=True)
class DistinctPoints:
    """Each row's location number (``codes``), and each location's x, y and count.

    Locations are numbered in order of their first row.
    """

    codes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    counts: np.ndarray


def distinct_points(points: gpd.GeoDataFrame) -> DistinctPoints:
    """Find the distinct locations of a frame of points, and each row's location."""
    array = points.geometry.array
    if isinstance(array, PointsByPlace) and array.lazy:
        if _first_row_order(array.place, array.place_x.size):
            codes, ux, uy = array.place, array.place_x, array.place_y
        else:
            codes, used = pd.factorize(array.place)  # first-row order, as below
            ux, uy = array.place_x[used], array.place_y[used]
    else:
        x, y = point_xy(points)
        # one complex key per location: hashing it is ~13x faster than a MultiIndex
        codes, uniq = pd.factorize(x + 1j * y)
        ux, uy = uniq.real, uniq.imag
    ux = np.ascontiguousarray(ux, dtype=float)
    uy = np.ascontiguousarray(uy, dtype=float)
    counts = np.bincount(codes, minlength=len(ux)).astype(np.int64)
    return DistinctPoints(codes=codes, x=ux, y=uy, counts=counts)


def _first_row_order(place: np.ndarray, k: int) -> bool:
    """Whether places 0..k-1 are all used and numbered in order of first row.

    Then they are already what :func:`pandas.factorize` would make of them
    (true of a frame as read, before rows are chosen from it).
    """
    if place.size == 0:
        return k == 0
    seen = np.maximum.accumulate(place)
    return bool(
        place[0] == 0 and seen[-1] == k - 1 and (place[1:] <= seen[:-1] + 1).all()
    )


def point_xy(points: gpd.GeoDataFrame | gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Read the x and y of each point, without building Points not yet built.

    (``GeoSeries.x`` goes through a plain geometry array, which builds them.)
    """
    array = points.geometry.array
    if isinstance(array, PointsByPlace) and array.lazy:
        return array.x, array.y
    return shapely.get_x(array._data), shapely.get_y(array._data)


def points_by_place(
    place: np.ndarray, x: np.ndarray, y: np.ndarray, crs
) -> gpd.GeoSeries:
    """Make a GeoSeries of Points: row i at (``x[place[i]]``, ``y[place[i]]``).

    ``x`` and ``y`` must hold each place once (no two places at one point).
    """
    return gpd.GeoSeries(PointsByPlace(place, x, y, crs=crs), crs=crs)


class PointsByPlace(GeometryArray):
    """A geopandas point array kept as place numbers, built on first use.

    Until something needs shapely geometries (``_data``), coordinates,
    subsets, copies, missing values and bounds come from the places; after,
    it is an ordinary :class:`~geopandas.array.GeometryArray` (edits included).
    Pickles as place numbers while unbuilt, else as an ordinary array.
    """

    def __init__(self, place, x, y, crs=None):
        self.place = np.asarray(place, dtype=np.int64)
        self.place_x = np.asarray(x, dtype=float)
        self.place_y = np.asarray(y, dtype=float)
        self._built = None
        self._crs = None
        self.crs = crs
        self._sindex = None

    @property
    def lazy(self) -> bool:
        """Whether the shapely Points are still unbuilt."""
        return self._built is None

    @property
    def _data(self) -> np.ndarray:
        if self._built is None:
            # one shared (immutable) Point per place
            self._built = shapely.points(self.place_x, self.place_y)[self.place]
        return self._built

    @_data.setter
    def _data(self, value: np.ndarray) -> None:
        self._built = value

    def __reduce__(self):
        if self.lazy:  # as place numbers: small, quick, and still unbuilt after
            return (PointsByPlace, (self.place, self.place_x, self.place_y, self.crs))
        return (from_wkb, (shapely.to_wkb(self._data), self.crs))

    def _subset(self, place: np.ndarray) -> PointsByPlace:
        return PointsByPlace(place, self.place_x, self.place_y, crs=self.crs)

    @property
    def size(self) -> int:
        return self.place.size if self.lazy else self._built.size

    def __getitem__(self, idx):
        if not self.lazy:
            return super().__getitem__(idx)
        if isinstance(idx, (int, np.integer)):
            i = self.place[idx]
            return shapely.Point(self.place_x[i], self.place_y[i])
        if not isinstance(idx, slice):
            idx = pd.api.indexers.check_array_indexer(self, idx)
        return self._subset(self.place[idx])

    def take(self, indices, allow_fill: bool = False, fill_value=None):
        indices = np.asarray(indices, dtype=np.int64)
        if not self.lazy or (allow_fill and (indices < 0).any()):
            return super().take(indices, allow_fill=allow_fill, fill_value=fill_value)
        return self._subset(self.place.take(indices))

    def copy(self, *args, **kwargs):
        return self._subset(self.place.copy()) if self.lazy else super().copy()

    def isna(self) -> np.ndarray:
        return np.zeros(self.place.size, bool) if self.lazy else super().isna()

    @property
    def is_empty(self) -> np.ndarray:
        return np.zeros(self.place.size, bool) if self.lazy else super().is_empty

    @property
    def x(self) -> np.ndarray:
        return self.place_x[self.place] if self.lazy else super().x

    @property
    def y(self) -> np.ndarray:
        return self.place_y[self.place] if self.lazy else super().y

    @property
    def total_bounds(self) -> np.ndarray:
        if not self.lazy or self.place.size == 0:
            return super().total_bounds
        used = np.unique(self.place)
        x, y = self.place_x[used], self.place_y[used]
        return np.array([x.min(), y.min(), x.max(), y.max()])
