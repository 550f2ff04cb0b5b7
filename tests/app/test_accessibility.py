"""WCAG 2.2 AA checks with axe-core in Chromium: every page, the patrol view,
the patrol pack, the committee report and the CCTV brief.

axe-core (Deque, bundled by axe-playwright-python) runs in the page and in each
frame (the maps are frames); no violation it rates serious or critical may
remain. Moderate and minor ones (landmarks, heading order) are printed.
"""

import pytest

from tests.app.conftest import SHOTS

pytestmark = pytest.mark.browser
SEVERE = {"serious", "critical"}
PAGES = ["", "wards_page", "years_page", "displacement_page", "cctv_page",
         "data_page", "patrol"]  # fmt: skip


def _axe(target) -> list[dict]:
    from axe_playwright_python.base import AXE_SCRIPT

    target.evaluate(AXE_SCRIPT)
    return target.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
    )


def _violations(tab) -> list[str]:
    """Every violation in the page and its frames, as 'where: id (impact)'."""
    found = []
    for frame in tab.frames:
        where = "page" if frame == tab.main_frame else f"frame {frame.url[:30]}"
        found += [f"{where}: {v['id']} ({v['impact']})" for v in _axe(frame)]
    return found


def _severe(found: list[str]) -> list[str]:
    return [f for f in found if f.rsplit("(", 1)[1].rstrip(")") in SEVERE]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_no_serious_violation(browser, server, page):
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.goto(f"{server}/{page}")
    if page == "patrol":
        tab.locator(".ranked").wait_for(timeout=60_000)
    else:
        tab.get_by_text("Synthetic demo data").first.wait_for(timeout=60_000)
        tab.wait_for_selector("[data-testid=stStatusWidget]", state="detached")
    tab.wait_for_timeout(2500)  # the maps' frames load
    found = _violations(tab)
    print(page or "hotspots_page", found)
    assert _severe(found) == []
    tab.close()


def test_the_ranked_table_is_the_maps_text_alternative(browser, server):
    """The map says what it is, and the table beside it says it holds the same
    hotspots in words and can be reached and scrolled from the keyboard."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.goto(f"{server}/patrol")
    ranked = tab.locator(".ranked")
    ranked.wait_for(timeout=60_000)
    assert ranked.get_attribute("tabindex") == "0"
    assert "in words" in ranked.get_attribute("aria-label")
    frame = tab.frame_locator("iframe").first
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    assert "ranked table" in frame.locator("title").inner_text(timeout=5_000)
    tab.close()


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """The patrol pack, the committee report and the CCTV brief of the demo."""
    from app.cli import main
    from app.data import DEMO_WORKSPACE, demo_dataset

    demo_dataset()
    out = tmp_path_factory.mktemp("docs")
    ws = ["--workspace", str(DEMO_WORKSPACE), "--wards", "2023 wards (from May 2023)"]
    runs = {
        "pack": ["hotspots", *ws, "--period", "2024-01:2024-03"],
        "report": ["report", *ws, "--before", "2022", "--after", "2023",
                   "--type", "ASB"],
        "brief": ["cctv-brief", *ws, "--go-live", "2022-10"],
    }  # fmt: skip
    for name, args in runs.items():
        assert main([*args, "--out", str(out / f"{name}.html")]) == 0
    return out


@pytest.mark.parametrize("name", ["pack", "report", "brief"])
def test_every_document_has_no_serious_violation(browser, documents, name):
    tab = browser.new_page(viewport={"width": 1200, "height": 900})
    tab.goto((documents / f"{name}.html").as_uri())
    found = _violations(tab)
    print(name, found)
    assert _severe(found) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"document_{name}.png"), full_page=True)
    tab.close()
