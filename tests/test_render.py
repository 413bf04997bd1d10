"""Rendering with real Graphviz: each format is a valid file of its kind."""

from __future__ import annotations

import html
import re
import struct
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest

from archdsl.compiler import compile_file, compile_text
from archdsl.render import build_dot, render
from archdsl.render.diagram import icons_root
from tests.conftest import EXAMPLES, assert_golden

XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module")
def model():
    return compile_file(EXAMPLES / "three-tier.arch").model


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_png_is_a_real_image(model, dot_available):
    width, height = png_size(render(model, "png"))
    # A two-AZ, three-tier picture with icons is well over 1000 px each way.
    assert width > 1500
    assert height > 1000


def test_svg_is_xml_with_embedded_icons(model, dot_available):
    data = render(model, "svg")
    root = ElementTree.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    images = root.findall(".//{http://www.w3.org/2000/svg}image")
    assert len(images) >= 15
    for image in images:
        assert image.get(XLINK).startswith("data:image/png;base64,")
    assert b"/site-packages/" not in data
    assert str(icons_root()).encode() not in data


def test_svg_shows_every_drawn_component(model, dot_available):
    text = html.unescape(render(model, "svg").decode("utf-8"))
    titles = set(re.findall(r"<title>([^<]+)</title>", text))
    for component_id in (
        "web.alb",
        "app.alb",
        "orders.writer",
        "orders.reader1",
        "sessions.primary",
        "web.us-east-1a",
        "app.us-east-1b",
        "nat.us-east-1a",
        "edge.cloudfront",
        "igw",
        "internet",
    ):
        assert component_id in titles, component_id
    assert "Availability Zone us-east-1a" in text
    assert "Private subnet 10.0.16.0/20" in text
    assert "PostgreSQL :5432 TLS" in text


def test_pdf_header(model, dot_available):
    data = render(model, "pdf")
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-1024:]


def test_dot_parses_with_graphviz(model, dot_available):
    data = render(model, "dot")
    result = subprocess.run(
        [dot_available, "-Tcanon", f"-Gimagepath={icons_root()}"],
        input=data,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert b"digraph" in result.stdout


def test_dot_is_deterministic_and_machine_independent(model):
    first = build_dot(model)
    second = build_dot(compile_file(EXAMPLES / "three-tier.arch").model)
    assert first == second
    assert str(icons_root()) not in first
    assert 'image="aws/compute/ec2.png"' in first


def test_dot_matches_reviewed_snapshot(model):
    assert_golden("three-tier.dot", build_dot(model))


def test_layout_keeps_az_order_and_edge_labels(model, dot_available):
    """AZ a sits above AZ b for every tier, and labels sit on their edges."""
    plain = subprocess.run(
        [dot_available, "-Tplain", f"-Gimagepath={icons_root()}"],
        input=build_dot(model).encode(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    nodes = {}
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] == "node":
            nodes[parts[1].strip('"')] = (float(parts[2]), float(parts[3]))
    for tier in ("web", "app"):
        # Graphviz's y axis points up: AZ a is drawn above AZ b.
        assert nodes[f"{tier}.us-east-1a"][1] > nodes[f"{tier}.us-east-1b"][1], tier
    # Tiers run left to right.
    assert nodes["web.alb"][0] < nodes["web.us-east-1a"][0] < nodes["app.alb"][0]
    assert nodes["app.alb"][0] < nodes["app.us-east-1a"][0] < nodes["orders.writer"][0]
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] != "edge" or "HTTPS" not in line:
            continue
        count = int(parts[3])
        points = [
            (float(parts[4 + 2 * i]), float(parts[5 + 2 * i])) for i in range(count)
        ]
        label_x, label_y = float(parts[-4]), float(parts[-3])
        curve = bezier_samples(points)
        nearest = min(
            ((x - label_x) ** 2 + (y - label_y) ** 2) ** 0.5 for x, y in curve
        )
        # The label's centre lies within an inch of its own edge; a detached
        # label (orthogonal routing) lands several inches away.
        assert nearest < 1.0, line


def bezier_samples(points, steps=20):
    """Sample the piecewise cubic Bezier curve that Graphviz's plain output gives."""
    samples = []
    for start in range(0, len(points) - 1, 3):
        p0, p1, p2, p3 = points[start : start + 4]
        for step in range(steps + 1):
            t = step / steps
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            samples.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
    return samples


def test_hostile_label_stays_inside_its_dot_string(dot_available):
    model = compile_text(
        'tier web\ntier app internal\nweb -> app "a \\"quoted\\" <b>bold</b> \\\\ end"\n',
        "t.arch",
    ).model
    source = build_dot(model)
    result = subprocess.run(
        [dot_available, "-Tsvg", f"-Gimagepath={icons_root()}"],
        input=source.encode(),
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    svg = result.stdout.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in svg
    assert "\\ end" in svg


def test_every_catalogue_icon_exists():
    import importlib

    from archdsl.catalog import KINDS

    for kind in KINDS.values():
        if kind.icon is None:
            continue
        module_name, class_name = kind.icon.rsplit(".", 1)
        icon_class = getattr(
            importlib.import_module(f"diagrams.{module_name}"), class_name
        )
        from archdsl.render.diagram import icon_path

        assert (icons_root() / icon_path(icon_class)).is_file(), kind.key


# Graphviz 2.43's spline router loses the DNS edge into this design's cells
# ("triangulation failed"), with or without replica alignment.
SPLINE_FAILURE = """\
design cells azs=3
cell c x5 {
  tier web behind alb
  tier app behind alb internal
  db data aurora replicas=2
  web -> app -> data
}
"""


def test_spline_failure_falls_back_to_straight_edges(dot_available):
    model = compile_text(SPLINE_FAILURE, "cells.arch").model
    unaligned = build_dot(model, align_replicas=False)
    spline_run = subprocess.run(
        ["dot", "-Tsvg"], input=unaligned.encode(), capture_output=True, check=False
    )
    if spline_run.returncode == 0:
        pytest.skip("this Graphviz routes the splines; the fallback is not needed")
    svg = render(model, "svg")
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"c2.data.writer" in svg
