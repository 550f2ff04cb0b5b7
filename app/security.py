"""The server's guards: security headers on every reply, and sign-in for uploads.

A pure ASGI middleware for ``st.App`` (``app/asgi_app.py``). Every HTTP reply
(the Streamlit pages, their files, the patrol view, its downloads) says not to
sniff content types and not to be framed by another site. With sign-in
configured, a file upload (``/_stcore/upload_file``) needs the signed-in
user's cookie, and the user must be an analyst when analysts are listed:
anonymous visitors could otherwise fill the server's memory with uploads.
"""

from __future__ import annotations

import json

__all__ = ["HEADERS", "Guard", "uploader"]

HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
)
"""Added to every HTTP reply that does not set its own."""

UPLOAD_PATH = "/_stcore/upload_file"


def uploader(cookies: dict[str, str]) -> str | None:
    """Who sent an upload: the signed-in user's e-mail, or None (refused).

    Sign-in not configured: anyone on the machine may ("local"). Configured:
    the user of Streamlit's signed identity cookie, and an analyst when the
    secrets list analysts (only they may import).
    """
    from app import ui

    if not ui.sign_in_required():
        return "local"
    try:
        from streamlit.web.server.server_util import get_cookie_secret
        from streamlit.web.server.starlette.starlette_app_utils import (
            decode_signed_value,
        )
        from streamlit.web.server.starlette.starlette_server_config import (
            USER_COOKIE_NAME,
        )
    except ImportError:  # another Streamlit: refuse rather than guess
        return None
    given = cookies.get(USER_COOKIE_NAME)
    if not given:
        return None
    value = decode_signed_value(get_cookie_secret(), USER_COOKIE_NAME, given)
    if not value:
        return None
    try:
        user = json.loads(value)
    except ValueError:
        return None
    email = str(user.get("email") or "").lower()
    if not user.get("is_logged_in", True) or not email:
        return None
    analysts = _analysts()
    return email if not analysts or email in analysts else None


def _analysts() -> set[str]:
    """The analysts listed in secrets.toml (lower case); none when not listed."""
    import streamlit as st

    try:
        return {str(a).lower() for a in st.secrets.get("analysts", [])}
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return set()


class Guard:
    """ASGI middleware: security headers; uploads only from a signed-in analyst."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(UPLOAD_PATH) and scope["method"] != "OPTIONS":
            from starlette.requests import Request

            if uploader(dict(Request(scope).cookies)) is None:
                await _refuse(send)
                return

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in have]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _refuse(send) -> None:
    body = b"Sign in as an analyst to upload files."
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})
