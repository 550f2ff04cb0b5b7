"""The app's ranked hotspot table, built by hand: headings, numbers, escaping, limit."""

import pandas as pd
from bs4 import BeautifulSoup

from app.html_tables import hotspot_rows, ranked_hotspots_html

SCRIPT = "<script>alert('x')</script>"


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "hotspot_id": [7, 8, 9],
            "rank": [2, 1, 3],
            "incidents": [40, 1234, 12],
            "locations": [3, 20, 1],
            "area_m2": [7853.98, 120000.4, 31.6],
            "density_per_ha": [50.9, 102.8, 3797.5],
            "wards": ["Bank", SCRIPT, "Clifton"],
            "top_type": ["x", "y", "z"],
            "top_types": ["Burglary", "Violence", "Drugs"],
            "streets": ["Sea Rd", "Main St", "Park Ln"],
        }
    )


def _cells(html: str) -> tuple[list[str], list[list[str]]]:
    soup = BeautifulSoup(html, "html.parser")
    head = [th.get_text() for th in soup.find_all("th")]
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in soup.tbody("tr")]
    return head, rows


def test_rows_in_rank_order_with_plain_headings_and_whole_areas():
    head, rows = _cells(ranked_hotspots_html(_table(), "reports"))
    assert head == ["Rank", "Reports", "Map points", "Area (m²)", "Wards", "Types",
                    "Main streets"]  # fmt: skip
    assert rows == [
        ["1", "1,234", "20", "120,000", SCRIPT, "Violence", "Main St"],
        ["2", "40", "3", "7,854", "Bank", "Burglary", "Sea Rd"],
        ["3", "12", "1", "32", "Clifton", "Drugs", "Park Ln"],
    ]


def test_text_from_the_data_is_escaped():
    html = ranked_hotspots_html(_table())
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html
    assert not BeautifulSoup(html, "html.parser").find_all("script")


def test_only_the_top_rows_shown_and_the_rest_said():
    html = ranked_hotspots_html(_table(), limit=2)
    _, rows = _cells(html)
    assert [r[0] for r in rows] == ["1", "2"]
    assert "Top 2 of 3 hotspots shown" in BeautifulSoup(html, "html.parser").get_text()
    assert "Top" not in ranked_hotspots_html(_table(), limit=3)


def test_no_hotspots_said_in_words():
    html = ranked_hotspots_html(_table().iloc[0:0])
    assert "No hotspots in this period." in html
    assert "<table" not in html


def test_the_pack_and_the_app_share_headings():
    frame = hotspot_rows(_table())
    assert list(frame.columns)[:2] == ["Rank", "Incidents"]
    assert frame["Area (m²)"].tolist() == [7854, 120000, 32]
