"""Years: each ward's count year by year, its trend, and the committee sentences."""

import streamlit as st

from app import data, exports, tables, ui
from geo.errors import GeoInputError
from geo.years import held_years, whole_years

c = ui.controls()
if not c.types:
    st.info("Choose at least one crime type in the sidebar.")
    st.stop()
st.title("Across years")
ui.synthetic_banner(c)
kind = st.radio(
    "Years",
    ["Financial (April to March)", "Calendar"],
    horizontal=True,
    key="year_kind",
)
calendar = kind == "Calendar"
held = held_years(list(c.months), calendar=calendar)
choices = [y.label for y in held]
whole = [y.label for y in whole_years(list(c.months), calendar=calendar)]
if len(choices) < 2:
    st.info(
        f"The workspace holds {len(choices)} {kind.split()[0].lower()} year(s); a "
        "comparison across years needs two or more. Import more months on the "
        "Data page (the workspace keeps every month it is given)."
    )
    st.stop()
have = set(c.months)
months_held = {y.label: sum(m in have for m in y.months) for y in held}


def _year_text(label: str) -> str:
    n = months_held[label]
    return label if n == 12 else f"{label} ({n} of 12 months held)"


# opens on the latest whole years held (up to five); part years can be chosen,
# and are then compared on the months every chosen year holds
last_whole = choices.index(whole[-1]) if whole else len(choices) - 1
first_whole = choices.index(whole[max(0, len(whole) - 5)]) if whole else 0
col1, col2 = st.columns(2)
first = col1.selectbox(
    "From", choices, index=first_whole, format_func=_year_text, key="years_from"
)
last = col2.selectbox(
    "To", choices, index=last_whole, format_func=_year_text, key="years_to"
)
try:
    result = data.years_result(*c.key, first, last, calendar)
except GeoInputError as err:
    ui.show_error(err)
    st.stop()

for line in result.headlines:
    st.markdown(f"- {ui.plain(line)}")
for caveat in result.caveats:
    (st.warning if getattr(caveat, "warning", False) else st.caption)(caveat)
st.dataframe(tables.years_totals_table(result), hide_index=True)

shown = tables.years_table(result)
shown.insert(2, "Year by year", result.table[result.labels].to_numpy().tolist())
top = float(result.table[result.labels].to_numpy().max() or 1)
st.dataframe(
    shown,
    hide_index=True,
    height=min(40 + 35 * len(shown), 640),
    column_config={
        "Year by year": st.column_config.LineChartColumn(
            f"{result.labels[0]} to {result.labels[-1]}", y_min=0, y_max=top
        )
    },
)
st.caption(
    "Trend: a regression of each ward's yearly count on the year, allowing for "
    "counts varying more than chance from year to year, and the more so the "
    "larger they are (estimated across the wards), corrected for testing every "
    f"ward ({result.alpha:.0%} false discovery rate). Every year counts the same "
    f"months ({len(result.months)} of 12)."
)
ui.download(
    "Years table (CSV)",
    exports.csv_bytes(result.table),
    f"years_{first}_{last}.csv".replace("/", "-"),
    "text/csv",
)
ui.download(
    "Committee report with these years (HTML)",
    lambda: data.report_html(*c.key, c.before, c.after, "like-for-like", (first, last)),
    "committee_report.html",
    "text/html",
)
