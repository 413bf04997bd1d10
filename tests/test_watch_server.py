"""The preview server over real HTTP on 127.0.0.1, read with http.client."""

from __future__ import annotations

import http.client
import json
import socket

import pytest

from archdsl.watch.checklist import Checklist, Finding
from archdsl.watch.pipeline import RenderResult
from archdsl.watch.server import PreviewServer, PreviewState

SVG = '<svg xmlns="http://www.w3.org/2000/svg"><text>first</text></svg>'
NEWER_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><text>second</text></svg>'


@pytest.fixture
def server():
    preview = PreviewServer(PreviewState("shop & <co>.arch"), "127.0.0.1", 0)
    preview.start()
    yield preview
    preview.stop()


def get(server: PreviewServer, path: str, host: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Host": host} if host else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response, response.read()


class EventStream:
    """An open ``/events`` stream, read one event at a time."""

    def __init__(self, server: PreviewServer) -> None:
        self.connection = http.client.HTTPConnection(
            "127.0.0.1", server.port, timeout=30
        )
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()

    def next_event(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        while True:
            line = self.response.readline().decode("utf-8")
            assert line, "the event stream ended"
            line = line.rstrip("\n")
            if not line:
                if "data" in fields:
                    return fields
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value

    def next_state(self) -> dict:
        return json.loads(self.next_event()["data"])

    def close(self) -> None:
        self.connection.close()


def test_page_is_html_with_escaped_title(server):
    response, body = get(server, "/")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert b"<title>shop &amp; &lt;co&gt;.arch - archdsl watch</title>" in body


def test_server_header_names_only_archdsl(server):
    response, _ = get(server, "/")
    assert response.getheader("Server") == "archdsl-watch"


def test_page_loads_nothing_external(server):
    response, body = get(server, "/")
    policy = response.getheader("Content-Security-Policy")
    assert "default-src 'none'" in policy
    assert b"http://" not in body.replace(b"http://www.w3.org", b"")
    assert b"https://" not in body


def test_page_script_carries_policy_nonce(server):
    response, body = get(server, "/")
    policy = response.getheader("Content-Security-Policy")
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">'.encode() in body


def test_unknown_route_not_found(server):
    response, _ = get(server, "/etc/passwd")
    assert response.status == 404


def test_parent_path_not_found(server):
    response, _ = get(server, "/../page.html")
    assert response.status == 404


def test_foreign_host_rejected(server):
    response, _ = get(server, "/", host=f"attacker.example:{server.port}")
    assert response.status == 421


def test_localhost_name_accepted(server):
    response, _ = get(server, "/", host=f"localhost:{server.port}")
    assert response.status == 200


def test_post_not_allowed(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("POST", "/events", body=b"x")
    assert connection.getresponse().status == 501


def test_diagram_missing_before_render(server):
    response, _ = get(server, "/diagram.svg")
    assert response.status == 404


def test_diagram_served_after_render(server):
    server.state.apply(RenderResult(1, svg=SVG))
    response, body = get(server, "/diagram.svg")
    assert response.status == 200
    assert response.getheader("Content-Type") == "image/svg+xml"
    assert body.decode() == SVG


def test_stream_starts_with_current_state(server):
    server.state.apply(RenderResult(1, svg=SVG))
    stream = EventStream(server)
    event = stream.next_event()
    stream.close()
    assert stream.response.getheader("Content-Type").startswith("text/event-stream")
    assert event["event"] == "state"
    assert json.loads(event["data"])["svg"] == SVG


def test_stream_sends_retry_interval(server):
    stream = EventStream(server)
    first = stream.response.readline()
    stream.close()
    assert first == b"retry: 1000\n"


def test_stream_pushes_new_render(server):
    server.state.apply(RenderResult(1, svg=SVG))
    stream = EventStream(server)
    stream.next_state()
    server.state.apply(RenderResult(2, svg=NEWER_SVG))
    state = stream.next_state()
    stream.close()
    assert state["generation"] == 2
    assert state["svg"] == NEWER_SVG


def test_error_keeps_last_good_svg(server):
    server.state.apply(RenderResult(1, svg=SVG))
    server.state.apply(RenderResult(2, error="d.arch:1:1: error: broken"))
    state = EventStream(server).next_state()
    assert state["error"] == "d.arch:1:1: error: broken"
    assert state["svg"] == SVG
    assert state["svg_generation"] == 1


def test_good_render_clears_error(server):
    server.state.apply(RenderResult(1, error="d.arch:1:1: error: broken"))
    server.state.apply(RenderResult(2, svg=SVG))
    state = EventStream(server).next_state()
    assert state["error"] is None


def test_checklist_in_state(server):
    checklist = Checklist((Finding("REL-001", "warning", "single NAT gateway"),), 9)
    server.state.apply(RenderResult(1, svg=SVG, checklist=checklist))
    state = EventStream(server).next_state()
    assert state["checklist"]["summary"] == "1 finding: 1 warning"
    assert state["checklist"]["findings"][0]["rule"] == "REL-001"


def test_stop_ends_open_streams(server):
    stream = EventStream(server)
    stream.next_state()
    server.stop()
    remaining = stream.response.read()
    stream.close()
    assert remaining == b""


def test_busy_port_raises():
    first = PreviewServer(PreviewState("a"), "127.0.0.1", 0)
    try:
        with pytest.raises(OSError):
            PreviewServer(PreviewState("b"), "127.0.0.1", first.port)
    finally:
        first.stop()


def raw_get(server: PreviewServer, target: str) -> tuple[int, bytes]:
    """Send ``GET target`` exactly as written, which http.client would not."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        request = (
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(request.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


@pytest.mark.parametrize(
    "target",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/diagram.svg/../../../etc/passwd",
        "/events/../../server.py",
        "/page.html",
        "/archdsl/watch/page.html",
        "/%00",
        "/..\\..\\..\\etc\\passwd",
        "/diagram.svg%00.html",
        "/.%2e/.%2e/proc/self/environ",
    ],
)
def test_traversal_request_not_found(server, target):
    status, body = raw_get(server, target)
    assert status == 404
    assert body == b"not found\n"
