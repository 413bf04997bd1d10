"""Includes and blocks: paths, cycles, cells, regions, VPCs and names."""

from __future__ import annotations

import os

import pytest

from archdsl.compiler import compile_file
from archdsl.errors import DesignError


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def errors_of(path):
    with pytest.raises(DesignError) as caught:
        compile_file(path)
    return caught.value


def test_include_reads_statements_relative_to_including_file(tmp_path):
    write(tmp_path, "parts/data.arch", 'include "more.arch"\ndb orders\n')
    write(tmp_path, "parts/more.arch", "cache sessions\n")
    root = write(
        tmp_path,
        "main.arch",
        'tier web\ninclude "parts/data.arch"\nweb -> orders\nweb -> sessions\n',
    )
    compiled = compile_file(root)
    assert set(compiled.model.units) == {"web", "orders", "sessions"}
    orders = compiled.model.component("orders.cluster")
    assert orders.span.file == "parts/data.arch"
    assert orders.span.line == 2
    read = sorted(source.name for source in compiled.sources)
    assert read == ["main.arch", "parts/data.arch", "parts/more.arch"]


def test_include_outside_folder_is_rejected(tmp_path):
    write(tmp_path, "secret.arch", "tier x\n")
    root = write(tmp_path, "design/main.arch", 'include "../secret.arch"\n')
    error = errors_of(root)
    (diagnostic,) = error.diagnostics
    assert diagnostic.message.startswith(
        "include '../secret.arch' is outside the design's folder"
    )
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 9)


def test_bind_error_in_include_shows_chain(tmp_path):
    write(tmp_path, "c.arch", "tier web mxa=3\n")
    write(tmp_path, "b.arch", 'include "c.arch"\n')
    root = write(tmp_path, "main.arch", 'cell shard x2 {\n  include "b.arch"\n}\n')
    text = errors_of(root).format().replace(f"{tmp_path}/", "")
    lines = text.splitlines()
    assert lines[0] == "c.arch:1:10: error: unknown option 'mxa'; did you mean 'max'?"
    assert lines[3] == "b.arch:1:1: note: included from here"
    assert lines[4] == "main.arch:2:3: note: included from here"


def test_flow_error_in_include_shows_chain(tmp_path):
    write(tmp_path, "c.arch", "tier web\nweb -> nope\n")
    root = write(tmp_path, "main.arch", 'include "c.arch"\n')
    text = errors_of(root).format().replace(f"{tmp_path}/", "")
    assert text.startswith("c.arch:2:8: error: unknown name 'nope'")
    assert "main.arch:1:1: note: included from here" in text


def test_error_in_root_has_no_include_note(tmp_path):
    write(tmp_path, "c.arch", "tier web\n")
    root = write(tmp_path, "main.arch", 'include "c.arch"\ntier app mxa=3\n')
    text = errors_of(root).format().replace(f"{tmp_path}/", "")
    assert text.startswith("main.arch:2:10: error: unknown option 'mxa'")
    assert "included from here" not in text


def test_include_through_symlink_outside_folder_is_rejected(tmp_path):
    write(tmp_path, "outside/x.arch", "tier x\n")
    (tmp_path / "design").mkdir()
    os.symlink(tmp_path / "outside" / "x.arch", tmp_path / "design" / "link.arch")
    root = write(tmp_path, "design/main.arch", 'include "link.arch"\n')
    assert "outside the design's folder" in errors_of(root).diagnostics[0].message


def test_include_cycle_shows_chain(tmp_path):
    write(tmp_path, "a.arch", 'include "b.arch"\n')
    write(tmp_path, "b.arch", 'tier web\ninclude "a.arch"\n')
    root = write(tmp_path, "main.arch", 'include "a.arch"\n')
    error = errors_of(root)
    (diagnostic,) = error.diagnostics
    assert diagnostic.message == "include cycle: a.arch is already being read"
    assert diagnostic.span.file == "b.arch"
    chain = [(span.file, span.line) for span, _ in diagnostic.notes]
    assert chain == [("a.arch", 1), ("main.arch", 1)]
    text = error.format()
    assert "b.arch:2:9: error: include cycle" in text
    assert "a.arch:1:1: note: included from here" in text


def test_include_missing_file(tmp_path):
    root = write(tmp_path, "main.arch", '\ninclude "nope.arch"\n')
    (diagnostic,) = errors_of(root).diagnostics
    assert diagnostic.message == "included file not found: nope.arch"
    assert diagnostic.span.line == 2


def test_include_syntax_error_points_into_included_file(tmp_path):
    write(tmp_path, "bad.arch", "tier web min=\n")
    root = write(tmp_path, "main.arch", 'include "bad.arch"\n')
    (diagnostic,) = errors_of(root).diagnostics
    assert diagnostic.span.file == "bad.arch"


def test_include_needs_one_quoted_path(tmp_path):
    root = write(tmp_path, "main.arch", "include other.arch\n")
    (diagnostic,) = errors_of(root).diagnostics
    assert diagnostic.message == "include takes one quoted path"
    assert diagnostic.hint == 'write include "other.arch"'
    two = write(tmp_path, "two.arch", 'include "a.arch" "b.arch"\n')
    (diagnostic,) = errors_of(two).diagnostics
    assert diagnostic.message == "include takes one quoted path"


def test_include_depth_limit(tmp_path):
    for index in range(20):
        write(tmp_path, f"f{index}.arch", f'include "f{index + 1}.arch"\n')
    write(tmp_path, "f20.arch", "tier web\n")
    root = write(tmp_path, "main.arch", 'include "f0.arch"\n')
    messages = [d.message for d in errors_of(root).diagnostics]
    assert messages == ["includes nest deeper than 16"]


