"""Private input checks shared by the public functions (one place for messages)."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from geo.errors import GeoInputError

__all__ = [
    "require_columns",
    "require_min_int",
    "require_positive",
    "require_projected",
]


def require_projected(gdf: gpd.GeoDataFrame, *, name: str) -> None:
    if gdf.crs is None:
        msg = f"`{name}` has no CRS. Set one with `set_crs()` before analysis."
        raise GeoInputError(msg)
    if not gdf.crs.is_projected:
        msg = f"`{name}` is in geographic CRS {gdf.crs}; reproject with `to_crs()`."
        raise GeoInputError(msg)


def require_columns(df: pd.DataFrame, columns: Iterable[str], *, name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        msg = (
            f"`{name}` lacks column(s) {missing}; it has {list(df.columns)}. "
            "Rename the columns or name them explicitly."
        )
        raise GeoInputError(msg)


def require_positive(value: float, *, name: str, unit: str = "") -> None:
    # `not value > 0` also rejects NaN.
    if not isinstance(value, int | float) or not value > 0:
        msg = f"`{name}` must be a number above 0{unit}, got {value!r}."
        raise GeoInputError(msg)


def require_min_int(value: int, minimum: int, *, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        msg = f"`{name}` must be a whole number of at least {minimum}, got {value!r}."
        raise GeoInputError(msg)
