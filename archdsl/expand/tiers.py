"""Expand ``tier``: load balancer, Auto Scaling group, launch template, instances."""

from __future__ import annotations

from archdsl.expand.context import Expansion, handles
from archdsl.expand.edge import need_certificate
from archdsl.expand.network import Network, network_for
from archdsl.language import Statement
from archdsl.model import Component, Unit

#: Listener TLS policy: TLS 1.3 and 1.2 only (the ELB policy name).
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


@handles("tier")
def expand_tier(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    network = network_for(ctx, statement)
    azs = _tier_azs(ctx, statement, network)
    if balancer_written_without_lb(statement):
        ctx.warning(
            "tls and waf configure a load balancer, and this tier has none",
            statement.span,
            "remove them, or put the tier behind alb or nlb",
        )
    layer = statement.get("subnet", "private")
    balancer = statement.get("balancer", "alb")
    internal = bool(statement.get("internal", False))
    if balancer == "none" and statement.written("internal"):
        ctx.error(
            "'internal' describes a load balancer, but this tier has none",
            statement.span_of("internal"),
            "remove 'internal' or put the tier behind alb or nlb",
        )
    internet_facing = (balancer != "none" and not internal) or (
        balancer == "none" and layer == "public"
    )
    unit.internet_facing = internet_facing
    unit.attrs["network"] = network.key
    port = statement.get("port", 80 if internet_facing else 8080)
    subnets = network.subnets(layer, azs)

    instances_sg = add_security_group(
        ctx, statement, network, f"{statement.name}.sg", "servers"
    )
    if statement.get("compute", "asg") == "asg":
        instances = _auto_scaling_group(
            ctx, statement, network, azs, subnets, port, instances_sg
        )
    else:
        instances = _fixed_instances(
            ctx, statement, network, azs, subnets, port, instances_sg
        )
    for instance_id in instances:
        ctx.get(instance_id).attrs["public"] = layer == "public"
        if layer == "private":
            network.need_egress(ctx.get(instance_id).placement.azs[0], instance_id)

    unit.egress = list(instances)
    unit.port = port
    unit.security_group = instances_sg
    if balancer == "none":
        unit.ingress = list(instances)
        unit.protocol = "http"
        return
    _load_balancer(
        ctx, statement, unit, network, balancer, internal, azs, instances, port
    )


def balancer_written_without_lb(statement: Statement) -> bool:
    return statement.get("balancer", "alb") == "none" and any(
        statement.written(option) for option in ("tls", "waf")
    )


def _tier_azs(
    ctx: Expansion, statement: Statement, network: Network
) -> tuple[str, ...]:
    count = statement.get("azs", len(network.azs))
    if count > len(network.azs):
        ctx.error(
            f"tier '{statement.name}' spreads over {count} AZs but its VPC has "
            f"{len(network.azs)}",
            statement.span_of("azs"),
            f"raise azs= on the design (or region) statement to {count}, or lower it here",
        )
        count = len(network.azs)
    return network.azs[:count]


def add_security_group(
    ctx: Expansion, statement: Statement, network: Network, sg_id: str, what: str
) -> str:
    ctx.add(
        sg_id,
        "ec2.security-group",
        f"{sg_id}",
        unit=statement.name,
        reason=f"security group of the {statement.name} {what}: admits only the "
        "traffic its flows need",
        span=statement.span,
        placement=network.placement(),
        attrs={"ingress": [], "egress": "all outbound"},
    )
    return sg_id


def _auto_scaling_group(
    ctx: Expansion,
    statement: Statement,
    network: Network,
    azs: tuple[str, ...],
    subnets: tuple[str, ...],
    port: int,
    sg_id: str,
) -> list[str]:
    name = statement.name
    if statement.written("count"):
        ctx.error(
            "'count' sets a fixed fleet; an Auto Scaling group takes min= and max=",
            statement.span_of("count"),
            "replace count= with min= (or write 'ec2' instead of 'asg')",
        )
    template = _launch_template(ctx, statement, sg_id)
    group = ctx.add(
        f"{name}.asg",
        "autoscaling.group",
        f"{name} ASG",
        unit=name,
        reason=f"keeps {name} servers running in {len(azs)} AZs and replaces "
        "unhealthy ones",
        span=statement.span,
        placement=network.placement(azs=azs, subnets=subnets),
        attrs={"launch_template": template.id},
    )
    minimum = ctx.choose(
        group,
        "min",
        max(2, len(azs)),
        "at least two instances, and one in every AZ, so that losing an instance "
        "or an AZ leaves capacity",
        statement=statement,
        safety=True,
    )
    maximum = ctx.choose(
        group,
        "max",
        max(2 * minimum, 4),
        "room to double capacity under load",
        statement=statement,
    )
    desired = ctx.choose(
        group, "desired", minimum, "start at the minimum", statement=statement
    )
    _check_bounds(ctx, statement, minimum, maximum, desired)
    ctx.choose(
        group,
        "health_check",
        "ELB",
        "replace instances that fail the load balancer's health check, not only "
        "the EC2 status check",
    )
    ctx.choose(
        group, "health_check_grace_seconds", 300, "time for a new instance to boot"
    )
    target = ctx.choose(
        group,
        "cpu_target",
        50,
        "target-tracking scaling on average CPU keeps headroom for spikes",
        statement=statement,
    )
    group.attrs["scaling_policy"] = f"target tracking: average CPU {target}%"
    instances = []
    for index, az in enumerate(azs):
        in_az = minimum // len(azs) + (1 if index < minimum % len(azs) else 0)
        instance = ctx.add(
            f"{name}.{az}",
            "ec2.instance",
            f"{name}",
            unit=name,
            reason=f"the instances the {name} ASG keeps in {az} ({in_az} at minimum "
            "capacity)",
            span=statement.span,
            placement=network.placement(azs=(az,), subnets=(subnets[index],)),
            attrs={
                "asg": group.id,
                "min_in_az": in_az,
                "instance_type": template.attrs["instance_type"],
                "port": port,
                "security_group": sg_id,
            },
        )
        instances.append(instance.id)
    return instances


def _check_bounds(ctx, statement, minimum: int, maximum: int, desired: int) -> None:
    if minimum > maximum:
        ctx.error(
            f"min={minimum} is greater than max={maximum}",
            statement.span_of("min"),
            f"raise max= to at least {minimum} or lower min=",
        )
    elif not minimum <= desired <= maximum:
        ctx.error(
            f"desired={desired} is outside min={minimum}..max={maximum}",
            statement.span_of("desired"),
            "set desired= between min and max",
        )


def _fixed_instances(
    ctx: Expansion,
    statement: Statement,
    network: Network,
    azs: tuple[str, ...],
    subnets: tuple[str, ...],
    port: int,
    sg_id: str,
) -> list[str]:
    name = statement.name
    for option in ("min", "max", "desired", "cpu_target"):
        if statement.written(option):
            ctx.error(
                f"'{option}' applies to an Auto Scaling group, not fixed instances",
                statement.span_of(option),
                "write 'asg' instead of 'ec2', or use count=",
            )
    template = _launch_template(ctx, statement, sg_id)
    count = statement.get("count", len(azs))
    instances = []
    for index in range(count):
        az = azs[index % len(azs)]
        instance = ctx.add(
            f"{name}.{index + 1}",
            "ec2.instance",
            f"{name}-{index + 1}",
            unit=name,
            reason=f"fixed instance {index + 1} of {count}, placed round-robin over "
            "the AZs; nothing replaces it if it fails",
            span=statement.span,
            placement=network.placement(
                azs=(az,), subnets=(subnets[index % len(azs)],)
            ),
            attrs={
                "launch_template": template.id,
                "instance_type": template.attrs["instance_type"],
                "port": port,
                "security_group": sg_id,
                "min_in_az": 1,
            },
        )
        instances.append(instance.id)
    return instances


def _launch_template(ctx: Expansion, statement: Statement, sg_id: str) -> Component:
    name = statement.name
    template = ctx.add(
        f"{name}.launch-template",
        "ec2.launch-template",
        f"{name} launch template",
        unit=name,
        reason=f"one definition of the {name} servers: AMI, type, disks, metadata "
        "settings",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"security_group": sg_id},
    )
    ctx.choose(
        template,
        "instance_type",
        "m7g.large",
        "current-generation general-purpose Graviton (Arm) size, which does the "
        "same work as x86 with less energy and cost; set instance= after load "
        "testing, or to an x86 type such as m7i.large for x86-only software",
        statement=statement,
        option="instance",
    )
    ctx.choose(
        template,
        "imdsv2_required",
        True,
        "instance metadata only through IMDSv2 sessions, which blocks SSRF "
        "credential theft",
        safety=True,
    )
    ctx.choose(
        template, "ebs_encrypted", True, "root volumes encrypted with KMS", safety=True
    )
    ctx.choose(
        template,
        "ssh",
        False,
        "no SSH port or key pair; shell access goes through SSM Session Manager",
        safety=True,
    )
    ctx.choose(
        template,
        "detailed_monitoring",
        True,
        "one-minute CloudWatch metrics so scaling reacts quickly",
    )
    return template


