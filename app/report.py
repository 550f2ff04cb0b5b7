"""The committee's year-end performance report: one self-contained HTML file.

No network is needed to open it (map images are embedded PNGs drawn with
matplotlib, styles inline); it prints cleanly to PDF from a browser; every piece
of text taken from data is escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import geopandas as gpd
import pandas as pd

from app import tables
from app.figures import hotspot_map_png, ward_map_png
from app.html_doc import (
    REPORT_CSS,
    banner_html,
    img_html,
    list_html,
    section_html,
    table_html,
)
from app.html_tables import hotspot_rows
from geo.cctv import CameraList, cctv_assessment
from geo.change import Basis, WardChange, count_unit, ward_change
from geo.displacement import displacement_analysis
from geo.incidents import LoadedIncidents
from geo.patrol import patrol_hotspots, predicted_sentence
from geo.periods import Period, month_words
from geo.settings import ASB
from geo.synthetic import DEMO_LABEL


def build_report(
    loaded: LoadedIncidents,
    wards: gpd.GeoDataFrame,
    *,
    before: Period,
    after: Period,
    types: list[str],
    population: pd.DataFrame | None = None,
    cameras: CameraList | None = None,
    boundary_label: str = "",
    basis: Basis = "like-for-like",
    years: tuple[str, str] | None = None,
) -> str:
    """Build the report from loaded, ward-tagged incidents (every month held).

    ``types`` are the crime types of the ward and hotspot sections (ASB when
    present and none are given); the headline table covers every type. Every
    section compares on one ``basis`` (like-for-like months by default). The
    section across years covers ``years`` (first and last, "2019/20" or
    "2019"), by default every whole year held up to the after period's.
    """
    inc = loaded.incidents
    types = types or ([ASB] if (inc["crime_type"] == ASB).any() else [])
    focus = inc[inc["crime_type"].astype(str).isin(types)] if types else inc
    months = loaded.quality.months_in_data
    # across years, a month of the data that was not loaded counts as missing
    # (left out of every year), never as a month with nothing in it
    held = [m for m in months if m in set(loaded.quality.months)]
    everything = ward_change(
        inc, wards, before=before, after=after, months_with_data=months, basis=basis
    )
    chosen = ward_change(
        focus, wards, before=before, after=after, population=population,
        months_with_data=months, basis=basis,
    )  # fmt: skip
    label = " and ".join(types) if types else "all crime"
    parts = [
        _headline_section(everything, before, after),
        _focus_section(chosen, label),
        _ward_section(chosen, wards, label),
        _years_section(focus, wards, after, held, population, label, years),
        _hotspot_section(focus, wards, before, after, cameras, months, basis),
        _data_section(loaded, wards, before, after, boundary_label, chosen),
        _glossary_section(),
    ]
    title = f"Community safety performance: {before.label} to {after.label}"
    banner = banner_html(DEMO_LABEL if loaded.quality.synthetic else None)
    made = dt.datetime.now().strftime("%d %B %Y")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{REPORT_CSS}</style></head><body><main>"
        f"<h1>{escape(title)}</h1><div class='meta'>Produced {escape(made)} from "
        f"police.uk data</div>{banner}{''.join(parts)}</main></body></html>"
    )


def _basis_line(change: WardChange) -> str:
    return (
        f'<p class="basis"><b>Basis:</b> {escape(change.basis.label)}. Every '
        "figure in this section counts the same months; change = after - before, "
        "and % change = change / before.</p>"
    )


def _headline_section(change: WardChange, before: Period, after: Period) -> str:
    body = (
        "<p>Recorded crime and anti-social behaviour by police.uk category.</p>"
        + _basis_line(change)
        + table_html(tables.by_type_table(change), "by-type")
        + list_html(change.caveats, "caveat")
    )
    return section_html("Headlines by crime type", body, "headlines")


def _focus_section(change: WardChange, label: str) -> str:
    incomplete = not change.quarterly["complete"].all()
    body = (
        _basis_line(change)
        + "".join(f'<p class="headline">{escape(h)}</p>' for h in change.headlines)
        + "<h3>Quarter by quarter</h3>"
        + table_html(tables.quarters_table(change), "quarters")
        + (
            '<p class="caveat">* a month of the quarter has no data in one of the '
            "periods, so it is left out of both.</p>"
            if incomplete
            else ""
        )
        + "<h3>Month by month</h3>"
        + table_html(tables.months_table(change), "months")
        + list_html([c for c in change.caveats if "reports" in c], "caveat")
    )
    return section_html(f"{label}: the year in figures", body, "focus")


def _ward_section(change: WardChange, wards: gpd.GeoDataFrame, label: str) -> str:
    png = ward_map_png(
        wards, change.table, column="pct_change", title="Change (%)", diverging=True
    )
    per = " per month of data" if change.per_month else ""
    rates = (
        f" Rates are per 1,000 residents{per}."
        if change.table["population"].notna().any()
        else ""
    )
    body = (
        f"<p>{escape(label)} by ward, both periods counted on the same boundary set "
        "and the same months. A change is marked as more than chance when an exact "
        "test of the two counts, corrected for testing every ward "
        f"({change.alpha:.0%} false discovery rate), says so.{rates} The z-score "
        "says how far a ward's change is from no change, in standard errors "
        "(beyond about 2 either way is unusual); the adjusted p is the chance of "
        "so large a change if nothing had changed, adjusted for testing every "
        f"ward: under {change.alpha:g} is more than chance.</p>"
        + _basis_line(change)
        + img_html(png, "Map of the change by ward")
        + table_html(tables.ward_table(change), "ward-table")
    )
    return section_html("Ward by ward", body, "wards")


def report_years(
    after: Period, months: list[str], years: tuple[str, str] | None = None
) -> list[Period]:
    """List the years the report shows across.

    ``years`` as given (first and last; calendar years when written "2019"),
    partial years included (they are compared on like-for-like months); by
    default every whole year held of the after period's kind (calendar years
    when it is one, else financial) up to the year of its last month.
    """
    from geo.years import whole_years, year_periods

    if years is not None:
        first, last = years
        return year_periods(first, last, calendar=str(first).strip().isdigit())
    calendar, last_year = _year_kind(after)
    return [y for y in whole_years(months, calendar=calendar)
            if int(y.start[:4]) <= last_year]  # fmt: skip


def _year_kind(after: Period) -> tuple[bool, int]:
    """Whether the years are calendar years, and the first year of the last."""
    calendar = after.start.endswith("-01") and after.n_months == 12
    last_year = int(after.end[:4])  # the year holding the after period's end
    if not calendar and after.end[5:] < "04":
        last_year -= 1  # January to March belong to the year begun last April
    return calendar, last_year


def _years_section(
    focus, wards, after: Period, months, population, label, chosen
) -> str:
    from app.figures import years_small_multiples_png
    from geo.years import years_change

    years = report_years(after, months, chosen)
    if len(years) < 2:
        body = (
            "<p>The data holds fewer than two whole years up to "
            f"{escape(after.label)}, so there is no comparison across years.</p>"
        )
        return section_html(f"{label} across years", body, "years")
    result = years_change(
        focus, wards, years, months_with_data=months, population=population
    )
    unit = "reports" if label == ASB else "incidents"
    png = years_small_multiples_png(result.table, result.labels, unit=unit)
    body = (
        "".join(f'<p class="headline">{escape(h)}</p>' for h in result.headlines)
        + table_html(tables.years_totals_table(result), "years-totals")
        + img_html(png, "Each ward's count each year")
        + table_html(tables.years_table(result), "years-wards")
        + list_html(
            [
                "Trend: a regression of each ward's yearly count on the year, "
                "allowing for counts varying more than chance from year to year, "
                "and the more so the larger they are (estimated across the "
                "wards), corrected for testing every ward "
                f"({result.alpha:.0%} false discovery rate).",
                *result.caveats,
            ],
            "caveat",
        )
    )
    return section_html(f"{label} across years", body, "years")


def _hotspot_section(
    focus, wards, before: Period, after: Period, cameras, months, basis
) -> str:
    """The hotspots of the after period as the displacement command finds them
    (held to the before period's standard, on the ward table's months), with
    their statuses, camera coverage of these same hotspots, and the PAI in the
    framing every front end uses."""
    area = float(wards.union_all().area)
    moved = displacement_analysis(
        focus,
        before=before,
        after=after,
        area_m2=area,
        months_with_data=months,
        basis=basis,
    )
    patrol = patrol_hotspots(focus, period=after, wards=wards, months_with_data=months)
    table = moved.after_hotspots
    lines = [
        f"The hotspots of {after.label} as the displacement analysis finds them: "
        f"on the months compared above, held to {before.label}'s standard, so "
        "that each has a status (persistent, emerging or shifted).",
        *moved.notes,
        predicted_sentence(patrol.predicted, patrol.previous_period, patrol.unit),
    ]
    top = table.head(10).copy()
    status = moved.matched[moved.matched["period"] == "after"].set_index("hotspot_id")
    shown = hotspot_rows(top.drop(columns=["area_m2"]), patrol.unit)
    shown[f"Status against {before.label}"] = (
        top["hotspot_id"].map(status["status"]).to_numpy()
    )
    if cameras is not None:
        a = focus.loc[focus["month"].isin(moved.basis.after_months)]
        cctv = cctv_assessment(
            a,
            cameras,
            found=moved.after_found,
            sites=1,
            unit=count_unit(a),
        )
        share = cctv.coverage.table.set_index("hotspot_id")["covered_share"]
        seen = top["hotspot_id"].astype(str).map(share)
        shown["Reports in camera view" if patrol.unit == "reports" else
              f"{patrol.unit.capitalize()} in camera view"] = [
            "" if v != v else f"{100 * v:.0f}%" for v in seen
        ]  # fmt: skip
        # said on the months compared above; the CCTV page counts every month
        # of the period, so with a month missing the two can differ: say which
        lines.append(
            f"CCTV coverage, counted on {after.label}'s months compared "
            f"({moved.basis.label}; the CCTV page counts every month of the "
            "period):"
        )
        lines += [str(n) for n in cctv.notes]
    lines.insert(
        1,
        f"Status against {before.label}: persistent (a hotspot in both periods), "
        "emerging (new in this one), shifted (new, within 500 m of one that "
        "ceased: it may have moved). Places are police.uk's kinds of place "
        "(it never names a premises).",
    )
    png = hotspot_map_png(table, wards=wards, top=10)
    body = (
        img_html(png, "Map of the top hotspots")
        + table_html(shown, "hotspots")
        + list_html(lines, "caveat")
    )
    return section_html(f"Hotspots in {after.label}", body, "hotspots")


def _data_section(loaded, wards, before, after, boundary_label, change) -> str:
    q = loaded.quality
    dropped = pd.DataFrame(
        {"Why left out": list(q.dropped), "Rows": list(q.dropped.values())}
    )
    missing = [
        f"{k}: {', '.join(month_words(m) for m in v)}"
        for k, v in change.missing.items()
        if v
    ]
    compared = (
        f"Months compared: {change.basis.label}; before "
        f"{', '.join(month_words(m, short=True) for m in change.basis.before_months)};"
        " after "
        f"{', '.join(month_words(m, short=True) for m in change.basis.after_months)}."
    )
    lines = [
        f"Source: police.uk street-level data, {len(q.files)} file(s), "
        f"{', '.join(q.forces) or 'force not stated'}.",
        f"Periods: before {before.label} ({month_words(before.start)} to "
        f"{month_words(before.end)}); after {after.label} "
        f"({month_words(after.start)} to {month_words(after.end)}).",
        f"Boundary set: {boundary_label or Path(wards.attrs.get('source', '')).name} "
        f"({len(wards)} wards).",
        f"Rows read {q.read:,}; kept {q.kept:,}; left out {sum(q.dropped.values()):,}"
        f"; given the nearest ward {q.nearest_ward:,}.",
        "Months missing inside the periods: "
        + ("; ".join(missing) if missing else "none."),
        compared,
        "police.uk locations are snapped to anonymised map points; dates are months.",
    ]
    body = list_html(lines) + (
        table_html(dropped, "quality") if not dropped.empty else ""
    )
    return section_html("About the data", body, "data")


GLOSSARY = (
    (
        "Reports, offences, incidents",
        "ASB is counted in reports (one incident can "
        "be reported many times), crime in offences; both together in incidents.",
    ),
    (
        "Like for like",
        "Both periods count the same calendar months: a month "
        "police.uk has no data for in either period is left out of both.",
    ),
    (
        "Change, change (%)",
        "Change = after - before; change (%) = change / before "
        "x 100, to one decimal place.",
    ),
    (
        "More than chance",
        "An exact test of the two counts finds a change this "
        "large unlikely if nothing had changed, after allowing for testing every "
        "ward.",
    ),
    (
        "z-score",
        "How far a change is from no change, in standard errors; beyond "
        "about 2 either way is unusual.",
    ),
    (
        "Adjusted p",
        "The chance of so large a change if nothing had changed, "
        "adjusted for testing every ward (Benjamini-Hochberg).",
    ),
    (
        "False discovery rate (FDR)",
        "Of the changes marked more than chance, the "
        "share expected to be chance at most (5% unless stated).",
    ),
    (
        "Trend",
        "Rising or falling over three or more years, more than year-to-year "
        "variation would give; with two years only the change is given.",
    ),
    (
        "Map point",
        "police.uk moves every incident to one of a fixed set of "
        "anonymised points, so incidents share places.",
    ),
    (
        "Hotspot",
        "A cluster of map points within 100 m of each other whose "
        "incidents are far more than their surroundings would hold by chance.",
    ),
    (
        "PAI",
        "Predictive accuracy index (Chainey et al. 2008): the share of "
        "incidents the hotspots held divided by the share of the area they cover; "
        "1 is what as much area chosen at random would hold.",
    ),
    (
        "Persistent, emerging, shifted, ceased",
        "A hotspot in both periods; new in "
        "the later one; new within 500 m of one that ceased; gone in the later one.",
    ),
)
"""Every term of the report, in the words of its glossary."""


def _glossary_section() -> str:
    items = "".join(
        f"<dt><b>{escape(term)}</b></dt><dd>{escape(text)}</dd>"
        for term, text in GLOSSARY
    )
    return section_html("Glossary", f"<dl>{items}</dl>", "glossary")
