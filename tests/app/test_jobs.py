"""The three users' jobs, acted out in Chromium from start to finish.

- The sergeant plans next weeks' patrols on a phone: the patrol view at
  390 x 844 opens on the latest months, hotspot 1 answers a tap with its
  streets, and the downloaded pack fits the phone.
- The CSP officer writes the year-end report over five years: the years page
  on five years of a synthetic force, its table, and the report with them.
- The CCTV manager places a camera, reads the coverage, and gets the brief,
  whose sentence is the page's.

Screenshots go to artifacts/screenshots/job_*.png.
"""

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app.serve import running
from tests.app.conftest import SHOTS, drawn_map_frame, place_camera_by_click
from tests.app.test_browser import HOTSPOT_1_PIXEL

pytestmark = pytest.mark.browser


def _shot(tab, name: str, **kw) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"job_{name}.png"), **kw)


def test_sergeant_plans_patrols_on_a_phone(browser, server, tmp_path):
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    tab = phone.new_page()
    tab.goto(f"{server}/patrol")
    tab.locator(".ranked table").wait_for(timeout=60_000)
    # the latest months held (the demo ends in March 2024)
    chosen = tab.locator("select[name=period] option:checked").inner_text()
    assert chosen == "Latest 3 months (January to March 2024)"
    assert tab.evaluate("document.scrollingElement.scrollWidth") <= 390
    _shot(tab, "sergeant_1_view", full_page=True)
    # tap hotspot 1 on the map: its streets in words
    inner = drawn_map_frame(tab)
    # the map in view first, as a thumb scrolls to it (the map is 60% of the
    # screen high, below the figures)
    tab.locator("iframe").first.scroll_into_view_if_needed()
    tab.wait_for_timeout(300)
    x, y = inner.evaluate(HOTSPOT_1_PIXEL)
    inner.locator(".leaflet-container").tap(position={"x": x, "y": y})
    popup = inner.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    text = popup.inner_text()
    assert text.startswith("Hotspot 1: ") and "Streets: " in text
    first_rank = tab.locator(".ranked tbody tr").first.locator("td").nth(1)
    assert text.split(": ", 1)[1].startswith(first_rank.inner_text())  # its count
    tab.locator("iframe").first.scroll_into_view_if_needed()
    _shot(tab, "sergeant_2_tapped")
    # the printable pack, opened on the same phone
    with tab.expect_download(timeout=60_000) as download:
        tab.locator("a[href*='format=pack']").first.click()
    pack = tmp_path / "pack.html"
    Path(download.value.path()).replace(pack)
    sheet = phone.new_page()
    sheet.goto(pack.as_uri())
    assert sheet.evaluate("document.scrollingElement.scrollWidth") <= 390
    cards = sheet.locator("table.cards tbody tr")
    assert cards.count() >= 1
    # each figure under its heading: a card, not a row of a wide table
    labels = cards.first.locator("td").evaluate_all(
        "tds => tds.map(td => getComputedStyle(td, '::before').content)"
    )
    assert '"Main streets: "' in labels and '"Rank: "' in labels
    _shot(sheet, "sergeant_3_pack", full_page=True)
    phone.close()


@pytest.fixture(scope="module")
def five_years(tmp_path_factory):
    """Five financial years (April 2019 to March 2024) of a synthetic force."""
    from geo.synthetic_force import generate_force, write_force
    from geo.workspace import Workspace

    out = tmp_path_factory.mktemp("force")
    force = generate_force(months=60, per_month=1_200, first="2019-04")
    folder, wards = write_force(force, out)
    ws = Workspace(out / "hotspots.duckdb")
    ws.import_boundaries(wards, name="force wards")
    ws.import_incidents(folder)
    return ws.path


def test_csp_officer_reports_five_years(browser, five_years, tmp_path):
    with running(env={"HOTSPOT_WORKSPACE": str(five_years)}) as url:
        tab = browser.new_page(viewport={"width": 1400, "height": 1100},
                               accept_downloads=True)  # fmt: skip
        tab.goto(f"{url}/years_page")
        tab.get_by_text("Every year counts the same months").wait_for(timeout=60_000)
        # pick the five years: From 2019/20, To 2023/24
        for label, year in (("From", "2019/20"), ("To", "2023/24")):
            tab.get_by_role("combobox", name=label).click()
            tab.get_by_role("option", name=year, exact=True).click()
        tab.wait_for_selector("[data-testid=stStatusWidget]", state="detached")
        chosen = [
            tab.get_by_role("combobox", name=label).input_value()
            for label in ("From", "To")
        ]
        assert chosen == ["2019/20", "2023/24"], chosen
        headline = tab.locator("[data-testid=stMarkdown] li").first.inner_text()
        assert "in 2023/24 on 2022/23" in headline and "12 months each" in headline
        grid = tab.locator("[data-testid=stDataFrame]").nth(1)
        grid.wait_for(timeout=30_000)
        _shot(tab, "csp_1_years", full_page=True)
        with tab.expect_download(timeout=180_000) as download:
            tab.get_by_role(
                "button", name="Committee report with these years (HTML)"
            ).click()
        report = tmp_path / "report.html"
        Path(download.value.path()).replace(report)
        tab.close()
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    section = soup.find("section", id="years")
    totals = [tr("td")[0].get_text() for tr in section.find("table")("tr")[1:]]
    assert totals == ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(report.as_uri())
    page.locator("#years").scroll_into_view_if_needed()
    _shot(page, "csp_2_report_years")
    page.close()


def test_cctv_manager_places_a_camera_and_gets_the_brief(browser, tmp_path):
    from app.data import DEMO_WORKSPACE, demo_dataset

    demo_dataset()
    own = tmp_path / "hotspots.duckdb"
    shutil.copyfile(DEMO_WORKSPACE, own)
    with running(env={"HOTSPOT_WORKSPACE": str(own)}) as url:
        tab = browser.new_page(viewport={"width": 1400, "height": 1100},
                               accept_downloads=True)  # fmt: skip
        tab.goto(f"{url}/cctv_page")
        metric = tab.locator("[data-testid=stMetricValue]").first
        metric.wait_for(timeout=60_000)
        before = metric.inner_text()
        place_camera_by_click(tab)
        assert metric.inner_text().endswith("%") and before.endswith("%")
        _shot(tab, "cctv_1_placed")
        # did the October 2022 cameras change anything? the page, then the brief
        tab.get_by_role("tab", name="Did new cameras change anything?").click()
        box = tab.get_by_label("Go-live month (YYYY-MM; blank: the earliest install)")
        box.fill("2022-10")
        box.press("Enter")
        said = tab.get_by_text("camera(s) live 2022-10").first
        said.wait_for(timeout=60_000)
        sentence = said.inner_text()
        with tab.expect_download(timeout=120_000) as download:
            tab.get_by_role("button", name="Impact brief (HTML)").click()
        brief = tmp_path / "brief.html"
        Path(download.value.path()).replace(brief)
        _shot(tab, "cctv_2_impact")
        assert tab.locator("[data-testid=stException]").count() == 0
        tab.close()
    text = BeautifulSoup(brief.read_text(encoding="utf-8"), "html.parser").get_text()
    # one number, one sentence, on the page and in the brief (the page's
    # markdown draws "->" as an arrow)
    assert sentence.replace("\u2192", "->") in " ".join(text.split())
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(brief.as_uri())
    _shot(page, "cctv_3_brief", full_page=True)
    page.close()
