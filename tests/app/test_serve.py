"""The app's launcher (app.serve): what it changes in Streamlit's server."""

import select
import socket

import pytest


def _accepted_no_delay(bind) -> int:
    """TCP_NODELAY on a connection accepted by a socket that ``bind`` made."""
    listener = bind("127.0.0.1", 0, 8)
    with listener, socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET / HTTP/1.1\r\n\r\n")
        assert select.select([listener], [], [], 5)[0], "no connection arrived"
        conn, _ = listener.accept()
        with conn:
            return conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_server_connections_send_replies_at_once(monkeypatch):
    """After no_delay(), every connection the server accepts has TCP_NODELAY.

    Without it a reply written in two parts waits 40 ms for the browser's
    delayed acknowledgement (measured: 44 ms a static file on a kept-alive
    connection, 1.6 ms with it).
    """
    starlette_server = pytest.importorskip(
        "streamlit.web.server.starlette.starlette_server"
    )
    from app import serve

    bind = starlette_server._bind_socket
    monkeypatch.setattr(starlette_server, "_bind_socket", bind)
    serve.no_delay()
    assert starlette_server._bind_socket is not bind
    assert _accepted_no_delay(starlette_server._bind_socket) != 0
    patched = starlette_server._bind_socket
    serve.no_delay()  # twice (a second main() in one process) wraps once
    assert starlette_server._bind_socket is patched
