"""Draw the model as a Graphviz graph with mingrammer ``diagrams``.

The picture nests Region > VPC > AZ > subnet, as AWS architecture diagrams
do, with the design's groups and cells between region and VPC. Components
outside any VPC (functions, queues, tables) sit in their region, group and
cell boxes. Cells with many copies are drawn as a few copies and a badge
(:mod:`archdsl.render.cells`).

Load balancers, the internet gateway and VPC endpoints span AZs, so they
sit in the VPC box outside the AZ boxes. Each tier's Auto Scaling group is a
dashed box inside every private subnet it spans, around the instances it
keeps in that AZ.

Edges use Graphviz spline routing with ordinary labels. The ``diagrams``
default, orthogonal routing, places labels away from their edges and grows
much faster with graph size.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from diagrams import Cluster, Diagram, Edge, Node, setcluster, setdiagram
from graphviz import nohtml

from archdsl.catalog import KINDS
from archdsl.model import Component, Connection, Model
from archdsl.render.boxes import (
    BOX_STYLES,
    LOOKUP_KINDS,
    cluster_box,
    platform_detail,
    scaling_group,
    stage_box,
    stage_ranks,
    watcher_box,
    watcher_rows,
)
from archdsl.render.cells import Badge, CellView
from archdsl.render.serverless import edge_parts, node_detail

_GRAPH_ATTRS = {
    "splines": "spline",
    "rankdir": "LR",
    "newrank": "true",
    "compound": "true",
    "nodesep": "0.45",
    "ranksep": "0.9",
    "pad": "0.4",
    "fontname": "Sans-Serif",
    "fontsize": "18",
    "labelloc": "t",
}

_NODE_ATTRS = {"fontsize": "12"}

_CLUSTER_STYLES = {
    "region": {"style": "dashed", "pencolor": "#00A4A6", "bgcolor": "#FFFFFF"},
    "vpc": {"style": "solid", "pencolor": "#8C4FFF", "bgcolor": "#FFFFFF"},
    "az": {"style": "dashed", "pencolor": "#147EBA", "bgcolor": "#FFFFFF"},
    "public": {"style": "filled", "pencolor": "#7AA116", "bgcolor": "#F2F6E8"},
    "private": {"style": "filled", "pencolor": "#147EBA", "bgcolor": "#E6F2F8"},
    "data": {"style": "filled", "pencolor": "#C925D1", "bgcolor": "#F9EAFA"},
    "asg": {"style": "dashed", "pencolor": "#D45B07", "bgcolor": "#FFFFFF"},
    "edge": {"style": "dashed", "pencolor": "#545B64", "bgcolor": "#FFFFFF"},
    "legend": {"style": "solid", "pencolor": "#AAB7B8", "bgcolor": "#FAFAFA"},
    **BOX_STYLES,
}

#: Edge attributes of each connection kind, and its words in the legend.
EDGE_STYLES = {
    "sync": ({"color": "#232F3E", "style": "solid"}, "synchronous request"),
    "async": ({"color": "#D45B07", "style": "dashed"}, "asynchronous message"),
    "data": ({"color": "#1A6FB0", "style": "bold"}, "data flow"),
    "event": ({"color": "#8C4FFF", "style": "dashed", "arrowhead": "empty"}, "event"),
    "replication": (
        {"color": "#7D8998", "style": "dashed", "arrowhead": "none"},
        "replication",
    ),
    "egress": ({"color": "#AAB7B8", "style": "dotted"}, "outbound internet"),
    "association": (
        {"color": "#AAB7B8", "style": "dotted", "arrowhead": "none"},
        "attached to",
    ),
    # Telemetry edges do not constrain the layout, so watchers stay apart
    # from the request path.
    "monitoring": (
        {"color": "#DD344C", "style": "dotted", "constraint": "false"},
        "telemetry: logs, metrics, findings",
    ),
}

_PROTOCOL_NAMES = {
    "https": "HTTPS",
    "http": "HTTP",
    "grpc": "gRPC",
    "tcp": "TCP",
    "postgres": "PostgreSQL",
    "mysql": "MySQL",
    "redis": "Redis",
    "memcached": "Memcached",
    "amqps": "AMQPS",
    "openwire-ssl": "OpenWire SSL",
    "wss": "WSS",
    "kafka": "Kafka",
    "redshift": "Redshift",
    "geneve": "GENEVE",
    "udp": "UDP",
}

_BADGE_STYLE = {
    "shape": "box",
    "style": "rounded,dashed",
    "color": "#545B64",
    "fontcolor": "#545B64",
    "fixedsize": "false",
    "width": "2.2",
    "height": "1.0",
    "labelloc": "c",
    "margin": "0.2",
}


def dot_text(text: str) -> str:
    """Return ``text`` as a literal Graphviz label.

    Backslashes are doubled so that Graphviz's escapes (``\\N``, ``\\l``) do
    not apply, and ``&`` becomes ``&amp;`` because Graphviz decodes HTML
    entities in every label (``&#65;`` is drawn as ``A``). ``nohtml`` stops a
    label such as ``<b>`` from being read as an HTML-like label. The
    graphviz package escapes the quotes.
    """
    return nohtml(text.replace("\\", "\\\\").replace("&", "&amp;"))


class _Diagram(Diagram):
    """A Diagram that builds the graph only; archdsl runs Graphviz itself."""

    def __exit__(self, exc_type, exc_value, traceback):
        setdiagram(None)


class _Cluster(Cluster):
    """A Cluster with a unique Graphviz name, so equal labels never merge."""

    def __init__(self, key: str, label: str, style: dict[str, str]) -> None:
        super().__init__(dot_text(label), graph_attr={"fontsize": "13", **style})
        self.dot.name = f"cluster_{key}"


@dataclass
class _Layout:
    """Drawn components grouped by the path of clusters they sit in."""

    by_path: dict[tuple[tuple[str, str, str], ...], list[Component]] = field(
        default_factory=lambda: defaultdict(list)
    )
    badges: dict[tuple[tuple[str, str, str], ...], list[Badge]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: Component id -> id of the badge drawn in its place.
    stand_ins: dict[str, str] = field(default_factory=dict)


def build_dot(
    model: Model, *, align_replicas: bool = True, splines: str = "spline"
) -> str:
    """Return the DOT source of the model's diagram.

    ``align_replicas`` asks Graphviz to put replicas in their primary's rank,
    and ``splines`` is Graphviz's edge routing. The renderer changes both
    when Graphviz cannot lay the diagram out with the defaults.
    """
    design = model.design
    title = design.name if not design.label else f"{design.name}: {design.label}"
    with _Diagram(
        dot_text(title),
        filename="archdsl",
        direction="LR",
        curvestyle="curved",
        outformat="dot",
        show=False,
        graph_attr={**_GRAPH_ATTRS, "splines": splines},
        node_attr=_NODE_ATTRS,
    ) as diagram:
        nodes, stand_ins = _draw_nodes(model)
        kinds = _draw_edges(model, nodes, stand_ins)
        if align_replicas:
            _align_replicas(model, nodes, diagram)
        _order_stages(model, nodes, diagram)
        _grid_watchers(model, nodes, diagram)
        _draw_legend(kinds)
    setcluster(None)
    return diagram.dot.source


def _drawn(component: Component) -> bool:
    if component.attrs.get("hidden_in_diagram"):
        return False
    return KINDS[component.kind].draw or bool(component.attrs.get("shown_in_diagram"))


def _cluster_path(
    model: Model, component: Component, view: CellView
) -> tuple[tuple[str, str, str], ...]:
    """Return (key, label, style) for each box the component sits in.

    Boxes nest region > user groups and cells > VPC > AZ > subnet > ASG.
    Keys include the enclosing region or VPC, so two VPCs' AZ boxes never
    merge.
    """
    placement = component.placement
    kind = KINDS[component.kind]
    if kind.scope == "external":
        return ()
    region = placement.region or model.design.region
    watch = watcher_box(component, region)
    # A regional AWS WAF web ACL protects a load balancer or API in its region.
    regional_acl = component.attrs.get("scope") == "REGIONAL"
    if kind.scope == "global" and watch is None and not regional_acl:
        return (("edge", "Global edge", "edge"),)
    path = _group_path(region, placement.groups, view)
    extra = watch or stage_box(component, "_".join((region, *placement.groups)))
    if extra is not None:
        return (*path, extra)
    if not placement.vpc:
        return tuple(path)
    vpc = model.components.get(placement.vpc)
    cidr = vpc.attrs.get("cidr", "") if vpc else ""
    name = placement.vpc.removesuffix("vpc").rstrip(".")
    label = f"VPC {name} {cidr}" if name else f"VPC {cidr}"
    path.append((f"vpc_{placement.vpc}", label.strip(), "vpc"))
    cluster = cluster_box(model, component)
    if cluster is not None:
        return (*path, cluster)
    if len(placement.azs) != 1 or not placement.subnets:
        return tuple(path)
    az = placement.azs[0]
    path.append((f"az_{placement.vpc}_{az}", f"Availability Zone {az}", "az"))
    subnet = model.components.get(placement.subnets[0])
    if subnet is not None:
        layer = subnet.attrs.get("layer", "private")
        label = f"{layer.capitalize()} subnet {subnet.attrs.get('cidr', '')}".strip()
        path.append((f"subnet_{subnet.id}", label, layer))
    scaling_box = scaling_group(model, component)
    if scaling_box is not None:
        key, _, style = scaling_box
        group_id = (
            component.attrs.get("asg") or component.attrs.get("ecs_service") or ""
        )
        path.append((key, _group_label(model, group_id), style))
    return tuple(path)


def _group_path(
    region: str, groups: tuple[str, ...], view: CellView
) -> list[tuple[str, str, str]]:
    """Return the region box and the user group and cell boxes inside it."""
    path = [(f"region_{region}", f"AWS Cloud: {region}", "region")]
    for depth, group in enumerate(groups):
        key = "_".join((region, *groups[: depth + 1]))
        label = view.cluster_label(region, groups[: depth + 1]) or group
        path.append((f"group_{key}", label, "edge"))
    return path


def _group_label(model: Model, group_id: str) -> str:
    """Label a scaling group's box in one AZ so it reads as one group over several."""
    group = model.components[group_id]
    spans = len(group.placement.azs)
    label = f"{group.name} (over {spans} AZs)" if spans > 1 else group.name
    scaling = group.attrs.get("scaling")
    if isinstance(scaling, dict) and scaling.get("signal") == "queue_depth":
        return f"{label}, scales on queue depth"
    return label


def _draw_nodes(model: Model) -> tuple[dict[str, Node], dict[str, str]]:
    """Draw the components; return the nodes and the badge ids of hidden copies."""
    layout = _Layout()
    view = CellView.of(model)
    order: list[tuple[tuple[str, str, str], ...]] = []
    for component in model.components.values():
        if not _drawn(component):
            continue
        badge = view.badge_for(component, model.design.region)
        if badge is not None:
            _place_badge(layout, order, badge, view)
            layout.stand_ins[component.id] = badge.id
            continue
        path = _cluster_path(model, component, view)
        if path not in layout.by_path and path not in layout.badges:
            order.append(path)
        layout.by_path[path].append(component)
    nodes: dict[str, Node] = {}
    _emit_tree(model, layout, order, (), nodes)
    return nodes, layout.stand_ins


def _place_badge(layout: _Layout, order: list, badge: Badge, view: CellView) -> None:
    path = tuple(_group_path(badge.region, badge.groups, view))
    if badge in layout.badges[path]:
        return
    if path not in layout.by_path and len(layout.badges[path]) == 0:
        order.append(path)
    layout.badges[path].append(badge)


def _emit_tree(model, layout, order, prefix, nodes) -> None:
    """Open each cluster once and draw its nodes, then its child clusters."""
    for component in layout.by_path.get(prefix, ()):
        nodes[component.id] = _node(component)
    for badge in layout.badges.get(prefix, ()):
        nodes[badge.id] = Node(dot_text(badge.label), nodeid=badge.id, **_BADGE_STYLE)
    children: list[tuple[str, str, str]] = []
    for path in order:
        if len(path) > len(prefix) and path[: len(prefix)] == prefix:
            child = path[len(prefix)]
            if child not in children:
                children.append(child)
    for key, label, style in children:
        with _Cluster(key, label, _CLUSTER_STYLES[style]):
            _emit_tree(model, layout, order, (*prefix, (key, label, style)), nodes)


def _node(component: Component) -> Node:
    kind = KINDS[component.kind]
    label = dot_text(_node_label(component))
    if kind.icon is None:
        return Node(label, nodeid=component.id, shape="box", style="rounded")
    module_name, class_name = kind.icon.rsplit(".", 1)
    icon_class = getattr(importlib.import_module(f"diagrams.{module_name}"), class_name)
    return icon_class(label, nodeid=component.id, image=icon_path(icon_class))


def icon_path(icon_class: type[Node]) -> str:
    """Return the icon's path relative to the ``diagrams`` resources folder."""
    icon_dir = Path(icon_class._icon_dir)  # e.g. resources/aws/compute
    return str(Path(*icon_dir.parts[1:]) / icon_class._icon)


def icons_root() -> Path:
    import diagrams

    return Path(diagrams.__file__).resolve().parent.parent / "resources"


def _node_label(component: Component) -> str:
    detail = _node_detail(component)
    return f"{component.name}\n{detail}" if detail else component.name


def _node_detail(component: Component) -> str:
    attrs = component.attrs
    if component.kind == "ec2.instance":
        if "asg" in attrs:
            return f"{attrs.get('instance_type', '')}, min {attrs.get('min_in_az', 1)}"
        return attrs.get("instance_type", "")
    if component.kind in ("elbv2.alb", "elbv2.nlb"):
        return _balancer_detail(attrs)
    if component.kind in ("rds.aurora-instance", "rds.instance"):
        return attrs.get("instance_class", "")
    if component.kind == "elasticache.node":
        return attrs.get("node_type", "")
    if component.kind == "wafv2.web-acl":
        return "managed rules + rate limit"
    return node_detail(component) or platform_detail(component)


def _balancer_detail(attrs: dict) -> str:
    scheme = attrs.get("scheme", "")
    if attrs.get("tls_termination") == "target":
        return f"{scheme}, TLS pass-through"
    if attrs.get("mtls"):
        return f"{scheme}, mTLS"
    return scheme


def _edge_label(model: Model, connection: Connection) -> str:
    parts = []
    if connection.label:
        parts.append(connection.label)
    parts.extend(edge_parts(model, connection))
    if connection.protocol:
        text = _PROTOCOL_NAMES.get(connection.protocol, connection.protocol)
        if connection.port:
            text += f" :{connection.port}"
        if connection.attrs.get("auth") == "mtls":
            text += " mTLS"
        elif connection.tls and connection.protocol not in ("https",):
            text += " TLS"
        if connection.attrs.get("auth") in ("iam", "jwt"):
            text += f" ({connection.attrs['auth'].upper()} auth)"
        source = model.components[connection.source]
        if source.attrs.get("backend_certificate") and connection.kind == "sync":
            text += "\nclient certificate"
        parts.append(text)
    return "\n".join(parts)


def _drawn_end(
    model: Model, nodes: dict[str, Node], stand_ins: dict[str, str], component_id: str
) -> str | None:
    """Return the node an edge end is drawn at, or None when it is not drawn.

    A hidden part of another component (an authorizer, a rule, a log group)
    names that component in ``drawn_as``. The cell's badge stands in for a
    component of a cell copy that is not drawn.
    """
    seen = set()
    while component_id not in nodes:
        if component_id in stand_ins:
            return stand_ins[component_id]
        owner = model.components[component_id].attrs.get("drawn_as")
        if owner is None or owner in seen:
            return None
        seen.add(component_id)
        component_id = owner
    return component_id


def _draw_edges(
    model: Model, nodes: dict[str, Node], stand_ins: dict[str, str]
) -> list[str]:
    """Draw the connections; return the connection kinds drawn, for the legend."""
    labelled: set[tuple] = set()
    # A label written once on a flow that fans out is drawn on one hop only.
    written: set[tuple] = set()
    redrawn: set[tuple[str, str, str]] = set()
    kinds: list[str] = []
    for connection in model.connections:
        source = _drawn_end(model, nodes, stand_ins, connection.source)
        target = _drawn_end(model, nodes, stand_ins, connection.target)
        if source is None or target is None or source == target:
            continue
        if connection.kind == "egress" and model.components[connection.target].kind == (
            "ec2.nat-gateway"
        ):
            # The NAT gateway in each AZ's public subnet shows the egress path.
            # An edge from every private server to it would cross the picture.
            continue
        moved = (source, target) != (connection.source, connection.target)
        if moved and (source, target, connection.kind) in redrawn:
            continue
        redrawn.add((source, target, connection.kind))
        if connection.kind not in kinds:
            kinds.append(connection.kind)
        style, _ = EDGE_STYLES[connection.kind]
        key = _label_key(connection)
        label = ""
        if key not in labelled:
            labelled.add(key)
            label = _edge_label(model, connection)
            fan_out = (connection.span, source, connection.kind, label)
            if connection.flow is not None and fan_out in written:
                label = ""
            written.add(fan_out)
        attrs = dict(style)
        if model.components[connection.target].kind in LOOKUP_KINDS:
            attrs["constraint"] = "false"
        if model.components[connection.source].kind == "route53.hosted-zone":
            # DNS records point at the entry points without pulling the zone
            # onto the request path, so users' requests are not drawn
            # through the Route 53 icon.
            attrs["constraint"] = "false"
        (
            nodes[source]
            >> Edge(label=dot_text(label) if label else "", **attrs)
            >> (nodes[target])
        )
    return kinds


def _order_stages(model: Model, nodes: dict[str, Node], diagram: Diagram) -> None:
    """Draw each pipeline stage in one rank, and the stages left to right."""
    previous: list[str] = []
    for members in stage_ranks(model, set(nodes)):
        with diagram.dot.subgraph() as rank:
            rank.attr(rank="same")
            for member in members:
                rank.node(member)
        if previous and _same_scope(model, previous[0], members[0]):
            diagram.dot.edge(previous[0], members[0], style="invis", weight="4")
        previous = members


def _grid_watchers(model: Model, nodes: dict[str, Node], diagram: Diagram) -> None:
    """Lay the watchers out in rows instead of one tall column.

    Their telemetry edges do not constrain the layout, so without these
    invisible edges Graphviz stacks every watcher in one rank.
    """
    for row in watcher_rows(model, set(nodes)):
        for before, after in zip(row, row[1:], strict=False):
            diagram.dot.edge(before, after, style="invis")


def _same_scope(model: Model, first: str, second: str) -> bool:
    a, b = model.components[first].placement, model.components[second].placement
    return (a.region, a.groups) == (b.region, b.groups)


def _label_key(connection: Connection) -> tuple:
    """Return what edges that share one label have in common.

    Hops of one flow share a label; so do telemetry edges into one watcher.
    """
    if connection.kind == "monitoring":
        return (connection.target, connection.kind, connection.label)
    return (
        connection.flow or connection.source,
        connection.kind,
        connection.protocol,
        connection.port,
        connection.target if connection.flow is None else "",
    )


def _align_replicas(model: Model, nodes: dict[str, Node], diagram: Diagram) -> None:
    """Put each primary and its replicas in one rank, so they stack across AZs.

    The replication edge then runs straight from the primary's AZ to the
    replica's instead of pushing the replica one rank further along.
    """
    groups: dict[str, list[str]] = {}
    for connection in model.connections:
        if connection.kind != "replication":
            continue
        if connection.source in nodes and connection.target in nodes:
            groups.setdefault(connection.source, [connection.source]).append(
                connection.target
            )
    for members in groups.values():
        with diagram.dot.subgraph() as rank:
            rank.attr(rank="same")
            for member in members:
                rank.node(member)


def _draw_legend(kinds: list[str]) -> None:
    if not kinds:
        return
    with _Cluster("legend", "Legend", _CLUSTER_STYLES["legend"]):
        for kind in sorted(kinds, key=list(EDGE_STYLES).index):
            style, words = EDGE_STYLES[kind]
            start = Node(
                "",
                nodeid=f"legend.{kind}.from",
                shape="point",
                width="0.05",
                height="0.05",
                fixedsize="true",
            )
            end = Node(
                "",
                nodeid=f"legend.{kind}.to",
                shape="point",
                width="0.05",
                height="0.05",
                fixedsize="true",
            )
            legend_style = {k: v for k, v in style.items() if k != "constraint"}
            start >> Edge(label=dot_text(words), **legend_style) >> end
