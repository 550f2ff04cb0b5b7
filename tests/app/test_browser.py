"""The app in a real headless Chromium: every page draws its Leaflet map.

Starts the app on a free local port, opens each page, waits for the map, and
saves a screenshot per page to artifacts/screenshots/. Skips when Chromium or
Playwright is missing (.ci/run installs Debian's chromium).
"""

from pathlib import Path

import pytest

from app.serve import running
from tests.app.conftest import SHOTS, drawn_map_frame, place_camera_by_click
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
PAGES = {
    "hotspots_page": True,
    "wards_page": True,
    "years_page": False,
    "displacement_page": True,
    "cctv_page": True,
    "data_page": False,
}


@pytest.mark.parametrize(("page", "has_map"), PAGES.items())
def test_page_draws_in_a_real_browser(browser, server, page, has_map):
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(f"{server}/{'' if page == 'hotspots_page' else page}")  # the default
    tab.wait_for_selector("[data-testid=stSidebar]", timeout=60_000)
    tab.get_by_text("Synthetic demo data").first.wait_for(timeout=60_000)
    if has_map:
        leaflet = tab.frame_locator("iframe").first.locator(".leaflet-container")
        leaflet.wait_for(timeout=60_000)
        # vector layers were drawn (paths), even with no map tiles reachable
        layers = tab.frame_locator("iframe").first.locator(
            ".leaflet-overlay-pane canvas, .leaflet-overlay-pane path"
        )
        layers.first.wait_for(timeout=30_000)
        assert layers.count() > 0
    tab.wait_for_timeout(1500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{page}.png"), full_page=True)
    assert tab.locator("[data-testid=stException]").count() == 0
    assert tab.get_by_text("Page not found").count() == 0
    assert tab.get_by_role("button", name="Deploy").count() == 0  # viewer toolbar
    assert errors == []
    tab.close()


def test_patrol_view_draws_its_map_and_takes_choices(browser, server):
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(f"{server}/patrol")
    tab.frame_locator("iframe").first.locator(
        ".leaflet-overlay-pane canvas, .leaflet-overlay-pane path"
    ).first.wait_for(timeout=30_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / "patrol_view.png"), full_page=True)
    assert tab.locator(".figure .label").first.inner_text() == "Hotspots"
    reports = tab.locator(".figure .value").nth(1).inner_text()
    # the form, as an officer uses it: add burglary, show
    tab.get_by_label("Burglary").check()
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url("**/patrol?*type=Burglary*")
    assert tab.locator(".figure .label").nth(1).inner_text() == "Incidents in hotspots"
    assert tab.locator(".figure .value").nth(1).inner_text() != reports
    assert errors == []
    tab.close()


def test_downloads_are_built_on_click(browser, server):
    tab = browser.new_page(accept_downloads=True)
    tab.goto(server)
    tab.wait_for_selector("[data-testid=stMetric]", timeout=60_000)
    for label, start in (("Patrol pack", b"<!DOCTYPE html>"), ("GeoJSON", b'{"type"')):
        with tab.expect_download(timeout=60_000) as download:
            tab.get_by_role("button", name=label).click()
        data = Path(download.value.path()).read_bytes()
        assert data.startswith(start)
    tab.close()


def test_committee_report_downloads_from_the_ward_page(browser, server):
    tab = browser.new_page(accept_downloads=True)
    tab.goto(f"{server}/wards_page")
    tab.wait_for_selector("[data-testid=stMetric], [data-testid=stDataFrame]")
    with tab.expect_download(timeout=120_000) as download:
        tab.get_by_role("button", name="Committee report (HTML)").click()
    assert download.value.suggested_filename == "committee_report.html"
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "SYNTHETIC" in html.upper()
    tab.close()


