"""Start the app warm: heavy modules imported, demo read, first page computed.

``make run`` uses this instead of ``streamlit run``: in this process it imports the
heavy modules (geopandas, scipy, the compiled clustering, folium), reads the
default dataset into the shared resource cache and computes the default page's
hotspots into the data cache, sets all of that aside from the garbage collector
(``gc.freeze``), has the server send its replies at once (``no_delay``), then
hands over to Streamlit's own command line with ``app/asgi_app.py``: the pages
and the patrol view (``/patrol``) on one server.
``running()`` starts it the same way in a child process on a free port, for the
browser tests and the app benchmark.
"""

from __future__ import annotations

import gc
import inspect
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from geo.errors import GeoInputError, WorkspaceDamagedError

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger(__name__)


def warm() -> None:
    """Compute what the first page shows by default, into Streamlit's caches.

    The data is read (shared resource cache) and the hotspot page's analysis
    (``data.hotspot_view`` and its map, ``data.hotspot_map_html``, as
    ``app_pages/hotspots_page.py`` calls them) is run with the sidebar's
    defaults, so the first visitor gets cache hits. The page
    modules' heavy imports are done here too.
    """
    # Not the map component (streamlit_folium): a component imported before the
    # runtime exists is not registered with it, and its maps stay blank.
    from app import data, exports, maps, ui  # noqa: F401

    try:
        _warm_page(data, ui)
    except WorkspaceDamagedError as err:  # found while reading: serve the demo
        log.error("%s Serving the synthetic demo instead.", err)
        data.set_aside(err)
        _warm_page(data, ui)
    except GeoInputError as err:  # the page shows it to the first visitor
        log.warning("warm-up: %s", err)
    # The page icon is checked against Streamlit's emoji catalogue, whose pattern
    # takes 0.1-0.2 s to compile: once here, not in the first visitor's page
    from streamlit.string_util import is_emoji

    is_emoji(ui.PAGE_ICON)
    # Streamlit's first element in a process asks whether it runs in a REPL,
    # which walks the stack and maps every module loaded to its file (0.25 s
    # here); inspect keeps that map, so fill it now, with the modules loaded
    inspect.stack()


def _warm_page(data, ui) -> None:
    c = ui.default_controls(data.start_dataset())
    if c is not None and c.types:
        period = ui.patrol_period(list(c.months)) or c.after  # the page's default
        data.hotspot_view(*c.key, period, None, None)
        data.hotspot_map_html(*c.key, period, None, None, None)


def no_delay() -> None:
    """Have the server send each reply at once (TCP_NODELAY on its connections).

    Streamlit binds its listening socket itself (``socket.socket(family)``, whose
    protocol number is 0), and asyncio sets TCP_NODELAY only on connections of
    sockets made with ``IPPROTO_TCP``. Without it, a reply written in two parts
    (headers, then body) waits for the browser's delayed acknowledgement of the
    first: 40 ms on every static file after the first on a connection, and the
    page's 60-odd scripts load six at a time. On Linux an accepted connection
    inherits the option from the listening socket, so it is set there.
    """
    try:
        from streamlit.web.server.starlette import starlette_server
    except ImportError:  # an older Streamlit on Tornado, which sets it itself
        return
    bind = getattr(starlette_server, "_bind_socket", None)
    if bind is None or getattr(bind, "no_delay", False):
        return

    def bind_socket(*args, **kwargs) -> socket.socket:
        sock = bind(*args, **kwargs)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    bind_socket.no_delay = True
    starlette_server._bind_socket = bind_socket


def main() -> None:
    sys.path.insert(0, str(ROOT))
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
    # Everything loaded so far lives as long as the server: set it aside from the
    # garbage collector, whose full passes over it took 0.1 s each, one of them
    # in the middle of every first visit
    gc.collect()
    gc.freeze()
    no_delay()
    sys.argv = [
        "streamlit",
        "run",
        str(ROOT / "app" / "asgi_app.py"),
        *sys.argv[1:],
    ]
    sys.exit(cli.main())


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(
    command: Sequence[str] = (sys.executable, "-m", "app.serve"),
    *,
    timeout_s: float = 60,
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[str]:
    """Run a Streamlit server (by default the app, as `make run` starts it) headless
    on a local port (``port``, else a free one); yield its URL once its health
    check answers.

    For the browser tests and the app benchmark. ``env`` adds environment
    variables (e.g. ``HOTSPOT_WORKSPACE``). The server is stopped on exit.
    """
    port = port or free_port()
    proc = subprocess.Popen(
        [*command, "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=None if env is None else {**os.environ, **env},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    msg = f"the app did not start within {timeout_s:g} s"
                    raise RuntimeError(msg) from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
