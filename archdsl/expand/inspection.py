"""Expand network inspection: ``firewall``, ``gwlb``, ``mirror`` and ``transit``.

Inspection components sit in the inspection subnets of their VPC, one
endpoint per AZ. A ``transit`` statement with ``inspect=`` routes the spoke
VPCs' outbound and east-west traffic through those endpoints. Each spoke's
private subnets default-route to the transit gateway, which sends to the
inspection VPC. There the transit subnets route to the endpoint in their
AZ, and inspected internet traffic leaves through that VPC's NAT gateways.
"""

from __future__ import annotations

from archdsl.expand.common import add_log_group
from archdsl.expand.context import Expansion, handles
from archdsl.expand.links import LATE, REFERENCES, defer, resolve_many, resolve_one
from archdsl.expand.network import Network, network_for, networks
from archdsl.expand.tiers import add_security_group
from archdsl.language import Statement
from archdsl.model import Component, Unit

#: Port the Gateway Load Balancer and its appliances exchange GENEVE on.
GENEVE_PORT = 6081

#: Port Traffic Mirroring sends VXLAN-encapsulated copies to.
VXLAN_PORT = 4789

#: AWS managed Network Firewall rule groups with Suricata threat signatures.
MANAGED_THREAT_GROUPS = (
    "ThreatSignaturesMalwareStrictOrder",
    "ThreatSignaturesBotnetStrictOrder",
    "ThreatSignaturesExploitsStrictOrder",
)


def _inspection_unit(unit: Unit, network: Network, endpoints: list[str]) -> None:
    unit.ingress = list(endpoints)
    unit.egress = list(endpoints)
    unit.attrs["network"] = network.key
    unit.attrs["endpoints"] = {
        endpoint.rsplit(".", 1)[-1]: endpoint for endpoint in endpoints
    }