CELLS = """design cells azs=2
tier router
cell shard x3 {
  tier api internal
  db data
  api -> data
}
router -> shard.api
"""


def test_cell_copies_are_namespaced_with_own_vpcs(tmp_path):
    model = compile_file(write(tmp_path, "c.arch", CELLS)).model
    assert sorted(model.units) == sorted(
        ["router"] + [f"shard{i}.{n}" for i in (1, 2, 3) for n in ("api", "data")]
    )
    vpcs = {c.id: c.attrs["cidr"] for c in model.of_kind("ec2.vpc")}
    assert vpcs == {
        "vpc": "10.0.0.0/16",
        "shard1.vpc": "10.1.0.0/16",
        "shard2.vpc": "10.2.0.0/16",
        "shard3.vpc": "10.3.0.0/16",
    }
    assert model.component("shard2.api.alb").placement.vpc == "shard2.vpc"
    assert model.component("shard2.api.alb").placement.groups == ("shard2",)


def test_cell_flows_stay_inside_each_copy(tmp_path):
    model = compile_file(write(tmp_path, "c.arch", CELLS)).model
    flows = sorted(flow.id for flow in model.flows)
    assert flows == sorted(
        [f"shard{i}.api->shard{i}.data" for i in (1, 2, 3)]
        + [f"router->shard{i}.api" for i in (1, 2, 3)]
    )


def test_cell_copy_can_be_named_alone(tmp_path):
    text = CELLS.replace("router -> shard.api", "router -> shard2.api")
    model = compile_file(write(tmp_path, "c.arch", text)).model
    assert [f.id for f in model.flows if f.source == "router"] == ["router->shard2.api"]


def test_cell_without_own_vpc_shares_the_default(tmp_path):
    text = CELLS.replace("cell shard x3 {", "cell shard x2 vpc=off {")
    model = compile_file(write(tmp_path, "c.arch", text)).model
    assert [c.id for c in model.of_kind("ec2.vpc")] == ["vpc"]


def test_region_block_places_statements_in_region(tmp_path):
    text = "tier web\nregion eu-west-1 azs=3 {\n  tier web\n}\n"
    model = compile_file(write(tmp_path, "r.arch", text)).model
    assert model.design.regions == ("us-east-1", "eu-west-1")
    alb = model.component("eu-west-1.web.alb")
    assert alb.placement.region == "eu-west-1"
    assert alb.placement.azs == ("eu-west-1a", "eu-west-1b", "eu-west-1c")
    assert model.component("eu-west-1.vpc").attrs["cidr"] == "10.1.0.0/16"
    certificates = {c.id: c.placement.region for c in model.of_kind("acm.certificate")}
    assert certificates == {"cert": "us-east-1", "cert.eu-west-1": "eu-west-1"}


def test_vpc_block_keeps_names_and_takes_cidr(tmp_path):
    text = (
        "tier web\nvpc inspection vpc_cidr=10.100.0.0/16 {\n  tier probe internal\n}\n"
        "web -> probe\n"
    )
    model = compile_file(write(tmp_path, "v.arch", text)).model
    assert "probe" in model.units
    assert model.component("probe.alb").placement.vpc == "inspection.vpc"
    assert model.component("inspection.vpc").attrs["cidr"] == "10.100.0.0/16"


def test_group_block_changes_placement_not_names(tmp_path):
    text = 'group backend "Order services" {\n  tier app\n}\n'
    model = compile_file(write(tmp_path, "g.arch", text)).model
    assert model.component("app.alb").placement.groups == ("Order services",)


# Each case: design, message start, line, column.
BLOCK_ERRORS = [
    (
        "region us-west-9 {\n  tier a\n}\n",
        "unknown region 'us-west-9'; did you mean",
        1,
        8,
    ),
    (
        "region us-west-2 {\n  region eu-west-1 {\n    tier a\n  }\n}\n",
        "region blocks cannot nest",
        2,
        3,
    ),
    (
        "cell c x0 {\n  tier a\n}\n",
        "invalid value for option 'count': 0 is below",
        1,
        8,
    ),
    (
        "cell c x1000 {\n  tier a\n}\n",
        "invalid value for option 'count': 1000 is above",
        1,
        8,
    ),
    (
        "cell a x100 {\n  cell b x100 {\n    tier t\n  }\n}\n",
        "no free 10.N.0.0/16 range is left for another VPC",
        3,
        5,
    ),
    (
        "group g {\n  design d\n}\n",
        "the design statement cannot sit inside a block",
        2,
        3,
    ),
    ("tier x { \n}\n", "'tier' does not take a block", 1, 1),
    ("cell c x2\n", "'cell' needs a block of statements in braces", 1, 1),
    (
        "tier shard1\ncell shard x2 {\n  tier a\n}\n",
        "'shard1' is also the name of a region or cell copy",
        1,
        6,
    ),
    (
        "cell c x2 {\n  tier nat\n}\n",
        "'nat' is the name of a generated component",
        2,
        8,
    ),
    ("cell c x2 {\n  tier a\n}\ntier b\nb -> c3.a\n", "unknown name 'c3.a'", 5, 6),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), BLOCK_ERRORS)
def test_block_error(tmp_path, text, message, line, column):
    diagnostics = errors_of(write(tmp_path, "b.arch", text)).diagnostics
    assert diagnostics[0].message.startswith(message), diagnostics[0].message
    assert (diagnostics[0].span.line, diagnostics[0].span.column) == (line, column)
