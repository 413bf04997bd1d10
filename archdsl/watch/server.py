"""The live preview: one HTML page kept current through server-sent events.

Routes:

- ``/``: the page, with its script and style inline, so it works offline.
- ``/events``: a ``text/event-stream`` of ``state`` events. Each event
  carries the whole preview state as JSON (the SVG, the error, the
  checklist), so a browser that reconnects, even to a restarted server, is
  back in sync with the first event it receives.
- ``/diagram.svg``: the last good SVG.

Nothing else is served; the server never reads files from disk.
"""

from __future__ import annotations

import html
import ipaddress
import json
import logging
import secrets
import socket
import threading
import time
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from archdsl.watch.pipeline import RenderResult

logger = logging.getLogger(__name__)

# An idle event stream gets a comment line every KEEPALIVE_SECONDS. Writing
# is how the server finds out that a browser tab went away, so the interval
# bounds how long a dead stream keeps its thread busy. Browsers reconnect after
# RETRY_MILLISECONDS when a stream drops, which is quick enough to catch the
# first render of a restarted server without hammering a stopped one.
KEEPALIVE_SECONDS = 15.0
RETRY_MILLISECONDS = 1000

_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class PreviewState:
    """The state the page shows, and a condition to wait for changes to it.

    A failed render keeps the last good SVG and checklist and sets ``error``.
    """

    def __init__(self, title: str) -> None:
        self.title = title
        self._condition = threading.Condition()
        self._version = 0
        self._closed = False
        self._state: dict[str, Any] = {
            "generation": 0,
            "svg": None,
            "svg_generation": 0,
            "error": None,
            "checklist": None,
            "finished_at": None,
            "milliseconds": None,
        }
        self._payload = json.dumps(self._state)

    def apply(self, result: RenderResult) -> None:
        """Take a render result; a session calls this for each result in order."""
        with self._condition:
            state = dict(self._state)
            state["generation"] = result.generation
            state["error"] = result.error
            state["finished_at"] = datetime.now().strftime("%H:%M:%S")
            state["milliseconds"] = round(result.seconds * 1000)
            if result.svg is not None:
                state["svg"] = result.svg
                state["svg_generation"] = result.generation
            if result.ok:
                state["checklist"] = (
                    result.checklist.to_json() if result.checklist else None
                )
            self._state = state
            self._payload = json.dumps(state)
            self._version += 1
            self._condition.notify_all()

    @property
    def svg(self) -> str | None:
        return self._state["svg"]

    def snapshot(self) -> tuple[int, str]:
        """Return the state's version and its JSON."""
        with self._condition:
            return self._version, self._payload

    def wait_for_change(self, version: int, timeout: float) -> tuple[int, str] | None:
        """Wait until the version differs from ``version``; None when closed.

        Returns the unchanged snapshot when ``timeout`` seconds pass first.
        """
        with self._condition:
            self._condition.wait_for(
                lambda: self._closed or self._version != version, timeout
            )
            if self._closed:
                return None
            return self._version, self._payload

    def close(self) -> None:
        """End every event stream."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()


class PreviewServer:
    """A threading HTTP server for the preview page; bind it with ``port=0``
    for a free port."""

    def __init__(self, state: PreviewState, host: str = "127.0.0.1", port: int = 0):
        self.state = state
        server_class = _IPv6Server if ":" in host else _IPv4Server
        self._httpd = server_class((host, port), _Handler)
        self._httpd.preview = self
        self._page_template = (
            resources.files("archdsl.watch").joinpath("page.html").read_text("utf-8")
        )
        self._loopback = _is_loopback(host)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="archdsl-preview",
            daemon=True,
        )

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def start(self) -> None:
        self._thread.start()
        logger.info("serving the preview on %s", self.url)

    def stop(self) -> None:
        self.state.close()
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def page(self, nonce: str) -> bytes:
        title = html.escape(self.state.title, quote=True)
        text = self._page_template.replace("{{title}}", title)
        return text.replace("{{nonce}}", nonce).encode("utf-8")

    def accepts_host(self, header: str | None) -> bool:
        """Return whether a request's Host header names this server.

        A server on a loopback address accepts only loopback names, so a web
        page cannot read the preview through a DNS name that it rebinds to
        127.0.0.1.
        """
        if not self._loopback:
            return True
        if not header:
            return False
        name = urlsplit(f"//{header}").hostname
        return name in _LOOPBACK_NAMES or name == self.host


class _IPv4Server(ThreadingHTTPServer):
    daemon_threads = True
    preview: PreviewServer


class _IPv6Server(_IPv4Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _IPv4Server
    server_version = "archdsl-watch"

    def version_string(self) -> str:
        # The default appends Python's version, which a preview need not tell.
        return self.server_version

    def do_GET(self) -> None:
        preview = self.server.preview
        if not preview.accepts_host(self.headers.get("Host")):
            logger.warning(
                "preview: rejected a request from %s for host %r",
                self.address_string(),
                self.headers.get("Host"),
            )
            self._send_text(HTTPStatus.MISDIRECTED_REQUEST, "unknown host name\n")
            return
        route = urlsplit(self.path).path
        if route == "/":
            self._send_page(preview)
        elif route == "/events":
            self._stream_events(preview.state)
        elif route == "/diagram.svg":
            self._send_svg(preview.state)
        else:
            self._send_text(HTTPStatus.NOT_FOUND, "not found\n")

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("preview: %s %s", self.address_string(), format % args)

    def _send_page(self, preview: PreviewServer) -> None:
        nonce = secrets.token_urlsafe(16)
        body = preview.page(nonce)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src 'nonce-{nonce}'; "
            "style-src 'unsafe-inline'; img-src data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'",
        )
        self._send_body(body)

    def _send_svg(self, state: PreviewState) -> None:
        svg = state.svg
        if svg is None:
            self._send_text(HTTPStatus.NOT_FOUND, "no diagram has rendered yet\n")
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "image/svg+xml")
        self._send_body(svg.encode("utf-8"))

    def _send_text(self, status: HTTPStatus, text: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self._send_body(text.encode("utf-8"))

    def _send_body(self, body: bytes) -> None:
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        self.wfile.write(body)

    def _stream_events(self, state: PreviewState) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        try:
            self._write_event_stream(state)
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("preview: %s closed its event stream", self.address_string())

    def _write_event_stream(self, state: PreviewState) -> None:
        self._write(f"retry: {RETRY_MILLISECONDS}\n\n")
        version, payload = state.snapshot()
        self._write_state(version, payload)
        idle_since = time.monotonic()
        while True:
            change = state.wait_for_change(version, KEEPALIVE_SECONDS)
            if change is None:
                return
            if change[0] == version:
                self._write(f": idle {time.monotonic() - idle_since:.0f} s\n\n")
                continue
            version, payload = change
            self._write_state(version, payload)
            idle_since = time.monotonic()

    def _write_state(self, version: int, payload: str) -> None:
        self._write(f"id: {version}\nevent: state\ndata: {payload}\n\n")

    def _write(self, text: str) -> None:
        self.wfile.write(text.encode("utf-8"))
        self.wfile.flush()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
