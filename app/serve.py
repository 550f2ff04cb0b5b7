"""Start the app warm: heavy modules imported, demo read, first page computed.

``make run`` uses this instead of ``streamlit run``: in this process it imports the
heavy modules (geopandas, scikit-learn, scipy, folium), reads the
default dataset into the shared resource cache and computes the default page's
hotspots into the data cache, then hands over to Streamlit's own command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def warm() -> None:
    """Compute what the first page shows by default, into Streamlit's caches.

    The data is read (shared resource cache) and the default hotspot page's
    analysis is run with the sidebar's defaults, with the same cached calls and
    arguments as ``app_pages/hotspots_page.py``, so the first visitor gets
    cache hits. The page modules' heavy imports are done here too.
    """
    # Not the map component (streamlit_folium): a component imported before the
    # runtime exists is not registered with it, and its maps stay blank.
    from app import data, exports, maps, ui  # noqa: F401

    c = ui.default_controls(data.demo_dataset())
    if not c.types:
        return
    s = data.suggested(*c.key, c.after)
    eps, min_samples = float(s.eps), int(s.min_samples)
    data.hotspot_result(*c.key, c.after, eps, min_samples)
    data.select(*c.key, c.after)
    data.evaluation(*c.key, c.before, c.after, eps, min_samples)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import logging

    import streamlit  # noqa: F401  (creates its loggers, whose levels are set below)
    from streamlit.web import cli

    # The caches are filled before Streamlit's runtime exists, which it reports
    # as a warning per cached call; the entries are kept all the same.
    quiet = [
        logging.getLogger("streamlit.runtime.caching.cache_data_api"),
        logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context"),
    ]
    levels = [log.level for log in quiet]
    for log in quiet:
        log.setLevel(logging.ERROR)
    warm()
    for log, level in zip(quiet, levels, strict=True):
        log.setLevel(level)
    sys.argv = [
        "streamlit",
        "run",
        str(ROOT / "app" / "streamlit_app.py"),
        *sys.argv[1:],
    ]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
