"""Read-only constants shared by the analysis modules.

Every distance here is in metres, in :data:`WORKING_CRS`.
"""

from typing import Final

__all__ = [
    "ASB",
    "DEFAULT_CAMERA_RANGE_M",
    "DEFAULT_EPS_M",
    "DEFAULT_MIN_SAMPLES",
    "DISPLAY_CRS",
    "MAX_FIELD_CHARS",
    "NOISE",
    "WARD_TOLERANCE_M",
    "WORKING_CRS",
]

WORKING_CRS: Final = "EPSG:27700"
"""British National Grid, metres: the only CRS analysis happens in."""

DISPLAY_CRS: Final = "EPSG:4326"
"""Longitude/latitude, for maps and exports only."""

WARD_TOLERANCE_M: Final = 100.0
"""How far outside every ward polygon a point may fall and still be given the
nearest ward. Generalised ward boundaries cut the coastline short: 178 police.uk
rows of Blackpool (2019-2022) on the promenade and piers fall 4-15 m outside them."""

NOISE: Final = -1
"""Hotspot label of an incident that is in no hotspot (DBSCAN noise)."""

DEFAULT_EPS_M: Final = 100.0
"""Fallback DBSCAN neighbourhood radius in metres, when none is chosen from data."""

DEFAULT_MIN_SAMPLES: Final = 15
"""Fallback DBSCAN minimum weighted neighbourhood size."""

DEFAULT_CAMERA_RANGE_M: Final = 100.0
"""Range of a camera whose list gives none: a full circle of this radius."""

ASB: Final = "Anti-social behaviour"
"""police.uk's crime type for anti-social behaviour; its counts are reports."""

MAX_FIELD_CHARS = 1_000
"""Longest text field kept whole: police.uk's longest (a street or place name, a
crime type, an outcome) is well under 100 characters. Longer fields are cut and
counted (:attr:`geo.quality.QualityReport.cut_fields`), so a hostile file cannot
grow the workspace or every read from it."""
