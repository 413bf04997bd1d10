"""Build the VPCs: subnets per AZ, gateways, endpoints.

A design has one VPC per network key: the default VPC, and one for each
region block, cell copy (unless ``vpc=off``) and vpc block. Statement
handlers request subnets while they run (:meth:`Network.subnets`), and
:func:`build_network` then creates only what was requested. Each VPC is cut
into sixteen equal blocks, which keeps the address plan easy to read:

* public subnets (load balancers, NAT gateways): block 0, one /+8 per AZ;
* private subnets (servers): blocks 1-6, one whole block per AZ;
* data subnets (databases, caches; no route to the internet): block 8,
  one /+8 per AZ;
* inspection subnets (firewall endpoints, Gateway Load Balancer endpoints
  and appliances): block 9, one /+8 per AZ;
* transit subnets (Transit Gateway attachments): block 10, one /+8 per AZ.

For the default 10.0.0.0/16 that is 10.0.0.0/24 and 10.0.1.0/24 public,
10.0.16.0/20 and 10.0.32.0/20 private, 10.0.128.0/24 and 10.0.129.0/24 data.
Other VPCs get the next free 10.N.0.0/16 unless the block sets ``vpc_cidr``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from archdsl.catalog import availability_zones
from archdsl.expand.context import Expansion
from archdsl.language import FlowStatement, Statement
from archdsl.model import REQUEST_KINDS, Placement
from archdsl.source import Span

LAYERS = ("public", "private", "data", "inspection", "transit")

#: Block of the sixteen that each layer cut into one /+8 per AZ takes.
_SMALL_LAYER_BLOCKS = {"public": 0, "data": 8, "inspection": 9, "transit": 10}

_LAYER_REASONS = {
    "public": "public subnet: only the internet-facing load balancers and NAT "
    "gateways sit here",
    "private": "private subnet for servers: no public IPs, outbound traffic "
    "through the NAT gateway",
    "data": "isolated subnet for data stores: no route to or from the internet",
    "inspection": "inspection subnet: firewall or Gateway Load Balancer endpoints "
    "and appliances that traffic is routed through",
    "transit": "small subnet that holds only the Transit Gateway attachment's "
    "network interfaces",
}


@dataclass
class Network:
    """One VPC: the subnets and egress its statements requested."""

    key: str
    region: str
    azs: tuple[str, ...]
    cidr: str
    groups: tuple[str, ...]
    span: Span
    requested: dict[str, set[str]] = field(default_factory=dict)
    #: Components that need outbound internet access, by AZ.
    egress_sources: dict[str, list[str]] = field(default_factory=dict)
    #: Default routes that statements set, by (layer, AZ): a transit subnet
    #: routes to the firewall endpoint in its AZ, for example.
    routes: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Component that carries this VPC's outbound traffic in place of NAT
    #: gateways, such as the transit gateway towards an inspection VPC.
    egress_via: str | None = None

    @property
    def prefix(self) -> str:
        return f"{self.key}." if self.key else ""

    @property
    def vpc_id(self) -> str:
        return f"{self.prefix}vpc"

    @property
    def igw_id(self) -> str:
        return f"{self.prefix}igw"

    def nat_id(self, az: str) -> str:
        return f"{self.prefix}nat.{az}"

    @property
    def needed(self) -> bool:
        return bool(self.requested)

    def subnet_id(self, layer: str, az: str) -> str:
        return f"{self.prefix}subnet.{layer}.{az}"

    def subnets(self, layer: str, azs: tuple[str, ...]) -> tuple[str, ...]:
        self.requested.setdefault(layer, set()).update(azs)
        return tuple(self.subnet_id(layer, az) for az in azs)

    def placement(
        self, *, azs: tuple[str, ...] = (), subnets: tuple[str, ...] = ()
    ) -> Placement:
        return Placement(
            region=self.region,
            vpc=self.vpc_id,
            azs=azs,
            subnets=subnets,
            groups=self.groups,
        )

    def zonal(self, layer: str, az: str) -> Placement:
        """Placement of a component in one AZ's subnet of ``layer``."""
        return self.placement(azs=(az,), subnets=self.subnets(layer, (az,)))

    @property
    def egress_azs(self) -> set[str]:
        return set(self.egress_sources)

    def need_egress(self, az: str, component_id: str) -> None:
        self.egress_sources.setdefault(az, []).append(component_id)

    def cidr_of(self, layer: str, az: str) -> str:
        index = self.azs.index(az)
        vpc = ipaddress.IPv4Network(self.cidr)
        blocks = list(vpc.subnets(new_prefix=vpc.prefixlen + 4))
        if layer == "private":
            return str(blocks[1 + index])
        block = blocks[_SMALL_LAYER_BLOCKS[layer]]
        return str(list(block.subnets(new_prefix=vpc.prefixlen + 8))[index])