def _load_balancer(
    ctx: Expansion,
    statement: Statement,
    unit: Unit,
    network: Network,
    balancer: str,
    internal: bool,
    azs: tuple[str, ...],
    instances: list[str],
    port: int,
) -> None:
    name = statement.name
    if balancer == "alb" and len(azs) < 2:
        ctx.warning(
            "AWS requires an Application Load Balancer to have subnets in at least two "
            f"AZs, but tier '{name}' spans one",
            statement.span_of("azs") if statement.written("azs") else statement.span,
            "give the tier (and the design) azs=2, or put it behind nlb",
        )
    if statement.written("waf") and (balancer != "alb" or internal):
        ctx.warning(
            "waf applies to an internet-facing ALB; this load balancer is "
            f"{'internal' if internal else 'an NLB'}, so it gets no web ACL",
            statement.span_of("waf"),
            "remove waf, or put an 'edge cdn waf' in front of the internet-facing tier",
        )
    layer = "private" if internal else "public"
    subnets = network.subnets(layer, azs)
    kind = "elbv2.alb" if balancer == "alb" else "elbv2.nlb"
    scheme = "internal" if internal else "internet-facing"
    lb_sg = add_security_group(
        ctx, statement, network, f"{name}.{balancer}.sg", "load balancer"
    )
    lb = ctx.add(
        f"{name}.{balancer}",
        kind,
        f"{name} {balancer.upper()}",
        unit=name,
        reason=f"{scheme} {balancer.upper()} in the {layer} subnets of "
        f"{len(azs)} AZs; spreads requests over the {name} servers and stops "
        "sending to unhealthy ones",
        span=statement.span,
        placement=network.placement(azs=azs, subnets=subnets),
        attrs={"scheme": scheme, "public": not internal, "security_group": lb_sg},
    )
    tls = ctx.choose(
        lb,
        "tls",
        True,
        "HTTPS listener with an ACM certificate; TLS ends at the load balancer",
        statement=statement,
        safety=True,
    )
    ctx.choose(
        lb, "deletion_protection", True, "guards against deleting the entry point"
    )
    # An NLB writes access logs only for TLS listeners.
    if balancer == "alb" or tls:
        ctx.choose(
            lb,
            "access_logs",
            True,
            "request logs in S3 for troubleshooting and security reviews",
        )
    if balancer == "alb":
        ctx.choose(
            lb,
            "drop_invalid_header_fields",
            True,
            "drops malformed HTTP headers, a request-smuggling defence",
            safety=True,
        )
    if internal:
        lb.attrs["dns_name"] = f"{name.replace('.', '-')}.internal.{ctx.design.domain}"
    add_listeners(ctx, statement, lb, balancer, internal, tls, port)
    health_path = statement.get("health_check", "/health")
    target_group = ctx.add(
        f"{name}.target-group",
        "elbv2.target-group",
        f"{name} targets",
        unit=name,
        reason=f"registers the {name} instances and checks "
        f"{health_path if balancer == 'alb' else f'TCP port {port}'} on each",
        span=statement.span,
        placement=network.placement(),
        attrs={
            "protocol": "HTTP" if balancer == "alb" else "TCP",
            "port": port,
            "health_check": health_path if balancer == "alb" else f"TCP {port}",
            "targets": statement.name + (".asg" if ctx.exists(f"{name}.asg") else ""),
        },
    )
    lb.attrs["target_group"] = target_group.id
    for instance_id in instances:
        ctx.connect(
            lb.id,
            instance_id,
            "sync",
            reason="the load balancer forwards requests to healthy instances",
            span=statement.span,
            protocol="http" if balancer == "alb" else "tcp",
            port=port,
            tls=False,
        )
    unit.ingress = [lb.id]
    unit.tls = tls
    if tls:
        unit.protocol, unit.port = "https", 443
    elif balancer == "alb":
        unit.protocol, unit.port = "http", 80
    else:
        unit.protocol, unit.port = "tcp", port
    unit.attrs["balancer"] = lb.id
    unit.attrs["balancer_security_group"] = lb_sg


