"""The container, analytics, operations and security examples: short, valid, drawn.

Every example is compiled and rendered to PNG and SVG with the real
Graphviz. The layout is checked where the diagram promises something:
Kubernetes objects inside the cluster box, pipeline stages left to right,
and watchers in a box of their own.
"""

from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest

from archdsl.compiler import compile_file
from archdsl.render import build_dot, render
from archdsl.render.diagram import icons_root
from tests.conftest import EXAMPLES, run_archdsl

NAMES = ("eks", "twelve-factor", "analytics", "observability", "ids-ips")

#: Lines an example may have, comments and blank lines included.
MAX_LINES = 25


@pytest.fixture(scope="module", params=NAMES)
def example(request):
    path = EXAMPLES / f"{request.param}.arch"
    return request.param, path, compile_file(path).model


def test_example_is_short(example):
    _, path, _ = example
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_example_has_no_warnings(example):
    name, _, model = example
    assert [w.message for w in model.warnings] == [], name


def test_example_renders_png(example, dot_available):
    _, _, model = example
    data = render(model, "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 100_000


def test_example_renders_svg_with_embedded_icons(example, dot_available):
    _, _, model = example
    root = ElementTree.fromstring(render(model, "svg"))
    images = root.findall(".//{http://www.w3.org/2000/svg}image")
    assert images
    for image in images:
        assert image.get("{http://www.w3.org/1999/xlink}href").startswith("data:")


def test_example_output_is_deterministic(example):
    name, path, model = example
    again = compile_file(path).model
    assert model.dumps() == again.dumps(), name
    assert build_dot(model) == build_dot(again), name


def test_expand_lists_defaults_with_reasons(example):
    name, path, _ = example
    result = run_archdsl("expand", str(path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    reasons = re.findall(r'"reason": "([^"]*)"', result.stdout)
    assert reasons
    assert all(reasons), name


# What each example must contain, written from its comment block --------------


def model_of(name: str):
    return compile_file(EXAMPLES / f"{name}.arch").model


def test_eks_example_contents():
    model = model_of("eks")
    assert model.component("apps.cluster").attrs["endpoint"] == "private"
    for az in ("us-east-1a", "us-east-1b", "us-east-1c"):
        share = model.component(f"general.{az}")
        assert share.placement.subnets == (f"subnet.private.{az}",), az
    assert model.component("apps.autoscaler").attrs["type"] == "karpenter"
    assert model.component("reports.us-east-1a").attrs["runs_on"] == ["batch.profile"]
    assert model.component("web.hpa").attrs["scaling"]["max"] == 30
    assert model.component("storefront.repository").attrs["scan_on_push"] is True
    assert model.component("orders.standby").kind == "rds.standby"


def test_twelve_factor_example_contents():
    model = model_of("twelve-factor")
    service = model.component("web.service")
    assert service.attrs["launch_type"] == "FARGATE"
    assert service.attrs["log_router"] == "FireLens sidecar (Fluent Bit)"
    assert service.attrs["stateless"] is True
    links = {(c.source, c.target) for c in model.connections}
    assert ("release.build", "web-image.repository") in links
    assert ("release.pipeline", "web.service") in links
    assert ("web.us-east-1a", "db-creds.secret") in links
    assert ("web.us-east-1b", "app-config.parameter") in links
    for group in model.of_kind("logs.log-group"):
        assert group.attrs["log_retention_days"] == 30, group.id


def test_analytics_example_contents():
    model = model_of("analytics")
    assert model.component("land.delivery").attrs["format"] == "parquet"
    assert model.component("dw.cluster").attrs["spectrum"] is True
    assert model.component("discover.crawler").attrs["schedule_hours"] == 1
    links = {(c.source, c.target, c.kind) for c in model.connections}
    assert ("events.stream", "land.delivery", "data") in links
    assert ("events.stream", "live.app", "data") in links
    assert ("data.raw", "curate.job", "data") in links
    assert ("curate.job", "dw.cluster", "data") in links


def test_observability_example_contents():
    model = model_of("observability")
    assert model.component("web-errors.alarm").attrs["watches"] == "web.alb"
    assert model.component("db-cpu.alarm").attrs["watches"] == "orders.writer"
    assert model.component("kubecost.kubecost").attrs["cluster"] == "apps.cluster"
    assert model.component("monthly.budget").attrs["amount_usd"] == 5000


def test_ids_ips_example_contents():
    model = model_of("ids-ips")
    assert model.component("ips.us-east-1a").attrs["mode"] == "ips"
    assert model.component("tap.session").attrs["target"] == "ngfw.endpoint.us-east-1a"
    route = model.component("shop.subnet.private.us-east-1a").attrs["default_route"]
    assert route == "hub.tgw"
    links = {(c.source, c.target, c.kind) for c in model.connections}
    assert ("guardduty.detector", "securityhub.hub", "monitoring") in links
    assert ("audit.trail", "guardduty.detector", "monitoring") in links


# Layout ----------------------------------------------------------------------


def plain_layout(model, dot_program: str) -> dict[str, tuple[float, float]]:
    plain = subprocess.run(
        [dot_program, "-Tplain", f"-Gimagepath={icons_root()}"],
        input=build_dot(model).encode(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    nodes = {}
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] == "node":
            nodes[parts[1].strip('"')] = (float(parts[2]), float(parts[3]))
    return nodes


def cluster_body(dot: str, name: str) -> str:
    """Return the DOT text inside one cluster subgraph, its children included."""
    start = dot.index("{", dot.index(f'subgraph "{name}"'))
    depth = 0
    for index in range(start, len(dot)):
        if dot[index] == "{":
            depth += 1
        elif dot[index] == "}":
            depth -= 1
            if depth == 0:
                return dot[start:index]
    raise AssertionError(f"cluster {name} is not closed")


def test_kubernetes_objects_draw_inside_cluster_box():
    box = cluster_body(build_dot(model_of("eks")), "cluster_k8s_apps.cluster")
    for node in ("web.ingress", "web.service", "web.deployment", "web.hpa"):
        assert f'"{node}" [' in box, node


def test_nodes_and_balancer_draw_outside_cluster_box():
    dot = build_dot(model_of("eks"))
    box = cluster_body(dot, "cluster_k8s_apps.cluster")
    for node in ("general.us-east-1a", "web.alb"):
        assert f'"{node}" [' in dot, node
        assert f'"{node}" [' not in box, node


def test_pipeline_stages_run_left_to_right(dot_available):
    nodes = plain_layout(model_of("analytics"), dot_available)
    order = ["land.delivery", "data.raw", "meta.catalog", "curate.job"]
    order += ["adhoc.workgroup", "dash.dashboard"]
    xs = [nodes[node][0] for node in order]
    assert xs == sorted(xs), list(zip(order, xs, strict=True))


def test_watchers_draw_in_their_own_box():
    box = cluster_body(build_dot(model_of("observability")), "cluster_watch_us-east-1")
    for node in ("cloudwatch.metrics", "xray.tracing", "web-errors.alarm"):
        assert f'"{node}"' in box, node


def test_telemetry_edges_do_not_constrain_layout():
    dot = build_dot(model_of("observability"))
    telemetry = [line for line in dot.splitlines() if '-> "cloudwatch.metrics"' in line]
    assert telemetry
    for line in telemetry:
        assert "constraint=false" in line
        assert "style=dotted" in line


def test_expand_is_identical_across_processes(example):
    name, path, _ = example
    outputs = {
        run_archdsl(
            "expand", str(path), env={**os.environ, "PYTHONHASHSEED": str(seed)}
        ).stdout
        for seed in (1, 2)
    }
    assert len(outputs) == 1, name