def networks(ctx: Expansion) -> dict[str, Network]:
    return ctx.shared.setdefault("networks", {})


def network_for(ctx: Expansion, statement: Statement | FlowStatement) -> Network:
    """Return the VPC that ``statement``'s VPC components go into."""
    context = statement.context
    known = networks(ctx)
    network = known.get(context.network)
    if network is not None:
        network.groups = _common_prefix(network.groups, context.groups)
        return network
    region = context.region or ctx.design.region
    available = availability_zones(region)
    count = context.azs or len(ctx.design.azs[ctx.design.region])
    if count > len(available):
        ctx.error(
            f"region {region} has {len(available)} Availability Zones, not {count}",
            statement.span,
            f"set azs= to at most {len(available)}",
        )
        count = len(available)
    cidr = context.vpc_cidr or _cidr_for(ctx, context.network, known)
    if cidr is None:
        ctx.abort(
            "no free 10.N.0.0/16 range is left for another VPC",
            statement.span,
            "use fewer cells or regions, or give cells vpc=off",
        )
    network = Network(
        key=context.network,
        region=region,
        azs=available[:count],
        cidr=cidr,
        groups=context.groups,
        span=statement.span if context.network else ctx.design.span,
    )
    _check_overlap(ctx, network, known, statement)
    known[context.network] = network
    return network


def _cidr_for(ctx: Expansion, key: str, known: dict[str, Network]) -> str | None:
    """Return the next 10.N.0.0/16 that no VPC uses, or None when all are taken."""
    if not key:
        return ctx.design.settings["vpc_cidr"]
    used = [ipaddress.IPv4Network(n.cidr) for n in known.values()]
    used.append(ipaddress.IPv4Network(ctx.design.settings["vpc_cidr"]))
    start = ctx.shared.get("next_cidr_octet", 1)
    for second in range(start, 256):
        candidate = ipaddress.IPv4Network(f"10.{second}.0.0/16")
        if not any(candidate.overlaps(other) for other in used):
            ctx.shared["next_cidr_octet"] = second + 1
            return str(candidate)
    return None


def _check_overlap(
    ctx: Expansion, network: Network, known: dict[str, Network], statement
) -> None:
    mine = ipaddress.IPv4Network(network.cidr)
    for other in known.values():
        if mine.overlaps(ipaddress.IPv4Network(other.cidr)):
            ctx.warning(
                f"VPC {network.vpc_id} ({network.cidr}) overlaps {other.vpc_id} "
                f"({other.cidr})",
                statement.span,
                "give each VPC its own range with vpc_cidr= so they can be connected later",
            )


#: VPCs an account may create per region before asking AWS for more
#: (Amazon VPC quotas, default value).
VPC_QUOTA = 5


def build_network(ctx: Expansion) -> None:
    _warn_vpc_quota(ctx)
    nat_mode = ctx.design.settings["nat"]
    for network in networks(ctx).values():
        if not network.needed:
            continue
        if network.egress_azs and nat_mode != "none" and not network.egress_via:
            network.subnets(
                "public", network.azs if nat_mode == "per_az" else network.azs[:1]
            )
        _add_vpc(ctx, network)
        _add_subnets(ctx, network)
        if "public" in network.requested:
            _add_internet_gateway(ctx, network)
        _add_nat_gateways(ctx, network, nat_mode)
        _add_s3_endpoint(ctx, network)


