"""Serverless examples drawn with real Graphviz: formats, legend, fan-out, cells.

The DOT that archdsl writes is read back with Graphviz itself (``dot
-Tjson0``), so the checks see the graph as Graphviz does.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

import pytest

from archdsl.compiler import compile_file, compile_text
from archdsl.render import build_dot, render
from tests.conftest import EXAMPLES
from tests.test_render import png_size

SERVERLESS_EXAMPLES = [
    "serverless-web",
    "content-routing",
    "image-pipeline",
    "priority-queues",
    "cell-based",
]

XLINK = "{http://www.w3.org/1999/xlink}href"
SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Graph:
    nodes: dict[str, dict]
    edges: list[dict]
    clusters: list[str]

    def edges_between(self, tail: str, head: str) -> list[dict]:
        return [e for e in self.edges if (e["tail"], e["head"]) == (tail, head)]


def read_graph(dot: str, dot_program: str) -> Graph:
    result = subprocess.run(
        [dot_program, "-Tjson0"],
        input=dot.encode("utf-8"),
        capture_output=True,
        check=True,
        timeout=60,
    )
    data = json.loads(result.stdout)
    objects = data.get("objects", [])
    names = {o["_gvid"]: o["name"] for o in objects}
    nodes = {o["name"]: o for o in objects if "nodes" not in o}
    edges = [
        {**e, "tail": names[e["tail"]], "head": names[e["head"]]}
        for e in data.get("edges", [])
    ]
    clusters = [o.get("label", "") for o in objects if "nodes" in o]
    return Graph(nodes, edges, clusters)


def example_graph(name: str, dot_program: str) -> Graph:
    model = compile_file(EXAMPLES / f"{name}.arch").model
    return read_graph(build_dot(model), dot_program)


@pytest.mark.parametrize("name", SERVERLESS_EXAMPLES)
def test_example_fits_in_25_lines(name):
    lines = (EXAMPLES / f"{name}.arch").read_text().splitlines()
    assert len(lines) <= 25


@pytest.mark.parametrize("name", SERVERLESS_EXAMPLES)
def test_example_renders_png(name, dot_available):
    width, height = png_size(
        render(compile_file(EXAMPLES / f"{name}.arch").model, "png")
    )
    # Every example has at least six icons of 1.4 in at 96 dpi.
    assert width > 600
    assert height > 600


@pytest.mark.parametrize("name", SERVERLESS_EXAMPLES)
def test_example_renders_self_contained_svg(name, dot_available):
    data = render(compile_file(EXAMPLES / f"{name}.arch").model, "svg")
    root = ElementTree.fromstring(data)
    images = root.findall(f".//{SVG}image")
    assert root.tag == f"{SVG}svg"
    assert len(images) >= 5
    for image in images:
        assert image.get(XLINK).startswith("data:image/png;base64,")


@pytest.mark.parametrize("name", SERVERLESS_EXAMPLES)
def test_example_dot_is_deterministic(name):
    first = build_dot(compile_file(EXAMPLES / f"{name}.arch").model)
    second = build_dot(compile_file(EXAMPLES / f"{name}.arch").model)
    assert first == second


def legend_kinds(graph: Graph) -> set[str]:
    return {
        name.split(".")[1]
        for name in graph.nodes
        if name.startswith("legend.") and name.endswith(".from")
    }


def test_legend_lists_only_drawn_kinds(dot_available):
    graph = example_graph("content-routing", dot_available)
    # Queues, topics, buses and rules carry messages and events only; the
    # functions' log groups are drawn as the functions, so no data edge shows.
    assert legend_kinds(graph) == {"async", "event"}


def test_async_edges_are_dashed_orange(dot_available):
    graph = example_graph("content-routing", dot_available)
    (edge,) = graph.edges_between("policies", "car")
    assert edge["style"] == "dashed"
    assert edge["color"] == "#D45B07"
    (legend,) = graph.edges_between("legend.async.from", "legend.async.to")
    assert legend["style"] == edge["style"]
    assert legend["color"] == edge["color"]


def test_sync_edges_are_solid(dot_available):
    graph = example_graph("serverless-web", dot_available)
    (edge,) = graph.edges_between("shop", "place-order")
    assert edge["style"] == "solid"


def test_filter_policy_on_subscription_edge(dot_available):
    graph = example_graph("content-routing", dot_available)
    (edge,) = graph.edges_between("policies", "life")
    assert edge["label"] == "type = life, premium >= 100"


def test_rule_pattern_on_rule_edge(dot_available):
    graph = example_graph("content-routing", dot_available)
    (edge,) = graph.edges_between("cars", "car-eb")
    assert edge["label"] == "rule cars\nsource = orders, detail.type = car"


def test_authorizer_drawn_at_its_api(dot_available):
    graph = example_graph("serverless-web", dot_available)
    (edge,) = graph.edges_between("shop", "users")
    assert edge["label"] == "validates JWT"
    assert "shop.authorizer" not in graph.nodes


def test_cells_beyond_three_collapse_into_badge(dot_available):
    graph = example_graph("cell-based", dot_available)
    assert "shard1.entry" in graph.nodes
    assert "shard2.entry" in graph.nodes
    assert "shard3.entry" not in graph.nodes
    assert "us-west-2.shard4.entry" not in graph.nodes
    badge = graph.nodes["cells.us-east-1/shard"]
    assert badge["label"].startswith("+2 more shard cells")
    assert "shard1 (cell 1 of 4)" in graph.clusters


def test_edges_to_hidden_cells_end_at_badge_once(dot_available):
    graph = example_graph("cell-based", dot_available)
    assert len(graph.edges_between("router-fn", "cells.us-east-1/shard")) == 1
    assert len(graph.edges_between("router-fn", "cells.us-west-2/shard")) == 1
    assert len(graph.edges_between("router-fn", "shard1.entry")) == 1


def test_three_cells_are_all_drawn(dot_available):
    model = compile_text(
        "function router\ncell shard x3 {\n  function f\n}\nrouter -> shard.f\n",
        "t.arch",
    ).model
    graph = read_graph(build_dot(model), dot_available)
    for copy in ("shard1.f", "shard2.f", "shard3.f"):
        assert copy in graph.nodes, copy
    assert not [n for n in graph.nodes if n.startswith("cells.")]


def test_fan_out_label_drawn_once(dot_available):
    graph = example_graph("cell-based", dot_available)
    labels = [
        e.get("label")
        for e in graph.edges
        if e["tail"] == "provision" and e.get("label")
    ]
    assert labels.count("create cell") == 1


def test_priority_edges_show_drain_order(dot_available):
    graph = example_graph("priority-queues", dot_available)
    high = graph.edges_between("high", "workers.us-east-1a")
    low = graph.edges_between("low", "workers.us-east-1a")
    assert high[0]["label"] == "drained 1st"
    assert low[0]["label"] == "drained 2nd"


def test_queue_depth_scaling_in_asg_box(dot_available):
    graph = example_graph("priority-queues", dot_available)
    assert "workers ASG (over 2 AZs), scales on queue depth" in graph.clusters
