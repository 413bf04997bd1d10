"""Build the VPC: subnets per AZ, gateways, endpoints.

Statement handlers ask for subnets while they run (:meth:`Network.subnets`);
:func:`build_network` then creates only what was asked for. Each VPC is cut
into sixteen equal blocks, which keeps the address plan easy to read:

* public subnets (load balancers, NAT gateways): block 0, one /+8 per AZ;
* private subnets (servers): blocks 1-6, one whole block per AZ;
* data subnets (databases, caches; no route to the internet): block 8,
  one /+8 per AZ.

For the default 10.0.0.0/16 that is 10.0.0.0/24 and 10.0.1.0/24 public,
10.0.16.0/20 and 10.0.32.0/20 private, 10.0.128.0/24 and 10.0.129.0/24 data.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from archdsl.expand.context import Expansion
from archdsl.model import Placement

LAYERS = ("public", "private", "data")

_LAYER_REASONS = {
    "public": "public subnet: only the internet-facing load balancers and NAT "
    "gateways sit here",
    "private": "private subnet for servers: no public IPs, outbound traffic "
    "through the NAT gateway",
    "data": "isolated subnet for data stores: no route to or from the internet",
}


@dataclass
class Network:
    """Subnets and egress the statements asked for, filled in before build."""

    region: str
    azs: tuple[str, ...]
    cidr: str
    requested: dict[str, set[str]] = field(default_factory=dict)
    #: Components that need outbound internet access, by AZ.
    egress_sources: dict[str, list[str]] = field(default_factory=dict)

    @property
    def needed(self) -> bool:
        return bool(self.requested)

    def subnet_id(self, layer: str, az: str) -> str:
        return f"subnet.{layer}.{az}"

    def subnets(self, layer: str, azs: tuple[str, ...]) -> tuple[str, ...]:
        self.requested.setdefault(layer, set()).update(azs)
        return tuple(self.subnet_id(layer, az) for az in azs)

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
        block = blocks[0] if layer == "public" else blocks[8]
        return str(list(block.subnets(new_prefix=vpc.prefixlen + 8))[index])


def network_of(ctx: Expansion) -> Network:
    network = ctx.shared.get("network")
    if network is None:
        region = ctx.design.region
        network = Network(
            region, ctx.design.azs[region], ctx.design.settings["vpc_cidr"]
        )
        ctx.shared["network"] = network
    return network


def build_network(ctx: Expansion) -> None:
    network = network_of(ctx)
    if not network.needed:
        return
    ctx.section = "network"
    nat_mode = ctx.design.settings["nat"]
    if network.egress_azs and nat_mode != "none":
        network.subnets(
            "public", network.azs if nat_mode == "per_az" else network.azs[:1]
        )
    _add_vpc(ctx, network)
    _add_subnets(ctx, network)
    if "public" in network.requested:
        _add_internet_gateway(ctx, network)
    _add_nat_gateways(ctx, network, nat_mode)
    _add_s3_endpoint(ctx, network)
    ctx.section = "units"


def _add_vpc(ctx: Expansion, network: Network) -> None:
    design = ctx.design
    vpc = ctx.add(
        "vpc",
        "ec2.vpc",
        f"{design.name} VPC",
        unit="network",
        reason="private network that holds every tier; its subnets span "
        f"{len(network.azs)} AZs",
        span=design.span,
        placement=Placement(region=network.region, azs=network.azs),
        attrs={"cidr": network.cidr, "dns_hostnames": True, "dns_support": True},
    )
    for record in design.defaults:
        if record.key in ("vpc_cidr", "azs"):
            vpc.defaults.append(record)
    if design.settings["flow_logs"]:
        vpc.attrs["flow_logs"] = "vpc.flow-logs"
        ctx.add(
            "vpc.flow-logs",
            "logs.log-group",
            "VPC flow logs",
            unit="network",
            reason="CloudWatch Logs group that receives the VPC flow logs",
            span=design.span,
            attrs={"log_retention_days": 90, "encrypted": True},
        )
    else:
        vpc.attrs["flow_logs"] = None


def _add_subnets(ctx: Expansion, network: Network) -> None:
    for layer in LAYERS:
        for az in network.azs:
            if az not in network.requested.get(layer, ()):
                continue
            ctx.add(
                network.subnet_id(layer, az),
                "ec2.subnet",
                f"{layer} {az}",
                unit="network",
                reason=_LAYER_REASONS[layer],
                span=ctx.design.span,
                placement=Placement(region=network.region, vpc="vpc", azs=(az,)),
                attrs={
                    "layer": layer,
                    "cidr": network.cidr_of(layer, az),
                    "public": layer == "public",
                    "default_route": _default_route(ctx, network, layer, az),
                },
            )


def _default_route(ctx: Expansion, network: Network, layer: str, az: str) -> str | None:
    if layer == "public":
        return "igw"
    if layer == "data":
        return None
    mode = ctx.design.settings["nat"]
    if mode == "none" or not network.egress_azs:
        return None
    return f"nat.{az}" if mode == "per_az" else f"nat.{network.azs[0]}"


def _add_internet_gateway(ctx: Expansion, network: Network) -> None:
    ctx.add(
        "igw",
        "ec2.internet-gateway",
        "Internet gateway",
        unit="network",
        reason="routes traffic between the public subnets and the internet",
        span=ctx.design.span,
        placement=Placement(region=network.region, vpc="vpc"),
    )


def _add_nat_gateways(ctx: Expansion, network: Network, mode: str) -> None:
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
        nat_id = f"nat.{az}"
        ctx.add(
            nat_id,
            "ec2.nat-gateway",
            f"NAT {az}",
            unit="network",
            reason=reason,
            span=ctx.design.span,
            placement=Placement(
                region=network.region,
                vpc="vpc",
                azs=(az,),
                subnets=(network.subnet_id("public", az),),
            ),
            attrs={"elastic_ip": True},
        )
    for az in network.azs:
        nat_id = f"nat.{az}" if mode == "per_az" else f"nat.{azs[0]}"
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
            f"nat.{az}",
            "igw",
            "egress",
            reason="NAT gateways send outbound traffic through the internet gateway",
            span=ctx.design.span,
        )


def _add_s3_endpoint(ctx: Expansion, network: Network) -> None:
    route_layers = [
        layer for layer in ("private", "data") if layer in network.requested
    ]
    if not route_layers:
        return
    ctx.add(
        "vpce.s3",
        "ec2.vpc-endpoint",
        "S3 gateway endpoint",
        unit="network",
        reason="free gateway endpoint that keeps S3 traffic (packages, backups, "
        "logs) off the NAT gateways",
        span=ctx.design.span,
        placement=Placement(region=network.region, vpc="vpc"),
        attrs={"service": "s3", "type": "gateway", "route_tables": route_layers},
    )