@handles("firewall")
def expand_firewall(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    network = network_for(ctx, statement)
    policy = _firewall_policy(ctx, statement)
    endpoints: list[str] = []
    for az in network.azs:
        endpoint = ctx.add(
            f"{statement.name}.{az}",
            "network-firewall.firewall",
            f"{statement.name} {az}",
            unit=statement.name,
            reason=f"Network Firewall endpoint in {az}: traffic routed to it is "
            "inspected by stateful Suricata-compatible rules, in the same AZ",
            span=statement.span,
            placement=network.zonal("inspection", az),
            attrs={"policy": policy},
        )
        endpoints.append(endpoint.id)
    # Every endpoint shares one policy; its choices are recorded on the first.
    first = ctx.get(endpoints[0])
    _firewall_choices(ctx, statement, first, policy)
    for other in endpoints[1:]:
        ctx.get(other).attrs["mode"] = first.attrs["mode"]
    add_log_group(
        ctx,
        f"{statement.name}.logs",
        f"{statement.name} alert and flow logs",
        statement=statement,
        reason="CloudWatch Logs group with the firewall's alert and flow logs",
        owner=first,
    )
    _inspection_unit(unit, network, endpoints)


def _firewall_policy(ctx: Expansion, statement: Statement) -> dict[str, object]:
    return {
        "stateful_engine": "Suricata-compatible, strict rule order",
        "stateless_default": "forward to the stateful engine",
        "rules": list(statement.get("rules", ())),
        "allowed_domains": list(statement.get("domains", ())),
    }


def _firewall_choices(
    ctx: Expansion, statement: Statement, endpoint: Component, policy: dict
) -> None:
    mode = ctx.choose(
        endpoint,
        "mode",
        "ips",
        "intrusion prevention: traffic that matches a drop rule is dropped, not "
        "only reported",
        statement=statement,
        safety=True,
    )
    policy["action_on_match"] = "drop" if mode == "ips" else "alert"
    managed = ctx.choose(
        endpoint,
        "managed_rules",
        True,
        "AWS managed threat signature groups (malware, botnets, exploits), "
        "updated by AWS",
        statement=statement,
        option="managed",
        safety=True,
    )
    policy["managed_rule_groups"] = list(MANAGED_THREAT_GROUPS) if managed else []
    if policy["allowed_domains"]:
        policy["default_action"] = "drop established traffic to other domains"


@handles("gwlb")
def expand_gwlb(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    network = network_for(ctx, statement)
    azs = network.azs
    name = statement.name
    gwlb = ctx.add(
        f"{name}.gwlb",
        "elbv2.gwlb",
        f"{name} GWLB",
        unit=name,
        reason="Gateway Load Balancer: passes whole packets, wrapped in GENEVE, "
        "to the appliances and keeps each flow on one appliance",
        span=statement.span,
        placement=network.placement(
            azs=azs, subnets=network.subnets("inspection", azs)
        ),
        attrs={"listener": f"GENEVE :{GENEVE_PORT}", "vendor": statement.label},
    )
    ctx.choose(
        gwlb,
        "cross_zone",
        False,
        "flows stay in their AZ, so an AZ outage does not move other AZs' flows",
    )
    ctx.choose(
        gwlb,
        "endpoint_service",
        "PrivateLink endpoint service",
        "VPCs reach the appliances through Gateway Load Balancer endpoints, "
        "without peering",
    )
    sg_id = _appliance_group(ctx, statement, network)
    appliances = _appliances(ctx, statement, network, gwlb, sg_id)
    endpoints = _gwlb_endpoints(ctx, statement, network, gwlb)
    _inspection_unit(unit, network, endpoints)
    unit.attrs["appliances"] = appliances


def _appliance_group(ctx: Expansion, statement: Statement, network: Network) -> str:
    sg_id = add_security_group(
        ctx, statement, network, f"{statement.name}.sg", "appliances"
    )
    health = statement.get("health_port", 80)
    ctx.get(sg_id).attrs["ingress"] += [
        {
            "protocol": "udp",
            "port": GENEVE_PORT,
            "source": network.cidr,
            "for": "GENEVE packets from the Gateway Load Balancer",
        },
        {
            "protocol": "tcp",
            "port": health,
            "source": network.cidr,
            "for": "Gateway Load Balancer health checks",
        },
    ]
    return sg_id


def _appliances(
    ctx: Expansion,
    statement: Statement,
    network: Network,
    gwlb: Component,
    sg_id: str,
) -> list[str]:
    azs = network.azs
    count = ctx.choose(
        gwlb,
        "appliances",
        max(2, len(azs)),
        "an appliance in every AZ, and at least two, so inspection survives the "
        "loss of one",
        statement=statement,
        safety=True,
    )
    instance_type = ctx.choose(
        gwlb,
        "instance_type",
        "c6in.xlarge",
        "network-optimised instances for packet processing",
        statement=statement,
        option="instance",
    )
    appliances = []
    for index in range(count):
        az = azs[index % len(azs)]
        appliance = ctx.add(
            f"{statement.name}.appliance{index + 1}",
            "ec2.instance",
            f"{statement.name} appliance {index + 1}",
            unit=statement.name,
            reason="third-party firewall or IDS/IPS appliance: it inspects each "
            "packet and returns the allowed ones to the Gateway Load Balancer",
            span=statement.span,
            placement=network.zonal("inspection", az),
            attrs={
                "instance_type": instance_type,
                "security_group": sg_id,
                "source_dest_check": False,
                "min_in_az": 1,
                "public": False,
            },
        )
        appliances.append(appliance.id)
        for source, target, reason in (
            (gwlb.id, appliance.id, "GENEVE-wrapped flows to inspect"),
            (appliance.id, gwlb.id, "inspected packets the appliance allows"),
        ):
            ctx.connect(
                source,
                target,
                "sync",
                reason=reason,
                span=statement.span,
                protocol="geneve",
                port=GENEVE_PORT,
                tls=False,
            )
    return appliances


def _gwlb_endpoints(
    ctx: Expansion, statement: Statement, network: Network, gwlb: Component
) -> list[str]:
    endpoints = []
    for az in network.azs:
        endpoint = ctx.add(
            f"{statement.name}.endpoint.{az}",
            "ec2.gwlb-endpoint",
            f"GWLB endpoint {az}",
            unit=statement.name,
            reason=f"Gateway Load Balancer endpoint in {az}: route tables send "
            "traffic here to have it inspected",
            span=statement.span,
            placement=network.zonal("inspection", az),
            attrs={"service": gwlb.id},
        )
        endpoints.append(endpoint.id)
        ctx.connect(
            endpoint.id,
            gwlb.id,
            "sync",
            reason="the endpoint hands traffic to the Gateway Load Balancer",
            span=statement.span,
        )
        ctx.connect(
            gwlb.id,
            endpoint.id,
            "sync",
            reason="inspected traffic comes back out of the endpoint",
            span=statement.span,
        )
    return endpoints


# Traffic Mirroring ----------------------------------------------------------

_MIRROR_TARGET_KINDS = ("elbv2.nlb", "ec2.gwlb-endpoint", "ec2.instance")


@handles("mirror")
def expand_mirror(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    for option in ("from", "to"):
        if not statement.written(option):
            ctx.error(
                f"'mirror' needs {option}=",
                statement.name_span,
                "for example: mirror tap from=[app] to=sensors",
            )
            return
    defer(ctx, lambda: _mirror(ctx, statement, unit), REFERENCES)


def _mirror(ctx: Expansion, statement: Statement, unit: Unit) -> None:
    sources = _mirror_sources(ctx, statement)
    target = _mirror_target(ctx, statement)
    if not sources or target is None:
        return
    first = ctx.get(sources[0])
    network = networks(ctx)[_network_key(first)]
    session = ctx.add(
        f"{statement.name}.session",
        "ec2.traffic-mirror",
        f"{statement.name} mirror",
        unit=statement.name,
        reason="Traffic Mirroring copies packets from the sources' network "
        "interfaces to the IDS; the copies leave the traffic path untouched",
        span=statement.span,
        placement=network.placement(),
        attrs={"vni": 1, "target": target.id, "sources": sources},
    )
    ctx.choose(
        session,
        "filter",
        "all",
        "both directions, all protocols, so the IDS sees whole conversations",
        statement=statement,
    )
    unit.ingress = [session.id]
    for source in sources:
        ctx.connect(
            source,
            session.id,
            "monitoring",
            reason="packet copies of this network interface",
            span=statement.span_of("from"),
            label="mirrored packets",
        )
    ctx.connect(
        session.id,
        target.id,
        "monitoring",
        reason="VXLAN-wrapped packet copies to the mirror target",
        span=statement.span_of("to"),
        protocol="udp",
        port=VXLAN_PORT,
        label="VXLAN",
    )
    _admit_vxlan(ctx, target, sources)


def _network_key(component: Component) -> str:
    vpc = component.placement.vpc or "vpc"
    return vpc.removesuffix("vpc").rstrip(".")


def _mirror_sources(ctx: Expansion, statement: Statement) -> list[str]:
    units = resolve_many(
        ctx, statement, "from", keywords=("tier", "service", "gwlb", "nodegroup")
    )
    sources: list[str] = []
    for source_unit in units:
        for component_id in source_unit.egress:
            for interface in _interfaces(ctx, component_id):
                if interface not in sources:
                    sources.append(interface)
    if units and not sources:
        ctx.error(
            "Traffic Mirroring copies EC2 network interfaces, and these sources "
            "run on Fargate",
            statement.span_of("from"),
            "mirror a tier, or a service whose pods run on a node group",
        )
    return sources


def _interfaces(ctx: Expansion, component_id: str) -> list[str]:
    """Return the EC2-backed components whose interfaces carry ``component_id``'s traffic."""
    component = ctx.get(component_id)
    if component.kind in ("ec2.instance", "eks.node-group"):
        return [component_id]
    if component.kind == "k8s.pod":
        runs_on = component.attrs.get("runs_on", ())
        shares = [
            share
            for group in runs_on
            if ctx.get(group).kind == "autoscaling.group"
            for share in ctx.get(group).attrs["shares"]
        ]
        az = component.placement.azs[0]
        return [share for share in shares if ctx.get(share).placement.azs == (az,)]
    return []


def _mirror_target(ctx: Expansion, statement: Statement) -> Component | None:
    unit = resolve_one(ctx, statement, "to", keywords=("tier", "gwlb", "service"))
    if unit is None:
        return None
    target = ctx.get(unit.ingress[0]) if unit.ingress else None
    if target is None or target.kind not in _MIRROR_TARGET_KINDS:
        ctx.error(
            f"Traffic Mirroring sends to an NLB, a Gateway Load Balancer endpoint "
            f"or an instance, and '{unit.name}' receives traffic through "
            f"{target.kind if target else 'nothing'}",
            statement.span_of("to"),
            f"put '{unit.name}' behind nlb, or mirror to a gwlb",
        )
        return None
    return target


def _admit_vxlan(ctx: Expansion, target: Component, sources: list[str]) -> None:
    group = target.attrs.get("security_group")
    if group is None:
        return
    rules = ctx.get(group).attrs["ingress"]
    groups = {ctx.get(source).attrs.get("security_group") for source in sources}
    for source_group in sorted(g for g in groups if isinstance(g, str)):
        rules.append(
            {
                "protocol": "udp",
                "port": VXLAN_PORT,
                "source": source_group,
                "for": "mirrored packets (VXLAN)",
            }
        )


# Transit Gateway ------------------------------------------------------------


@handles("transit")
def expand_transit(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    gateway = ctx.add(
        f"{statement.name}.tgw",
        "ec2.transit-gateway",
        f"{statement.name} Transit Gateway",
        unit=statement.name,
        reason="Transit Gateway: a regional router that joins the VPCs, with "
        "one route table for the spokes and one for the inspection VPC",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"default_route_table": False},
    )
    unit.ingress = [gateway.id]
    if not statement.written("attach"):
        ctx.error(
            "'transit' needs the VPCs it joins",
            statement.name_span,
            "for example: transit hub attach=[spoke1, spoke2]",
        )
        return
    defer(ctx, lambda: _transit(ctx, statement, gateway), REFERENCES)


def _transit(ctx: Expansion, statement: Statement, gateway: Component) -> None:
    spokes = _attached_networks(ctx, statement)
    outbound = _inspector(ctx, statement, "inspect")
    east_west = _inspector(ctx, statement, "east_west") or outbound
    inspectors = [unit for unit in (outbound, east_west) if unit is not None]
    if east_west is outbound:
        inspectors = inspectors[:1]
    inspection = [networks(ctx)[unit.attrs["network"]] for unit in inspectors]
    spokes = [spoke for spoke in spokes if spoke not in inspection]
    for spoke in spokes:
        _attach(ctx, statement, gateway, spoke, inspected=outbound is not None)
    gateway.attrs["route_tables"] = _route_tables(outbound, east_west)
    attached: dict[str, Component] = {}
    for unit, network in zip(inspectors, inspection, strict=True):
        if network.key not in attached:
            attached[network.key] = _attach(
                ctx, statement, gateway, network, inspected=False
            )
        egress = unit is outbound
        _route_through(
            ctx, statement, gateway, network, unit, attached[network.key], egress
        )


def _inspector(ctx: Expansion, statement: Statement, option: str) -> Unit | None:
    return resolve_one(ctx, statement, option, keywords=("firewall", "gwlb"))


def _route_tables(outbound: Unit | None, east_west: Unit | None) -> dict[str, str]:
    if outbound is None and east_west is None:
        return {"spokes": "each spoke's CIDR to its attachment"}
    tables = {"inspection": "spoke CIDRs to their attachments"}
    if outbound is not None:
        tables["spokes"] = f"0.0.0.0/0 to the {outbound.name} VPC attachment"
    if east_west is not None and east_west is not outbound:
        tables["spokes_east_west"] = (
            f"other spokes' CIDRs to the {east_west.name} VPC attachment"
        )
    return tables


def _attached_networks(ctx: Expansion, statement: Statement) -> list[Network]:
    known = networks(ctx)
    found: list[Network] = []
    prefix = statement.context.prefix
    for name in statement.get("attach", ()):
        candidates = [
            ".".join((*prefix[:depth], name)) for depth in range(len(prefix), -1, -1)
        ]
        network = next((known[c] for c in candidates if c and c in known), None)
        if network is None:
            names = ", ".join(sorted(k for k in known if k)) or "none"
            ctx.error(
                f"no VPC named '{name}' holds any statement",
                statement.span_of("attach"),
                f"attach the name of a vpc block; VPCs in this design: {names}",
            )
            continue
        if network not in found:
            found.append(network)
    return found


def _attach(
    ctx: Expansion,
    statement: Statement,
    gateway: Component,
    network: Network,
    *,
    inspected: bool,
) -> Component:
    azs = network.azs
    label = network.key or ctx.design.name
    attachment = ctx.add(
        f"{statement.name}.attach.{label}",
        "ec2.transit-gateway-attachment",
        f"{label} attachment",
        unit=statement.name,
        reason=f"attaches VPC {label} to the transit gateway through an interface "
        "in each AZ's transit subnet",
        span=statement.span,
        placement=network.placement(azs=azs, subnets=network.subnets("transit", azs)),
        attrs={"transit_gateway": gateway.id, "vpc": network.vpc_id},
    )
    ctx.connect(
        attachment.id,
        gateway.id,
        "association",
        reason="VPC attachment",
        span=statement.span,
    )
    if inspected:
        network.egress_via = gateway.id
    return attachment


def _route_through(
    ctx: Expansion,
    statement: Statement,
    gateway: Component,
    network: Network,
    inspector: Unit,
    attachment: Component,
    egress: bool,
) -> None:
    """Route spoke traffic through ``inspector``'s endpoints, AZ by AZ."""
    if "appliance_mode" not in attachment.attrs:
        ctx.choose(
            attachment,
            "appliance_mode",
            True,
            "appliance mode keeps both directions of a flow in one AZ, so the "
            "same firewall sees the request and the response",
            statement=statement,
            safety=True,
        )
    endpoints: dict[str, str] = inspector.attrs["endpoints"]
    traffic = "bound for the internet" if egress else "between spokes"
    if egress:
        defer(ctx, lambda: _return_routes(ctx, statement, network, endpoints), LATE)
    for az, endpoint in sorted(endpoints.items()):
        network.routes[("transit", az)] = endpoint
        if egress:
            network.need_egress(az, endpoint)
        ctx.connect(
            gateway.id,
            endpoint,
            "sync",
            reason=f"spoke traffic {traffic} is routed to the inspection endpoint "
            "in its AZ",
            span=statement.span,
            label="to inspection",
        )
        ctx.connect(
            endpoint,
            gateway.id,
            "sync",
            reason="inspected traffic for other spokes, and replies, return "
            "through the transit gateway",
            span=statement.span,
            label="inspected",
        )


def _return_routes(
    ctx: Expansion, statement: Statement, network: Network, endpoints: dict[str, str]
) -> None:
    """Send replies for the spokes from each NAT gateway back to its AZ's endpoint.

    The public subnets route the spoke CIDRs to the inspection endpoint, so
    the response of an outbound flow is inspected on its way back too.
    """
    for az, endpoint in sorted(endpoints.items()):
        nat = network.nat_id(az)
        if not ctx.exists(nat):
            continue
        subnet = ctx.get(network.subnet_id("public", az))
        subnet.attrs["routes"] = {"spoke CIDRs": endpoint}
        ctx.connect(
            nat,
            endpoint,
            "sync",
            reason="replies to the spokes return through the inspection endpoint",
            span=statement.span,
            label="replies",
        )
