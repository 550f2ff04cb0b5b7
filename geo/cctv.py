"""CCTV: camera coverage of hotspots, the gaps, new sites, and before/after.

A camera with a bearing and field of view sees a sector (bearing in degrees
clockwise from north, field of view in degrees, range in metres); without them a
full circle. A camera without a range gets :data:`DEFAULT_CAMERA_RANGE_M`, said so
in every output. Coverage is computed exactly (distance and angle), not from the
polygon drawn on the map: a point at exactly the range, or on a sector's edge,
counts as covered.

:func:`cctv_assessment` answers the CCTV question in one call. Its parts live in
private modules along their seams: the camera list (:mod:`geo._camera_list`),
coverage and new sites (:mod:`geo._coverage`), before/after go-live
(:mod:`geo._before_after`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo._before_after import (
    ALPHA,
    BRIEF_MONTHS,
    METHOD,
    BeforeAfter,
    Impact,
    assessed_cameras,
    before_after,
    impact,
)
from geo._camera_list import (
    CameraList,
    camera_views,
    covered_by,
    read_cameras,
    register_cameras,
)
from geo._coverage import (
    COVERAGE_COLUMNS,
    UNDER_COVERED,
    Coverage,
    coverage,
    suggest_sites,
)
from geo.settings import DEFAULT_CAMERA_RANGE_M

__all__ = [
    "ALPHA",
    "BRIEF_MONTHS",
    "COVERAGE_COLUMNS",
    "METHOD",
    "UNDER_COVERED",
    "BeforeAfter",
    "CCTVAssessment",
    "CameraList",
    "Coverage",
    "Impact",
    "assessed_cameras",
    "before_after",
    "camera_views",
    "cctv_assessment",
    "coverage",
    "covered_by",
    "impact",
    "read_cameras",
    "register_cameras",
    "suggest_sites",
]


@dataclass(frozen=True, kw_only=True)
class CCTVAssessment:
    """Cameras against a period's hotspots: the CCTV question's one answer.

    Attributes
    ----------
    hotspots : Hotspots
        The hotspots assessed (the period's patrol hotspots, or another
        analysis's, e.g. displacement's).
    coverage : Coverage
        Today's cameras: per hotspot and a row ``all`` for every incident.
    with_proposed : Coverage or None
        The same with the proposed cameras added (the what-if).
    sites : GeoDataFrame
        Suggested new sites (:func:`suggest_sites`), around the cameras and
        proposed cameras together.
    views : GeoDataFrame
        What every camera, proposed ones too, sees (:func:`camera_views`).
    cameras, proposed : int
        How many cameras watch today, and how many are proposed.
    notes : list of str
        The camera list's notes (default ranges said) and the headline.
    """

    hotspots: object
    coverage: Coverage
    with_proposed: Coverage | None
    sites: gpd.GeoDataFrame
    views: gpd.GeoDataFrame
    cameras: int
    proposed: int
    notes: list[str] = field(default_factory=list)

    @property
    def covered_share(self) -> float:
        """The share of the period's incidents in today's cameras' view."""
        return float(self.coverage.table.iloc[-1]["covered_share"])


def cctv_assessment(
    incidents: gpd.GeoDataFrame,
    cameras: CameraList,
    *,
    found,
    proposed: gpd.GeoDataFrame | None = None,
    sites: int = 3,
    range_m: float = DEFAULT_CAMERA_RANGE_M,
    unit: str = "incidents",
) -> CCTVAssessment:
    """Assess the cameras against a period's hotspots, with a what-if and new sites.

    Parameters
    ----------
    incidents : GeoDataFrame
        The period's incidents (the ones ``found`` clustered).
    cameras : CameraList
        The cameras watching (e.g. ``Workspace.camera_list()``).
    found : Hotspots
        The hotspots to assess: their ``labels`` align with ``incidents``.
    proposed : GeoDataFrame, optional
        Proposed cameras (register rows with a range) for the what-if.
    sites : int
        How many new sites to suggest.
    range_m : float
        The range of a suggested site's camera, metres.
    unit : str
        What is counted ("reports" for ASB), for the headline.

    Returns
    -------
    CCTVAssessment
    """
    today = cameras.cameras
    cov = coverage(incidents, today, found.labels)
    every = today
    with_proposed = None
    if proposed is not None and not proposed.empty:
        every = pd.concat([today, proposed.to_crs(today.crs)])
        with_proposed = coverage(incidents, every, found.labels)
    total = cov.table.iloc[-1]
    headline = (
        f"{total['covered_incidents']:,} of {total['incidents']:,} {unit} "
        f"({total['covered_share']:.1%}) are in camera view; "
        f"{len(cov.uncovered)} of {len(cov.table) - 1} hotspot(s) have under "
        f"{UNDER_COVERED:.0%} of their {unit} in view."
    )
    return CCTVAssessment(
        hotspots=found,
        coverage=cov,
        with_proposed=with_proposed,
        sites=suggest_sites(incidents, every, found.labels, k=sites, range_m=range_m),
        views=camera_views(every),
        cameras=len(today),
        proposed=len(every) - len(today),
        notes=[*cameras.notes, headline],
    )
