"""Hotspots police can patrol: DBSCAN in metres, ranked and described.

police.uk locations are snapped to a fixed set of map points, so clustering the
distinct locations weighted by their incident counts gives exactly the result of
clustering every row, much faster. The clustering is an exact grid-based DBSCAN
(:mod:`geo._grid_dbscan`, numba) that gives the same core points and clusters as
scikit-learn's, in linear memory and without scikit-learn's second of imports.

:func:`hotspots` is the one way in. Its parts live in private modules along
their seams: the clustering (:mod:`geo._clustering`), the default rule that
chooses the parameters (:mod:`geo._rule`) and the hotspot table
(:mod:`geo._hotspot_table`).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo._clustering import (
    Algorithm,
    _labels,
    _require_incidents,
    dbscan_labels,
    find_hotspots,
    hdbscan_hotspots,
    prepare,
)
from geo._hotspot_table import (
    HOTSPOT_COLUMNS,
    hotspot_table,
)
from geo._points import distinct_points
from geo._rule import (
    HotspotParameters,
    _fixed,
    _suggest,
    _unit,
    _with_floor,
    suggest_parameters,
)
from geo._validate import require_min_int

__all__ = [
    "HOTSPOT_COLUMNS",
    "HotspotParameters",
    "Hotspots",
    "dbscan_labels",
    "find_hotspots",
    "hdbscan_hotspots",
    "hotspot_table",
    "hotspots",
    "prepare",
    "suggest_parameters",
]


@dataclass(frozen=True, kw_only=True)
class Hotspots:
    """Hotspots of one set of incidents: parameters, per-incident labels, table."""

    parameters: HotspotParameters
    labels: pd.Series
    table: gpd.GeoDataFrame


def hotspots(
    incidents: gpd.GeoDataFrame,
    *,
    eps: float | None = None,
    min_samples: int | None = None,
    area_m2: float | None = None,
    algorithm: Algorithm = "auto",
    buffer_m: float | None = None,
    like: HotspotParameters | None = None,
) -> Hotspots:
    """Find, rank and describe hotspots; parameters not given are chosen from data.

    Without ``min_samples``, the local rule of :func:`suggest_parameters`
    applies (with ``eps`` if given); with it, plain DBSCAN. ``like`` holds this
    set to the standard of another's parameters (e.g. the period before): the
    same ``eps`` and floor, each place tested against its own surroundings.
    See :func:`find_hotspots` and :func:`hotspot_table` for the rest;
    ``buffer_m`` defaults to half of ``eps``: the hotspot's shape reaches that
    far beyond its outermost locations.
    """
    _require_incidents(incidents)
    where = distinct_points(incidents)  # once, for the rule and the clustering
    unit = _unit(incidents)
    if like is not None:
        eps = like.eps
        min_samples = like.min_samples if like.rule == "fixed" else None
    if min_samples is None:
        params = _suggest(where, area_m2=area_m2, eps=eps, unit=unit)
        if like is not None and like.rule == "local":
            params = _with_floor(params, like.min_samples)
    else:
        require_min_int(min_samples, 1, name="min_samples")
        params = _fixed(
            where, eps=eps, min_samples=min_samples, area_m2=area_m2, unit=unit
        )
    labels = _labels(
        where,
        incidents.index,
        params.eps,
        params.min_samples,
        algorithm,
        params.thresholds(),
    )
    margin = params.eps / 2 if buffer_m is None else buffer_m
    table = hotspot_table(incidents, labels, buffer_m=margin)
    return Hotspots(parameters=params, labels=labels, table=table)