def _warn_vpc_quota(ctx: Expansion) -> None:
    per_region: dict[str, list[Network]] = {}
    for network in networks(ctx).values():
        if network.needed:
            per_region.setdefault(network.region, []).append(network)
    for region, members in per_region.items():
        if len(members) > VPC_QUOTA:
            ctx.warning(
                f"the design needs {len(members)} VPCs in {region}; an account may "
                f"create {VPC_QUOTA} per region before AWS raises the quota",
                members[VPC_QUOTA].span,
                "request a higher 'VPCs per Region' quota, or give cells vpc=off",
            )


def _add_vpc(ctx: Expansion, network: Network) -> None:
    design = ctx.design
    name = f"{design.name} VPC" if not network.key else f"{network.key} VPC"
    vpc = ctx.add(
        network.vpc_id,
        "ec2.vpc",
        name,
        unit="network",
        reason="private network that holds the tiers; its subnets span "
        f"{len(network.azs)} AZs",
        span=network.span,
        placement=Placement(
            region=network.region, azs=network.azs, groups=network.groups
        ),
        attrs={"cidr": network.cidr, "dns_hostnames": True, "dns_support": True},
        section="network",
    )
    if not network.key:
        for record in design.defaults:
            if record.key in ("vpc_cidr", "azs"):
                vpc.defaults.append(record)
    if not design.settings["flow_logs"]:
        vpc.attrs["flow_logs"] = None
        return
    logs_id = f"{network.vpc_id}.flow-logs"
    vpc.attrs["flow_logs"] = logs_id
    ctx.add(
        logs_id,
        "logs.log-group",
        "VPC flow logs",
        unit="network",
        reason="CloudWatch Logs group that receives the VPC flow logs",
        span=network.span,
        placement=Placement(region=network.region, groups=network.groups),
        attrs={"log_retention_days": 90, "encrypted": True},
        section="network",
    )


def _add_subnets(ctx: Expansion, network: Network) -> None:
    for layer in LAYERS:
        for az in network.azs:
            if az not in network.requested.get(layer, ()):
                continue
            route = _default_route(ctx, network, layer, az)
            ctx.add(
                network.subnet_id(layer, az),
                "ec2.subnet",
                f"{layer} {az}",
                unit="network",
                reason=_subnet_reason(network, layer, route),
                span=network.span,
                placement=network.placement(azs=(az,)),
                attrs={
                    "layer": layer,
                    "cidr": network.cidr_of(layer, az),
                    "public": layer == "public",
                    "default_route": route,
                },
                section="network",
            )


def _subnet_reason(network: Network, layer: str, route: str | None) -> str:
    """Return why a subnet exists, naming where a private subnet's egress goes."""
    if layer != "private" or (route is not None and route != network.egress_via):
        return _LAYER_REASONS[layer]
    if route is None:
        return "private subnet for servers: no public IPs and no route to the internet"
    return (
        "private subnet for servers: no public IPs, outbound traffic through "
        "the transit gateway to the central egress VPC"
    )


def _default_route(ctx: Expansion, network: Network, layer: str, az: str) -> str | None:
    if (layer, az) in network.routes:
        return network.routes[(layer, az)]
    if layer == "public":
        return network.igw_id
    if layer in ("data", "transit"):
        return None
    if network.egress_via and network.egress_azs:
        return network.egress_via
    mode = ctx.design.settings["nat"]
    if mode == "none" or not network.egress_azs:
        return None
    return network.nat_id(az) if mode == "per_az" else network.nat_id(network.azs[0])


def _add_internet_gateway(ctx: Expansion, network: Network) -> None:
    ctx.add(
        network.igw_id,
        "ec2.internet-gateway",
        "Internet gateway",
        unit="network",
        reason="routes traffic between the public subnets and the internet",
        span=network.span,
        placement=network.placement(),
        section="network",
    )


