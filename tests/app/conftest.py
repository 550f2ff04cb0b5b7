"""Fixtures of the real-browser tests: the app's server and Debian's Chromium."""

import shutil

import pytest

from app.serve import running
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # no analysts' workspace yet: the app opens on the demo, as on a new machine
    own = tmp_path_factory.mktemp("ws") / "hotspots.duckdb"
    with running(env={"HOTSPOT_WORKSPACE": str(own)}) as url:  # as `make run` does
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright; the tests skip without either."""
    if CHROMIUM is None:
        pytest.skip("no Chromium: apt-get install chromium (as .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_playwright = sync_api.sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield b
        b.close()


def place_camera_by_click(tab) -> str:
    """On the CCTV page: click the map a third of the way in, save the camera,
    wait for the saving to be said; returns the longitude shown before."""
    frame = tab.frame_locator("iframe").first
    leaflet = frame.locator(".leaflet-container")
    leaflet.wait_for(timeout=60_000)
    layers = ".leaflet-overlay-pane canvas, .leaflet-overlay-pane path"
    frame.locator(layers).first.wait_for(timeout=30_000)
    lon_before = tab.get_by_label("Longitude").input_value()
    box = leaflet.bounding_box()
    # a third of the way across and down the map: away from the controls
    leaflet.click(position={"x": box["width"] * 0.35, "y": box["height"] * 0.4})
    tab.wait_for_function(
        "v => document.querySelector('input[aria-label=\"Longitude\"]').value != v",
        arg=lon_before,
        timeout=30_000,
    )
    tab.get_by_role("button", name="Save camera").click()
    tab.get_by_text("Camera CAM013 saved").wait_for(timeout=30_000)
    frame.locator(layers).first.wait_for(timeout=30_000)
    return lon_before


def drawn_map_frame(tab):
    """The frame of the page's Leaflet map, once its layers are drawn and its
    script (``L``) is loaded."""
    tab.frame_locator("iframe").first.locator(
        ".leaflet-overlay-pane canvas, .leaflet-overlay-pane path"
    ).first.wait_for(timeout=60_000)
    inner = next(
        f
        for f in tab.frames
        if f != tab.main_frame and f.locator(".leaflet-container").count()
    )
    inner.wait_for_function("() => window.L !== undefined")
    return inner
