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
