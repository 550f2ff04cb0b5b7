"""The server's guards: security headers on every reply, sign-in for uploads."""

import asyncio
import json
import urllib.request

import pytest

from app import security, ui
from app.serve import running


def _call(path: str, cookie: str | None = None) -> tuple[int, dict]:
    """Send one request through the Guard to an app that answers 200 'ok'."""
    sent = []

    async def inner(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    headers = [(b"cookie", cookie.encode())] if cookie else []
    scope = {"type": "http", "method": "PUT", "path": path, "headers": headers,
             "query_string": b""}  # fmt: skip
    asyncio.run(security.Guard(inner)(scope, receive, send))
    start = sent[0]
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}


def test_every_reply_carries_the_security_headers():
    status, headers = _call("/patrol")
    assert status == 200
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "frame-ancestors 'self'"
    assert headers["x-frame-options"] == "SAMEORIGIN"


@pytest.fixture
def signed_in(monkeypatch):
    """Sign-in configured with cookie secret "s3cret"; analysts listed."""
    from streamlit.web.server import server_util

    monkeypatch.setattr(ui, "sign_in_required", lambda: True)
    monkeypatch.setattr(server_util, "get_cookie_secret", lambda: "s3cret")
    monkeypatch.setattr(security, "_analysts", lambda: {"analyst@example.org"})


def _identity(email: str, secret: str = "s3cret") -> str:
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    user = json.dumps({"email": email, "is_logged_in": True})
    value = create_signed_value(secret, "_streamlit_user", user).decode()
    return f"_streamlit_user={value}"


def test_uploads_need_a_signed_in_analyst_when_sign_in_is_configured(signed_in):
    upload = "/_stcore/upload_file/session/file"
    assert _call(upload)[0] == 403  # anonymous
    assert _call(upload, _identity("analyst@example.org", "forged"))[0] == 403
    assert _call(upload, _identity("viewer@example.org"))[0] == 403  # not an analyst
    status, headers = _call(upload, _identity("analyst@example.org"))
    assert status == 200 and headers["x-content-type-options"] == "nosniff"
    assert _call("/patrol")[0] == 200  # only uploads are guarded here


def test_uploads_open_locally_without_sign_in():
    assert _call("/_stcore/upload_file/session/file")[0] == 200


@pytest.mark.browser
def test_the_running_server_sends_the_headers(tmp_path):
    """The app as make run starts it: the pages and the patrol view."""
    with running(env={"HOTSPOT_WORKSPACE": str(tmp_path / "w.duckdb")}) as url:
        for path in ("/", "/patrol"):
            with urllib.request.urlopen(url + path, timeout=60) as reply:
                assert reply.headers["X-Content-Type-Options"] == "nosniff", path
                assert (
                    "frame-ancestors 'self'" in reply.headers["Content-Security-Policy"]
                ), path
