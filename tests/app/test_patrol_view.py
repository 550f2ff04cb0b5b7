"""The patrol view (/patrol): defaults, figures that agree with the app, choices,
bad requests, sign-in and downloads, on the synthetic demo workspace."""

import asyncio

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from streamlit.testing.v1 import AppTest

from app import data, patrol_view, ui
from geo.errors import GeoInputError
from geo.periods import parse_period
from geo.settings import ASB
from tests.conftest import ROOT

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def own_workspace(tmp_path, monkeypatch):
    """No analysts' workspace yet: the view opens on the demo, as the app does."""
    monkeypatch.setenv("HOTSPOT_WORKSPACE", str(tmp_path / "hotspots.duckdb"))


def _figures(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        f.select_one(".label").get_text(): f.select_one(".value").get_text()
        for f in soup.select(".figures .figure")
    }


def _call(handler, query: bytes = b"", cookie: bytes | None = None):
    """Call a route handler as the server would, with a GET request."""
    from starlette.requests import Request

    headers = [(b"cookie", cookie)] if cookie else []
    scope = {"type": "http", "method": "GET", "path": "/patrol", "scheme": "http",
             "server": ("127.0.0.1", 80), "headers": headers,
             "query_string": query}  # fmt: skip
    return asyncio.run(handler(Request(scope)))


def test_defaults_are_the_apps_defaults():
    choice = patrol_view.choose({})
    c = ui.default_controls(data.start_dataset())
    # the latest 3 months held, for next weeks' patrols, scored on the 3 before
    assert choice.period == ui.patrol_period(list(c.months)) == "2024-01:2024-03"
    assert choice.earlier == "2023-10:2023-12"
    assert choice.controls.types == c.types == (ASB,)
    values = [o.value for o in choice.options]
    assert values[-1] == c.after and ui.CUSTOM not in values