def test_place_a_camera_by_clicking_the_map(browser, tmp_path):
    """On a copy of the demo workspace: click the map, save, see the sector."""
    import shutil

    from pyproj import Transformer

    from app.data import DEMO_WORKSPACE, demo_dataset
    from geo.workspace import Workspace

    demo_dataset()
    own = tmp_path / "hotspots.duckdb"
    shutil.copyfile(DEMO_WORKSPACE, own)
    with running(env={"HOTSPOT_WORKSPACE": str(own)}) as url:
        tab = browser.new_page(viewport={"width": 1400, "height": 1100})
        tab.goto(f"{url}/cctv_page")
        lon_before = place_camera_by_click(tab)
        tab.locator("iframe").first.scroll_into_view_if_needed()
        tab.wait_for_timeout(1500)
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "cctv_camera_placed.png"))
        assert tab.locator("[data-testid=stException]").count() == 0
        tab.close()
    cams = Workspace(own).cameras().set_index("camera_id")
    assert "CAM013" in cams.index
    placed = cams.loc["CAM013"]
    assert placed["status"] == "working"
    lon = Transformer.from_crs(27700, 4326, always_xy=True).transform(
        placed.geometry.x, placed.geometry.y
    )[0]
    assert abs(lon - float(lon_before)) > 1e-6  # where clicked, not the default


def test_upload_through_the_server_lands_in_the_workspace(browser, tmp_path):
    """A police.uk file uploaded on the Data page, over HTTP as a user sends it."""
    from geo.workspace import Workspace

    own = tmp_path / "hotspots.duckdb"
    month = sorted((ROOT / "data" / "demo" / "police_uk").iterdir())[0]
    upload = next(month.glob("*-street.csv"))
    with running(env={"HOTSPOT_WORKSPACE": str(own)}) as url:
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(f"{url}/data_page")
        tab.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(
            str(upload)
        )
        chip = f'[data-testid=stFileChipName][title="{upload.name}"]'
        tab.locator(chip).wait_for(timeout=30_000)  # uploaded
        tab.get_by_role("button", name="Import").click()
        rows = len(upload.read_text(encoding="utf-8").splitlines()) - 1
        tab.get_by_text(f"rows read: {rows:,}").wait_for(timeout=60_000)
        assert tab.locator("[data-testid=stException]").count() == 0
        tab.close()
    assert Workspace(own).catalogue()[1] == [month.name]


HOTSPOT_1_PIXEL = """() => {
  let map = null, layer = null;
  for (const k of Object.keys(window)) {
    const v = window[k];
    if (v instanceof L.Map) map = v;
    if (v instanceof L.GeoJSON) v.eachLayer(l => {
      const p = l.feature && l.feature.properties;
      if (p && p.summary && p.summary.startsWith("<b>Hotspot 1</b>")) layer = l;
    });
  }
  map.fitBounds(layer.getBounds(), {animate: false, maxZoom: 17});
  const c = map.latLngToContainerPoint(layer.getCenter());
  return [c.x, c.y];
}"""


@pytest.mark.parametrize("where", ["", "patrol"])
def test_a_hotspot_answers_a_click_in_words(browser, server, where):
    """The density layer lies under the hotspot shapes: a click opens the popup."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.goto(f"{server}/{where}")
    inner = drawn_map_frame(tab)
    # where on the map hotspot 1 is: the centre of its shape, in the map's pixels
    x, y = inner.evaluate(HOTSPOT_1_PIXEL)
    inner.locator(".leaflet-container").click(position={"x": x, "y": y})
    popup = inner.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    text = popup.inner_text()
    assert text.startswith("Hotspot ") and " reports at " in text
    assert "map point" in text and "Wards:" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"hotspot_popup_{where or 'page'}.png"))
    tab.close()


def test_the_patrol_view_fits_a_phone(browser, server):
    """A sergeant's phone, 390 x 844: no sideways scrolling; rank, count, wards and
    streets still shown."""
    tab = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab.goto(f"{server}/patrol")
    tab.locator(".ranked table").wait_for(timeout=60_000)
    width = tab.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, width
    shown = [
        th.inner_text() for th in tab.locator(".ranked th").all() if th.is_visible()
    ]
    assert shown[:2] == ["Rank", "Reports"] and "Wards" in shown
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / "patrol_view_phone.png"), full_page=True)
    tab.close()