def _add_nat_gateways(ctx: Expansion, network: Network, mode: str) -> None:
    if network.egress_via:
        _route_egress_via(ctx, network)
        return
    if not network.egress_azs or mode == "none":
        return
    azs = network.azs if mode == "per_az" else network.azs[:1]
    reason = (
        "gives private servers in this AZ outbound internet access (OS "
        "updates, external APIs) without public IPs; one per AZ so an AZ "
        "outage does not cut egress in the others"
        if mode == "per_az"
        else "one NAT gateway shared by every AZ: cheaper, but egress from all "
        "AZs fails with this AZ"
    )
    for az in azs:
        ctx.add(
            network.nat_id(az),
            "ec2.nat-gateway",
            f"NAT {az}",
            unit="network",
            reason=reason,
            span=network.span,
            placement=network.placement(
                azs=(az,), subnets=(network.subnet_id("public", az),)
            ),
            attrs={"elastic_ip": True},
            section="network",
        )
    for az in network.azs:
        nat_id = network.nat_id(az if mode == "per_az" else azs[0])
        for source in network.egress_sources.get(az, ()):
            ctx.connect(
                source,
                nat_id,
                "egress",
                reason="outbound internet traffic from a private subnet",
                span=ctx.get(source).span,
            )
    for az in azs:
        ctx.connect(
            network.nat_id(az),
            network.igw_id,
            "egress",
            reason="NAT gateways send outbound traffic through the internet gateway",
            span=network.span,
        )


def _route_egress_via(ctx: Expansion, network: Network) -> None:
    assert network.egress_via is not None
    for az in network.azs:
        for source in network.egress_sources.get(az, ()):
            ctx.connect(
                source,
                network.egress_via,
                "egress",
                reason="outbound traffic from a private subnet follows the default "
                "route to the transit gateway",
                span=ctx.get(source).span,
            )


def _add_s3_endpoint(ctx: Expansion, network: Network) -> None:
    _add_gateway_endpoint(
        ctx,
        network,
        "s3",
        "S3 gateway endpoint",
        "free gateway endpoint that keeps S3 traffic (packages, backups, logs) "
        "off the NAT gateways",
    )


def add_dynamodb_endpoints(ctx: Expansion) -> None:
    """Add a DynamoDB gateway endpoint to each VPC with a component that calls a table."""
    model = ctx.model
    calling_vpcs = {
        model.components[connection.source].placement.vpc
        for connection in model.connections
        if connection.kind in REQUEST_KINDS
        and model.components[connection.target].kind == "dynamodb.table"
    }
    for network in networks(ctx).values():
        if network.needed and network.vpc_id in calling_vpcs:
            _add_gateway_endpoint(
                ctx,
                network,
                "dynamodb",
                "DynamoDB gateway endpoint",
                "free gateway endpoint that keeps calls to DynamoDB tables off the "
                "NAT gateways",
            )


def _add_gateway_endpoint(
    ctx: Expansion, network: Network, service: str, name: str, reason: str
) -> None:
    route_layers = [
        layer for layer in ("private", "data") if layer in network.requested
    ]
    if not route_layers:
        return
    ctx.add(
        f"{network.prefix}vpce.{service}",
        "ec2.vpc-endpoint",
        name,
        unit="network",
        reason=reason,
        span=network.span,
        placement=network.placement(),
        attrs={"service": service, "type": "gateway", "route_tables": route_layers},
        section="network",
    )


def _common_prefix(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    length = 0
    while length < min(len(first), len(second)) and first[length] == second[length]:
        length += 1
    return first[:length]


def settle_vpc_groups(ctx: Expansion) -> None:
    """Put every component of a VPC in the groups that all its statements share.

    A VPC is drawn inside one box, so when statements of two groups share
    it, the VPC and everything in it sit in the box around both groups.
    """
    by_vpc = {network.vpc_id: network.groups for network in networks(ctx).values()}
    for component in ctx.model.components.values():
        groups = by_vpc.get(component.placement.vpc or "")
        if groups is not None:
            component.placement.groups = groups
