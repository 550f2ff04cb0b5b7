"""Private: the workspace's read path: incidents of chosen periods and types.

The rows are counted per month and type to say what is dropped and why, then
fetched with their stored ward tags, the repeated texts taken once each.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.errors import GeoInputError
from geo.incidents import LoadedIncidents, incidents_frame
from geo.load import missing_in_periods, resolve_types, select_rows, tag_wards
from geo.periods import HELD_MONTHS, Period
from geo.quality import QualityReport
from geo.workspace._boundaries import (
    _set_tolerance,
    _wards_of,
)
from geo.workspace._store import (
    LABELLED,
)


def _load(con, *, wards, periods, types, tolerance_m, allow_empty) -> LoadedIncidents:
    stored = isinstance(wards, str)
    if stored:
        boundaries = _wards_of(con, wards)
        if float(tolerance_m) != _set_tolerance(con, wards):
            stored = False  # another tolerance: work the wards out afresh
            wards = boundaries
    area = wards if stored else None  # read only the rows of the set's area
    agg = _aggregate(con, area)
    quality = QualityReport()
    files = sorted({int(f) for f in agg["file_id"]}) if area else None
    _stored_drops(con, quality, files)
    quality.read += int(agg["n"].sum())
    quality.files = _file_names(con, files)
    quality.forces = sorted({f for f in agg["force"].dropna() if f})
    if area is not None:
        total = con.execute("SELECT count(*) FROM incident_data").fetchall()[0][0]
        quality.elsewhere = int(total) - int(agg["n"].sum())
    if agg.empty:
        where = f" in boundary set {area!r}'s area" if area else ""
        held = f" (it holds {quality.elsewhere:,} rows elsewhere)" if area else ""
        msg = (
            f"no usable incidents in the workspace{where}{held}; import the "
            "police.uk files covering it first."
        )
        raise GeoInputError(msg)
    quality.months_in_data = (
        _months_of_feeds(con, files, quality.forces)
        if area
        else sorted(agg["month"].unique())
    )
    chosen = resolve_types(agg["crime_type"].dropna().unique().tolist(), types)
    _, dropped = select_rows(
        agg["month"],
        agg["crime_type"],
        weight=agg["n"].to_numpy(),
        types=chosen,
        periods=periods,
        allow_empty=allow_empty,
    )
    for reason, n in dropped.items():
        quality.drop(reason, n)
    quality.missing_months = missing_in_periods(
        periods, quality.months_in_data, allow_empty=allow_empty
    )
    rows = _fetch(con, chosen, periods, area)
    incidents = incidents_frame(rows)
    if stored:
        tags = _stored_tags(con, wards, rows["loc_id"].to_numpy())
        incidents = tag_wards(incidents, boundaries, tolerance_m, quality, tags=tags)
    elif wards is not None:
        incidents = tag_wards(incidents, wards, tolerance_m, quality)
    quality.kept = len(incidents)
    quality.months = sorted(incidents["month"].unique().tolist())
    incidents.attrs[HELD_MONTHS] = list(quality.months_in_data)
    return LoadedIncidents(incidents=incidents, quality=quality)


AREA = (
    "loc_id IN (SELECT loc_id FROM location_wards WHERE set_name = $area "
    "AND match <> 'outside')"
)
"""SQL: a row is on a map point of the boundary set's area (within its
tolerance). Workspaces written before areas were scoped also hold the points
outside, marked so."""


def _file_names(con, files: list[int] | None) -> list[str]:
    rows = con.execute("SELECT file_id, name FROM files ORDER BY file_id").fetchall()
    keep = None if files is None else set(files)
    return [name for file_id, name in rows if keep is None or file_id in keep]


def _months_of_feeds(con, files: list[int], forces: list[str]) -> list[str]:
    """List the months held for the forces (feeds) of an area's rows.

    A month with no row in a small area is still a month police.uk published
    for its force.
    """
    if not files:
        return []
    marks = ", ".join("?" for _ in forces) or "NULL"
    return [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT month FROM releases WHERE feed IN ({marks}) OR feed "
            "IN (SELECT feed FROM files WHERE file_id IN "
            f"({', '.join(map(str, files))})) ORDER BY 1",
            list(forces),
        ).fetchall()
    ]


def _stored_tags(con, set_name: str, loc_ids: np.ndarray) -> pd.DataFrame:
    """Each row's stored ward (``ward_code, ward_name, ward_match``) by map point.

    The set's tags are read once per map point and taken for the rows by
    pyarrow (quicker than joining them to every row in the query).
    """
    held = con.sql(
        "SELECT loc_id, ward_code, ward_name, match FROM location_wards "
        "WHERE set_name = ?",
        params=[set_name],
    ).to_arrow_table()
    ids = held["loc_id"].to_numpy()
    top = max(int(ids.max(initial=-1)), int(loc_ids.max(initial=-1))) + 1
    lookup = np.full(top, -1, np.int64)
    lookup[ids] = np.arange(ids.size)
    pos = lookup[loc_ids]
    take = pa.array(pos, mask=pos < 0)  # a point without a tag: outside
    return pd.DataFrame(
        {
            "ward_code": pd.array(held["ward_code"].take(take), dtype="str"),
            "ward_name": pd.array(held["ward_name"].take(take), dtype="str"),
            "ward_match": pd.array(
                held["match"].take(take).fill_null("outside"), dtype="str"
            ),
        }
    )


def _aggregate(con, area: str | None = None) -> pd.DataFrame:
    """Count the rows held per month, crime type, force and file.

    Enough to say what a load leaves out. With ``area`` (a stored boundary
    set), its rows only, from the small table of area counts each import keeps
    whole (:func:`geo.workspace._store.count_areas`): no scan of every row.
    """
    inner = (
        "SELECT month_label, crime_type_label, force_label, file_id, sum(n) AS n "
        "FROM area_counts WHERE set_name = $area GROUP BY ALL"
        if area
        else "SELECT month_label, crime_type_label, force_label, file_id, "
        "count(*) AS n FROM incident_data GROUP BY ALL"
    )
    return con.execute(
        "SELECT lm.label AS month, lc.label AS crime_type, lf.label AS force, "
        f"file_id, n FROM ({inner}) "
        "JOIN labels lm ON lm.label_id = month_label "
        "LEFT JOIN labels lc ON lc.label_id = crime_type_label "
        "LEFT JOIN labels lf ON lf.label_id = force_label "
        "ORDER BY month, crime_type",
        {"area": area} if area else None,
    ).df()


def _stored_drops(con, quality: QualityReport, files: list[int] | None) -> None:
    """Rows dropped at import, of ``files`` only (an area's) when given."""
    where = ""
    if files is not None:
        where = f"WHERE file_id IN ({', '.join(map(str, files)) or 'NULL'}) "
    for reason, n in con.execute(
        f"SELECT reason, sum(n) FROM drops {where}GROUP BY reason ORDER BY reason"
    ).fetchall():
        quality.read += int(n)
        quality.drop(reason, int(n))


def _fetch(
    con, types: list[str], periods: Sequence[Period], area: str | None = None
) -> pa.Table:
    """Read the chosen rows as ``incident_rows`` has them, in the order read.

    From the stored numbers, not the view, so DuckDB neither joins nor sorts:
    texts are looked up by pyarrow in ``labels`` and the list of files, and
    those with few distinct values come as dictionary arrays (only the values
    present, sorted). Rows come back in stored order, which is ``seq`` order
    (checked; sorted if ever not).
    """
    files = con.execute("SELECT file_id, name, base FROM files").fetchall()
    top = max((f[0] for f in files), default=0)
    names: list[str | None] = [None] * (top + 1)
    bases = names[1:]
    for file_id, name, base in files:
        names[file_id], bases[file_id - 1] = name, base  # DuckDB lists count from 1
    labels = _Labels(con)
    where = []
    if types:
        where.append(f"crime_type_label IN ({labels.ids_of(lambda t: t in types)})")
    if periods:
        where.append(
            "month_label IN "
            f"({labels.ids_of(lambda m: any(p.start <= m <= p.end for p in periods))})"
        )
    if area:
        where.append(AREA)
    codes = ", ".join(LABELLED[c] for c in ("month", *_FETCH_LABELLED))
    sql = (
        "SELECT seq, coalesce(incident_id, $bases[file_id] || ':' || line) AS "
        f"incident_id, {codes}, file_id, loc_id, x, y FROM incident_data "
        + (f"WHERE {' AND '.join(where)}" if where else "")
    )
    params = {"bases": bases, **({"area": area} if area else {})}
    rows = con.sql(sql, params=params).to_arrow_table()
    seq = rows["seq"].to_numpy()
    if seq.size > 1 and not (seq[1:] > seq[:-1]).all():
        rows = rows.take(pa.array(np.argsort(seq, kind="stable")))
    out = {
        "incident_id": rows["incident_id"],
        "month": labels.texts(rows[LABELLED["month"]]),
    }
    for column in _FETCH_LABELLED:
        out[column] = labels.dictionary(rows[LABELLED[column]])
    out["source"] = _dictionary(
        rows["file_id"].to_numpy(), pa.array(names, pa.string())
    )
    for column in ("loc_id", "x", "y"):
        out[column] = rows[column]
    return pa.table(out)


_FETCH_LABELLED = ("crime_type", "location", "lsoa_code", "outcome")


class _Labels:
    """The ``labels`` of a workspace, to turn stored numbers back into text."""

    def __init__(self, con) -> None:
        held = con.sql(
            "SELECT label_id, label FROM labels ORDER BY label_id"
        ).to_arrow_table()
        ids = held["label_id"].to_numpy()
        self.words = pa.concat_arrays(
            [pa.nulls(1, pa.string()), held["label"].combine_chunks()]
        )  # position 0: no label
        self.where = None  # numbered 1, 2, ... as imports number them: as is
        if not np.array_equal(ids, np.arange(1, ids.size + 1)):
            self.where = np.zeros(int(ids.max(initial=0)) + 1, np.int64)
            self.where[ids] = np.arange(1, ids.size + 1)
        self.ids = ids

    def ids_of(self, keep) -> str:
        """Return the numbers of the labels whose text passes ``keep`` (SQL list)."""
        chosen = [
            str(i) for i, w in zip(self.ids, self.words[1:].to_pylist(), strict=True)
            if keep(w)
        ]  # fmt: skip
        return ", ".join(chosen) or "NULL"

    def _positions(self, codes: pa.ChunkedArray) -> np.ndarray:
        codes = codes.fill_null(0) if codes.null_count else codes
        positions = codes.to_numpy()
        return positions if self.where is None else self.where[positions]

    def texts(self, codes: pa.ChunkedArray) -> pa.Array:
        """Return each row's text."""
        return self.words.take(pa.array(self._positions(codes)))

    def dictionary(self, codes: pa.ChunkedArray) -> pa.DictionaryArray:
        """Return each row's text as a dictionary array of the texts present."""
        return _dictionary(self._positions(codes), self.words)


def _dictionary(positions: np.ndarray, words: pa.Array) -> pa.DictionaryArray:
    """Rows as positions in ``words``: a dictionary of the values used, sorted.

    A position of a null word is a null row.
    """
    valid = words.is_valid().to_numpy(zero_copy_only=False)
    used = np.zeros(len(words), bool)
    used[positions] = True
    present = np.flatnonzero(used & valid)
    values = words.take(pa.array(present))
    order = np.asarray(pc.sort_indices(values), dtype=np.int64)
    rank = np.zeros(len(words), np.int32)
    rank[present[order]] = np.arange(order.size, dtype=np.int32)
    nulls = ~valid[positions] if (used & ~valid).any() else None
    indices = pa.array(rank[positions], mask=nulls)
    return pa.DictionaryArray.from_arrays(indices, values.take(pa.array(order)))
