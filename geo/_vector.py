"""Private: read any vector file (boundaries, points, areas) with clear errors."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio

from geo.errors import GeoInputError

__all__ = ["read_vector"]

_NO_CRS_HINT = "save it with one (GeoJSON is EPSG:4326; a shapefile needs its .prj)."


def read_vector(
    path: str | Path,
    *,
    role: str,
    assume_crs: str | None = None,
    no_crs_hint: str = _NO_CRS_HINT,
) -> gpd.GeoDataFrame:
    """Read any vector file geopandas reads, in its own CRS.

    ``role`` names the file in messages ("boundary file", "camera list" ...). A
    file without a CRS gets ``assume_crs``, or is refused with ``no_crs_hint``.
    """
    path = Path(path)
    if not path.exists():
        msg = f"{role} {str(path)!r} does not exist; check the path."
        raise GeoInputError(msg)
    try:
        gdf = gpd.read_file(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        # every pyogrio error derives from one of these two
        msg = (
            f"{role} {str(path)!r} is not a vector file geopandas can read ({err}); "
            "give GeoJSON, GeoPackage or a Shapefile."
        )
        raise GeoInputError(msg) from err
    if gdf.crs is None:
        if assume_crs is None:
            msg = f"{role} {str(path)!r} has no CRS; {no_crs_hint}"
            raise GeoInputError(msg)
        gdf = gdf.set_crs(assume_crs)
    return gdf
