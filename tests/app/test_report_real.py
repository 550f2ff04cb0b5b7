"""The committee report on real Blackpool data reads without a glossary, and
has one: headings in words, no codes, every statistic explained."""

import re

import pytest
from bs4 import BeautifulSoup

from app.cli import main
from app.report import GLOSSARY

pytestmark = pytest.mark.real_data

RAW = {"rank", "incidents", "streets", "wards", "top_types", "status", "reason",
       "rows", "in_camera_view", "z", "p (FDR)", "pct_change", "ward_code"}  # fmt: skip


@pytest.fixture(scope="module")
def report(real_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    ws = str(out / "bp.duckdb")
    police = real_data / "police_uk" / "blackpool"
    wards = real_data / "boundaries" / "blackpool_wards_2023.geojson"
    assert main(["import", "--workspace", ws, str(police)]) == 0
    assert main(["import", "--workspace", ws, "--boundaries", str(wards),
                 "--name", "w23"]) == 0  # fmt: skip
    path = out / "report.html"
    assert main(["report", "--workspace", ws, "--wards", "w23", "--type", "ASB",
                 "--before", "2020/21", "--after", "2021/22",
                 "--out", str(path)]) == 0  # fmt: skip
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    return soup


def test_headings_in_words(report):
    headings = {th.get_text() for th in report("th")}
    assert not headings & RAW
    assert not [h for h in headings if "_" in h]


def test_no_none_nan_or_month_codes(report):
    text = report.get_text("\n", strip=True)
    assert not re.findall(r"\b(None|nan|NaN)\b", text)
    assert not re.findall(r"\b\d{4}-\d{2}\b", text)  # months in words
    assert "2017" not in text  # no period that appears nowhere else


def test_every_statistic_is_in_the_glossary(report):
    text = report.get_text(" ", strip=True)
    terms = " ".join(term for term, _ in GLOSSARY)
    for used in ("z-score", "Adjusted p", "PAI", "false discovery rate"):
        assert used.lower() in text.lower()
        assert used.split()[0].lower() in terms.lower(), used
    assert "eps" not in re.findall(r"\b\w+\b", text)
    assert "Poisson, 5%" not in text


def test_one_word_for_asb_and_one_rounding(report):
    hotspots = report.find("table", id="hotspots")
    heads = [th.get_text() for th in hotspots("th")]
    assert "Reports" in heads and "Incidents" not in heads
    text = report.get_text(" ", strip=True)
    assert "core has at least" in text and "incidents within" not in text
    pct = [td.get_text() for table in report("table") for tr in table("tr")
           for i, td in enumerate(tr("td"))
           if "(%)" in table("th")[i].get_text()]  # fmt: skip
    assert pct and all(re.fullmatch(r"[+-]\d+\.\d|", v) for v in pct), pct