def test_figures_agree_with_the_patrol_hotspots_page():
    at = AppTest.from_file(str(ROOT / "app" / "streamlit_app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert _figures(patrol_view.page(patrol_view.choose({}))) == shown
    assert len(shown) == 4 and shown["PAI of last period's hotspots"] != "n/a"


def test_figures_count_the_chosen_types_and_year():
    choice = patrol_view.choose({})
    first = next(o.value for o in choice.options if "/" in o.value)  # first year
    types = [t for t in choice.types_held if t != ASB][:2]
    chosen = patrol_view.choose({"period": [first], "type": types})
    assert chosen.earlier is None  # no year held before the first
    html = patrol_view.page(chosen)
    figures = _figures(html)
    # independently: the demo's police.uk files read with pandas, less the rows
    # with no location (police.uk's "No Location"), which cannot be mapped
    rows = pd.concat(
        pd.read_csv(f) for f in (ROOT / "data" / "demo" / "police_uk").rglob("*.csv")
    ).dropna(subset=["Longitude", "Latitude"])
    p = parse_period(first)
    months = rows["Month"].between(p.start, p.end)
    n = int((months & rows["Crime type"].isin(types)).sum())
    assert figures["Offences in hotspots"].endswith(f" of {n:,}")  # no ASB: offences
    assert figures["PAI of last period's hotspots"] == "n/a"
    assert "no period of the same length before it is held" in html
    form = BeautifulSoup(html, "html.parser").form
    assert sorted(i["value"] for i in form("input", checked=True)) == sorted(types)
    assert form.select_one("option[selected]")["value"] == first


def test_bad_choices_say_what_to_write():
    first = patrol_view.choose({}).options[0].value
    with pytest.raises(GeoInputError, match=f"choose one of: {first}"):
        patrol_view.choose({"period": ["2099/00"]})
    with pytest.raises(GeoInputError, match="not held: Piracy; held: Anti-social"):
        patrol_view.choose({"type": ["Piracy"]})
    reply = _call(patrol_view._page, b"type=" + SCRIPT.encode())
    assert reply.status_code == 400
    body = reply.body.decode()
    assert "crime type(s) not held: &lt;script&gt;" in body
    assert SCRIPT not in body


def test_text_from_the_data_is_escaped_in_the_form_and_basis():
    choice = patrol_view.choose({})
    c = choice.controls
    hostile = patrol_view.Choice(
        controls=ui.Controls(
            dataset=c.dataset,
            ws=c.ws,
            vintage=SCRIPT,
            types=(SCRIPT,),
            before=c.before,
            after=c.after,
            months=c.months,
        ),
        option=choice.option,
        options=choice.options,
        types_held=(SCRIPT, ASB),
    )
    html = patrol_view._basis(hostile) + patrol_view._form(hostile)
    assert SCRIPT not in html
    soup = BeautifulSoup(html, "html.parser")
    assert not soup("script")
    assert [i["value"] for i in soup("input", checked=True)] == [SCRIPT]


def test_the_page_through_its_route():
    reply = _call(patrol_view._page)
    assert reply.status_code == 200
    soup = BeautifulSoup(reply.body, "html.parser")
    assert "SYNTHETIC DEMO DATA" in soup.select_one(".synthetic").get_text()
    frame = BeautifulSoup(soup.iframe["srcdoc"], "html.parser")
    assert frame.find("script", src=lambda s: s and "leaflet" in s)  # the map
    links = [a["href"] for a in soup("a")]
    assert "/" in links  # back to the app
    files = {a.get_text(): a["href"] for a in soup("a") if "/download?" in a["href"]}
    assert list(files) == ["GeoJSON", "CSV", "Patrol pack"]  # as the app's buttons
    for href in files.values():
        reply = _call(patrol_view._download, href.split("?")[1].encode())
        assert reply.status_code == 200, href


def _signed(
    secret: str, user: str, age_s: float = 0, salt: str = "hotspot-patrol-view"
) -> str:
    """A pass as the app signs it (a cookie with the cookie's salt), ``age_s``
    seconds ago."""
    import time

    from itsdangerous import URLSafeTimedSerializer
    from itsdangerous.timed import TimestampSigner

    now = time.time()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TimestampSigner, "get_timestamp", lambda self: int(now - age_s))
        return URLSafeTimedSerializer(secret, salt=salt).dumps(user)


@pytest.fixture
def signed_in_deployment(monkeypatch):
    """Sign-in configured, with the cookie secret "s3cret"."""
    from itsdangerous import URLSafeTimedSerializer

    monkeypatch.setattr(ui, "sign_in_required", lambda: True)
    monkeypatch.setattr(
        patrol_view,
        "_signer",
        lambda: URLSafeTimedSerializer("s3cret", salt="hotspot-patrol-view"),
    )


def test_sign_in_needs_a_pass_from_the_app(signed_in_deployment):
    for handler in (patrol_view._page, patrol_view._download):
        reply = _call(handler, b"format=csv")  # no pass: to the app, to sign in
        assert reply.status_code == 303
        assert reply.headers["location"] == "/"
    refused = {
        "another secret": _signed("other", "pc@example.org"),
        "link older than 10 minutes": _signed("s3cret", "pc@example.org", 11 * 60),
        "forged": _signed("s3cret", "pc@example.org")[:-2] + "xx",
    }
    for why, given in refused.items():
        reply = _call(patrol_view._page, f"pass={given}".encode())
        assert reply.status_code == 303, why
        assert reply.headers["location"] == "/", why
        assert "set-cookie" not in reply.headers, why


def test_a_pass_in_the_link_becomes_the_browsers_own(signed_in_deployment):
    given = _signed("s3cret", "pc@example.org")
    reply = _call(patrol_view._page, f"period=2023%2F24&pass={given}".encode())
    # the pass leaves the address (history, bookmarks) for a cookie of the view's
    assert reply.status_code == 303
    assert reply.headers["location"] == "/patrol?period=2023%2F24"
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"{patrol_view.PASS_COOKIE}=")
    assert (
        "HttpOnly" in cookie and "Path=/patrol" in cookie and "Max-Age=43200" in cookie
    )
    own = cookie.split(";")[0].encode()
    page = _call(patrol_view._page, b"period=2023%2F24", cookie=own)
    assert page.status_code == 200
    assert _figures(page.body.decode())["Hotspots"]
    # the browser's own token lasts the shift (12 hours), not the link's 10 minutes
    salt = patrol_view.COOKIE_SALT
    older = _signed("s3cret", "pc@example.org", 11 * 3600, salt)
    later = f"{patrol_view.PASS_COOKIE}={older}".encode()
    assert _call(patrol_view._download, b"format=csv", cookie=later).status_code == 200
    stale = f"{patrol_view.PASS_COOKIE}={_signed('s3cret', 'pc', 13 * 3600, salt)}"
    assert _call(patrol_view._page, cookie=stale.encode()).status_code == 303
    # a link's pass is never a cookie: 11 minutes old, or fresh, it is refused
    for age in (11 * 60, 0):
        leaked = f"{patrol_view.PASS_COOKIE}={_signed('s3cret', 'pc', age)}"
        assert _call(patrol_view._page, cookie=leaked.encode()).status_code == 303


