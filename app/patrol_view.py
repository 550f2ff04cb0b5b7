"""The patrol view: this period's patrol hotspots as one light page, ``/patrol``.

Served by the app's own server beside the Streamlit pages, but without
Streamlit's front end, which a browser must fetch, compile and run (about 60
scripts) before it shows anything. This page is the map, the four figures and
the ranked list in plain HTML: for an officer's phone, the briefing-room screen,
and the fastest way to the map.

It shows what the Patrol hotspots page shows with the same choices, from the
same cached computation (:func:`hotspot_figures` is what both pages print), for
the workspace the app opens on. Its own choices are the period (the latest 3 or
12 months, or a financial year) and the crime types, in a form with no script;
everything else is in the app. With sign-in configured, the app's link vouches
for the signed-in user (:func:`patrol_pass`).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

import pandas as pd

from app import data, exports, ui
from app.html_tables import ranked_hotspots_html
from geo.errors import GeoInputError
from geo.patrol import PREDICTED, PatrolHotspots
from geo.periods import parse_period
from geo.synthetic import DEMO_LABEL

__all__ = [
    "Figure",
    "choose",
    "download",
    "hotspot_figures",
    "link",
    "page",
    "patrol_pass",
    "period_options",
    "routes",
]

PATH = "/patrol"
PASS_PARAM = "pass"
"""The query parameter of the pass the app's page puts in its link."""
PASS_COOKIE = "hotspot_patrol_pass"
LINK_S = 10 * 60
"""How long a link from the app lets its holder in (seconds)."""
COOKIE_S = 12 * 3600
"""How long the view then lets that browser back in (seconds): one shift."""
COOKIE_SALT = "hotspot-patrol-cookie"
"""The cookie is a token of its own (another salt): a link's pass is never a
cookie, so a leaked link lasts its 10 minutes, not a shift."""


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One headline figure of the hotspot pages: label, value and its meaning."""

    label: str
    value: str
    help: str | None = None


def hotspot_figures(view: PatrolHotspots) -> list[Figure]:
    """The four figures above the hotspot map, as both hotspot pages print them.

    All four come from geo's one answer for the period: the share of the
    boundary set's area inside hotspots, and the PAI of the previous period's
    hotspots on this one (:data:`geo.patrol.PREDICTED`).
    """
    table, ev = view.hotspots.table, view.predicted
    pai = f"{ev.pai:.1f}" if ev is not None and ev.pai == ev.pai else "n/a"
    previous = view.previous_period.label if view.previous_period else "none"
    return [
        Figure(label="Hotspots", value=f"{len(table):,}"),
        Figure(
            label=f"{view.unit.capitalize()} in hotspots",
            value=f"{int(table['incidents'].sum()):,} of {view.total:,}",
        ),
        Figure(
            label="Share of the area", value=f"{table.area.sum() / view.area_m2:.1%}"
        ),
        Figure(
            label="PAI of last period's hotspots",
            value=pai,
            help=f"Predictive accuracy index: {PREDICTED} ({previous}, the same number "
            "of months just before). (Share of this period's "
            f"{view.unit} inside those hotspots) / (their share of the area). "
            "1 is what as much area chosen at random would hold; n/a when the "
            "previous period is not held.",
        ),
    ]


LATEST = (3, 12)
"""The rolling windows offered besides financial years: the latest months held."""


@dataclass(frozen=True, kw_only=True)
class Option:
    """A period the patrol view offers, and the one before it (scored on it)."""

    value: str
    """The period as the app writes it (``2023/24``, ``2024-01:2024-03``)."""
    label: str
    """As the form shows it."""
    basis: str
    """As the sentence over the figures names it."""
    earlier: str | None
    """The period of the same length just before, when all of it is held."""


def period_options(months: list[str]) -> list[Option]:
    """The periods offered for the months held (sorted ``YYYY-MM``).

    The latest 3 and 12 months (for next weeks' patrols), then the whole
    financial years (the app's own choices). Each has the period of the same
    length before it as ``earlier`` when the data reaches back that far.

    Examples
    --------
    >>> [(o.value, o.earlier) for o in period_options(["2022-01", "2023-06"])]
    [('2023-04:2023-06', '2023-01:2023-03'), ('2022-07:2023-06', None), \
('2022/23', None)]
    """
    first, last = months[0], months[-1]
    out = []
    for k in LATEST:
        start = str(pd.Period(last, freq="M") - (k - 1))
        if start < first:
            continue
        window = parse_period(f"{start}:{last}")
        before = window.shifted(-1)
        out.append(
            Option(
                value=window.label,
                label=f"Latest {k} months ({window.words})",
                basis=f"the latest {k} months held ({window.words})",
                earlier=before.label if before.start >= first else None,
            )
        )
    years = [o for o in ui.period_options(months) if o != ui.CUSTOM]
    out += [
        Option(
            value=y,
            label=y,
            basis=f"{y} (financial year, April-March)",
            earlier=years[i - 1] if i else None,
        )
        for i, y in enumerate(years)
    ]
    return out


@dataclass(frozen=True, kw_only=True)
class Choice:
    """What the patrol view shows: the app's defaults, or the form's choices."""

    controls: ui.Controls
    option: Option
    options: tuple[Option, ...]
    types_held: tuple[str, ...]

    @property
    def period(self) -> str:
        return self.option.value

    @property
    def earlier(self) -> str | None:
        return self.option.earlier


def choose(query: dict[str, list[str]], ds: data.Dataset | None = None) -> Choice:
    """The period and crime types asked for (``period``, ``type`` repeated).

    Without them: the latest 3 months held (scored on the 3 before), ASB when
    held. Raises :class:`GeoInputError`
    naming what is not held.
    """
    ds = ds or data.start_dataset()
    held = data.catalogue(data.ws_key(ds))
    if not held["sets"] or not held["months"]:
        msg = (
            "the workspace holds no incidents or no boundary set yet: import them "
            "on the app's Data page, or with hotspot-map import"
        )
        raise GeoInputError(msg)
    c = ui.default_controls(ds)
    options = {o.value: o for o in period_options(held["months"])}
    if not options:
        msg = (
            f"the workspace holds {len(held['months'])} month(s), fewer than the "
            f"patrol view's shortest period ({LATEST[0]} months): use the app's "
            "Patrol hotspots page with a custom period"
        )
        raise GeoInputError(msg)
    default = ui.patrol_period(held["months"]) or c.after
    period = (query.get("period") or [default])[-1]
    if period not in options:
        msg = f"period {period!r} is not one offered here; choose one of: "
        raise GeoInputError(msg + ", ".join(options))
    types = tuple(query.get("type") or c.types)
    unknown = [t for t in types if t not in held["types"]]
    if unknown:
        msg = f"crime type(s) not held: {', '.join(unknown)}; held: "
        raise GeoInputError(msg + ", ".join(held["types"]))
    option = options[period]
    controls = ui.Controls(
        dataset=c.dataset,
        ws=c.ws,
        vintage=c.vintage,
        types=types,
        before=option.earlier or period,
        after=period,
        months=c.months,
    )
    return Choice(
        controls=controls,
        option=option,
        options=tuple(options.values()),
        types_held=tuple(held["types"]),
    )


CSS = """
*{box-sizing:border-box}
body{font-family:"Source Sans Pro",system-ui,Segoe UI,Arial,sans-serif;margin:0;
color:#262730}
header{padding:10px 16px;border-bottom:1px solid #e6e6e6;display:flex;gap:16px;
flex-wrap:wrap;align-items:baseline}
header h1{font-size:22px;margin:0} header a{color:#1f5fbf}
main{padding:12px 16px}
.synthetic{background:#fff3cd;border:1px solid #e0a800;padding:6px 10px;
font-weight:bold;margin:0 0 10px}
.basis{color:#555;font-size:14px;margin:0 0 10px}
form{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;font-size:14px;
margin:0 0 10px}
form fieldset{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:2px 10px}
.figures{display:flex;flex-wrap:wrap;gap:8px 32px;margin:0 0 12px}
.figure .label{font-size:14px;color:#555} .figure .value{font-size:28px}
.cols{display:flex;flex-wrap:wrap;gap:16px}
.map{flex:3 1 480px;min-width:0} .map iframe{width:100%;height:560px;border:0}
.side{flex:2 1 320px;min-width:0;font-size:14px}
.rule{color:#555;font-size:13px}
.error{background:#fde2e1;border:1px solid #a33;padding:8px 12px}
@media (max-width:600px){
main{padding:8px}
.cols{display:block} .map iframe{height:60vh}
.figures{gap:4px 18px} .figure .value{font-size:22px}
.side .ranked th:nth-child(3),.side .ranked td:nth-child(3),
.side .ranked th:nth-child(4),.side .ranked td:nth-child(4){display:none}
.side .ranked td{white-space:normal;overflow-wrap:anywhere}
.side .ranked{max-height:none}
form select{max-width:100%}
}
"""


def _query(period: str, types: tuple[str, ...], **extra) -> str:
    """The view's query string for a period and crime types (and ``extra``)."""
    pairs = [("period", period), *(("type", t) for t in types)]
    return urlencode(pairs + list(extra.items()))


def link(controls: ui.Controls, period: str, user: str | None = None) -> str:
    """The patrol view's address for these choices: the crime types, and the
    period when the view offers it (else its default). ``user``, the signed-in
    user when sign-in is configured, adds a pass for them (:func:`patrol_pass`).
    """
    offered = [o.value for o in period_options(list(controls.months))]
    pairs = [("period", period)] if period in offered else []
    pairs += [("type", t) for t in controls.types]
    if user is not None:
        pairs.append((PASS_PARAM, patrol_pass(user)))
    return f"{PATH}?{urlencode(pairs)}"


def _form(choice: Choice) -> str:
    periods = "".join(
        f'<option value="{escape(o.value)}"'
        f"{' selected' if o == choice.option else ''}>{escape(o.label)}</option>"
        for o in choice.options
    )
    boxes = "".join(
        f'<label><input type="checkbox" name="type" value="{escape(t)}"'
        f"{' checked' if t in choice.controls.types else ''}> {escape(t)}</label>"
        for t in choice.types_held
    )
    return (
        f'<form method="get" action="{PATH}"><label>Period '
        f'<select name="period">{periods}</select></label>'
        f"<fieldset><legend hidden>Crime types</legend>{boxes}</fieldset>"
        '<button type="submit">Show</button></form>'
    )


def _shell(title: str, body: str, synthetic: bool) -> str:
    banner = f'<p class="synthetic">{escape(DEMO_LABEL)}</p>' if synthetic else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>"
        '<a href="/">Open the app (every page and setting)</a></header>'
        f"<main>{banner}{body}</main></body></html>"
    )


def _figure_html(figure: Figure) -> str:
    tip = f' title="{escape(figure.help, quote=True)}"' if figure.help else ""
    return (
        f'<div class="figure"{tip}><div class="label">{escape(figure.label)}</div>'
        f'<div class="value">{escape(figure.value)}</div></div>'
    )


def _basis(choice: Choice) -> str:
    """What the figures count, over which period and wards, and of which data."""
    c = choice.controls
    scored = (
        f"the PAI is {PREDICTED} ({escape(choice.earlier)})"
        if choice.earlier
        else "no period of the same length before it is held (PAI n/a)"
    )
    # synthetic data has its banner; real data is named
    held = "" if c.dataset.synthetic else f" Data: {escape(c.dataset.label)}."
    asb = (
        " ASB figures are <em>reports</em>, not incidents."
        if c.unit != "offences"
        else ""
    )
    return (
        f'<p class="basis">{escape(", ".join(c.types))} in '
        f"{escape(choice.option.basis)}, counted on the boundary set "
        f"{escape(c.vintage)}; {scored}.{held}{asb}</p>"
    )


def page(choice: Choice) -> str:
    """The patrol view's HTML for ``choice`` (every text from the data escaped)."""
    c = choice.controls
    args = (choice.period, None, None)
    view = data.hotspot_view(*c.key, *args)
    figures = hotspot_figures(view)
    map_html = data.hotspot_map_html(*c.key, *args, None)
    ranked = ranked_hotspots_html(pd.DataFrame(view.hotspots.table), view.unit)
    offered = exports.hotspot_files(view)
    files = " · ".join(
        f'<a href="{PATH}/download?'
        f'{escape(_query(choice.period, c.types, format=fmt))}">{f.label}</a>'
        for fmt, f in offered.items()
    )
    body = (
        f"{_basis(choice)}{_form(choice)}"
        f'<div class="figures">{"".join(map(_figure_html, figures))}</div>'
        f'<div class="cols"><div class="map"><iframe title="Hotspot map" '
        f'srcdoc="{escape(map_html, quote=True)}"></iframe></div>'
        f'<div class="side">{ranked}<p>Download: {files}</p>'
        f'<p class="rule">{escape(view.hotspots.parameters.reason)}</p></div></div>'
    )
    return _shell("Patrol hotspots", body, c.dataset.synthetic)


def error_page(err: Exception) -> str:
    """What was wrong with the request, and the way back to the defaults."""
    body = (
        f'<p class="error">{escape(str(err))}</p>'
        f'<p><a href="{PATH}">The patrol view with its defaults</a></p>'
    )
    return _shell("Patrol hotspots", body, synthetic=False)


def download(choice: Choice, fmt: str) -> exports.HotspotFile:
    """The download ``fmt`` ("pack", "csv", "geojson") of ``choice``'s hotspots,
    the file the Patrol hotspots page's buttons give for the same choices."""
    c = choice.controls
    files = exports.hotspot_files(
        data.hotspot_view(*c.key, choice.period, None, None),
        wards=data.wards(*c.set_key),
        synthetic=c.dataset.synthetic,
    )
    if fmt not in files:
        msg = f"unknown download format {fmt!r}; choose one of: {', '.join(files)}"
        raise GeoInputError(msg)
    return files[fmt]


def _signer():
    """Passes signed with the sign-in's cookie secret; None without one."""
    import streamlit as st
    from itsdangerous import URLSafeTimedSerializer

    try:
        secret = str(st.secrets["auth"]["cookie_secret"])
    except (KeyError, FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return None
    return URLSafeTimedSerializer(secret, salt="hotspot-patrol-view")


def patrol_pass(user: str) -> str:
    """A pass to the patrol view for a signed-in ``user`` (their e-mail), for the
    app's page to put in its link: with sign-in configured the view cannot see
    who is signed in to the app, so the app vouches for them."""
    signer = _signer()
    if signer is None:
        msg = "sign-in is configured without [auth] cookie_secret in secrets.toml"
        raise GeoInputError(msg)
    return signer.dumps(user)


def _holder(request) -> tuple[str | None, bool]:
    """Who holds a valid pass (None: nobody), and whether it came in the link.

    A pass in the link is good for ``LINK_S`` seconds; the cookie the view sets
    is a token of its own (:data:`COOKIE_SALT`), good for ``COOKIE_S``. A pass
    that is forged, expired, signed with another secret, or a link's pass
    presented as the cookie lets nobody in.
    """
    from itsdangerous import BadSignature

    signer = _signer()
    if signer is None:
        return None, False
    for given, reader, max_age, in_link in (
        (request.query_params.get(PASS_PARAM), signer, LINK_S, True),
        (request.cookies.get(PASS_COOKIE), _cookie_signer(signer), COOKIE_S, False),
    ):
        if given:
            try:
                return str(reader.loads(given, max_age=max_age)), in_link
            except BadSignature:  # also an expired one, or a pass as a cookie
                continue
    return None, False


def _cookie_signer(signer):
    """The view's own cookie tokens: the same secret, another salt."""
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(signer.secret_keys[-1], salt=COOKIE_SALT)


async def _respond(request, build):
    """Build a reply off the event loop; GeoInputError becomes a 400 page.

    With sign-in configured, only a holder of a pass from the app is served;
    everyone else is sent to the app, which asks them to sign in.
    """
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse, RedirectResponse

    if ui.sign_in_required():
        holder, in_link = _holder(request)
        if holder is None:
            return RedirectResponse("/", status_code=303)
        if in_link:  # the browser keeps a pass of its own, and the link's goes
            rest = [(k, v) for k, v in request.query_params.multi_items()
                    if k != PASS_PARAM]  # fmt: skip
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                PASS_COOKIE,
                _cookie_signer(_signer()).dumps(holder),
                max_age=COOKIE_S,
                path=PATH,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
            return response
    query = {k: request.query_params.getlist(k) for k in request.query_params}

    def reply():
        try:
            return build(choose(query), query)
        except GeoInputError as err:
            return HTMLResponse(error_page(err), status_code=400)

    return await run_in_threadpool(reply)


async def _page(request):
    from starlette.responses import HTMLResponse

    return await _respond(request, lambda choice, _: HTMLResponse(page(choice)))


async def _download(request):
    from starlette.responses import Response

    def build(choice, query):
        file = download(choice, (query.get("format") or [""])[-1])
        disposition = f'attachment; filename="{file.name}"'
        return Response(file.build(), media_type=file.mime,
                        headers={"Content-Disposition": disposition})  # fmt: skip

    return await _respond(request, build)


def routes() -> list:
    """The patrol view's routes, for ``st.App`` (see ``app/asgi_app.py``)."""
    from starlette.routing import Route

    return [Route(PATH, _page), Route(f"{PATH}/download", _download)]