def add_listeners(
    ctx: Expansion,
    statement: Statement,
    lb: Component,
    balancer: str,
    internal: bool,
    tls: bool,
    port: int,
) -> None:
    name = statement.name
    listeners = []
    if tls:
        certificate = need_certificate(
            ctx, lb.placement.region or ctx.design.region, lb.id
        )
        https = ctx.add(
            f"{lb.id}.https",
            "elbv2.listener",
            f"{name} HTTPS :443",
            unit=name,
            reason="terminates TLS 1.2/1.3 with the ACM certificate",
            span=statement.span,
            attrs={
                "protocol": "HTTPS" if balancer == "alb" else "TLS",
                "port": 443,
                "certificate": certificate,
                "ssl_policy": TLS_POLICY,
                "forward_to": f"{name}.target-group",
            },
        )
        listeners.append(https.id)
        fronted = any(s.keyword == "edge" for s in ctx.statements)
        if balancer == "alb" and not internal and not fronted:
            redirect = ctx.add(
                f"{lb.id}.http",
                "elbv2.listener",
                f"{name} HTTP :80",
                unit=name,
                reason="answers plain HTTP with a permanent redirect to HTTPS",
                span=statement.span,
                attrs={
                    "protocol": "HTTP",
                    "port": 80,
                    "action": "redirect to HTTPS:443 (301)",
                },
            )
            listeners.append(redirect.id)
    else:
        plain = ctx.add(
            f"{lb.id}.{'http' if balancer == 'alb' else 'tcp'}",
            "elbv2.listener",
            f"{name} {'HTTP :80' if balancer == 'alb' else f'TCP :{port}'}",
            unit=name,
            reason="plain listener: the author turned TLS off",
            span=statement.span,
            attrs={
                "protocol": "HTTP" if balancer == "alb" else "TCP",
                "port": 80 if balancer == "alb" else port,
                "forward_to": f"{name}.target-group",
            },
        )
        listeners.append(plain.id)
    lb.attrs["listeners"] = listeners