def test_no_cookie_secret_lets_nobody_in(monkeypatch):
    monkeypatch.setattr(ui, "sign_in_required", lambda: True)
    assert patrol_view._signer() is None  # no secrets file in the tests
    reply = _call(patrol_view._page, b"pass=" + _signed("", "pc").encode())
    assert reply.status_code == 303


def test_downloads_hold_the_hotspots_shown():
    shown = int(_figures(patrol_view.page(patrol_view.choose({})))["Hotspots"])
    reply = _call(patrol_view._download, b"format=csv")
    assert reply.status_code == 200
    assert 'filename="hotspots_' in reply.headers["content-disposition"]
    text = reply.body.decode("utf-8-sig")
    assert len(text.strip().splitlines()) == shown + 1  # a header, one row each
    pack = _call(patrol_view._download, b"format=pack")
    assert pack.body.startswith(b"<!DOCTYPE html>")
    assert b"SYNTHETIC" in pack.body.upper()
    bad = _call(patrol_view._download, b"format=xlsx")
    assert bad.status_code == 400
    assert b"choose one of: geojson, csv, pack" in bad.body


def test_link_from_the_app_carries_its_choices():
    c = ui.default_controls(data.start_dataset())
    assert patrol_view.link(c, c.after) == (
        "/patrol?period=" + c.after.replace("/", "%2F") + "&type=Anti-social+behaviour"
    )
    # a period the view does not offer: its default period, the same types
    assert (
        patrol_view.link(c, "2022-01:2022-06") == "/patrol?type=Anti-social+behaviour"
    )


def test_latest_months_for_next_weeks_patrols():
    held = sorted(p.name for p in (ROOT / "data" / "demo" / "police_uk").iterdir())
    three = patrol_view.choose({"period": [f"{held[-3]}:{held[-1]}"]})
    words = parse_period(f"{held[-3]}:{held[-1]}").words
    assert three.option.label == f"Latest 3 months ({words})"
    assert three.earlier == f"{held[-6]}:{held[-4]}"  # the three months before
    figures = _figures(patrol_view.page(three))
    rows = pd.concat(
        pd.read_csv(f) for m in held[-3:] for f in (ROOT / "data" / "demo" /
                                                    "police_uk" / m).glob("*.csv")
    ).dropna(subset=["Longitude", "Latitude"])  # fmt: skip
    n = int((rows["Crime type"] == ASB).sum())
    assert figures["Reports in hotspots"].endswith(f" of {n:,}")
    assert figures["PAI of last period's hotspots"] != "n/a"
    # the app's own custom period of the same months links to it
    c = three.controls
    assert patrol_view.link(c, three.period) == patrol_view.PATH + "?" + (
        patrol_view._query(three.period, three.controls.types)
    )


def test_period_options_worked_by_hand():
    options = patrol_view.period_options(["2022-01", "2022-02", "2023-06"])
    assert [(o.value, o.earlier) for o in options] == [
        ("2023-04:2023-06", "2023-01:2023-03"),  # the 3 months before: from 2022-01
        ("2022-07:2023-06", None),  # the 12 before would start 2021-07: not held
        ("2022/23", None),  # the only whole financial year; none before it
    ]
    assert options[2].basis == "2022/23 (financial year, April-March)"
    assert patrol_view.period_options(["2023-05", "2023-06"]) == []


def test_too_few_months_says_where_to_go(tmp_path):
    from geo.workspace import Workspace

    ws = Workspace(tmp_path / "two.duckdb")
    ws.import_boundaries(
        ROOT / "boundaries" / "demo" / "sandbay_wards_2023.geojson", name="2023 wards"
    )
    months = sorted((ROOT / "data" / "demo" / "police_uk").iterdir())[:2]
    ws.import_incidents([f for m in months for f in m.glob("*.csv")])
    ds = data.Dataset(label="two months", workspace=str(ws.path))
    with pytest.raises(
        GeoInputError, match=r"holds 2 month\(s\), fewer than .* \(3 months\)"
    ):
        patrol_view.choose({}, ds)
