"""Review and interview questions about a design, answered from its model.

Each answer is assembled from the model and the checklist's analysis (AZ
and region loss, single points of failure, scaling bounds), so it changes
when the design does.
"""

from __future__ import annotations

from typing import Any

from archdsl.check.graph import RequestGraph, entry_points
from archdsl.check.query import is_store
from archdsl.check.simulate import SimulationResult
from archdsl.model import Model

#: Load multiple the scaling question asks about.
GROWTH = 10


def review_questions(model: Model, inputs) -> list[dict[str, Any]]:
    questions = [
        _az_failure(model, inputs.az_losses),
        _region_failure(model, inputs.region_losses),
        _single_points(model),
        _scale(model),
        _bottleneck(model, inputs),
        _exposure(model),
    ]
    trade_offs = _trade_offs(model)
    if trade_offs:
        questions.append(
            {
                "question": "Which trade-offs does the design make?",
                "answer": trade_offs,
            }
        )
    return questions


def _az_failure(model: Model, losses: list[SimulationResult]) -> dict[str, Any]:
    question = "What happens if an Availability Zone fails?"
    if not losses:
        return {"question": question, "answer": ["The design has no zonal components."]}
    result = losses[0]
    if not result.lost:
        return {
            "question": question,
            "answer": [
                f"Nothing in the design is tied to one AZ: losing {result.scenario.target} "
                "leaves every component running, because each service it uses runs "
                "across the region's AZs."
            ],
        }
    lines = [
        f"Simulated: every component in {result.scenario.target} is lost "
        f"({len(result.lost)} components)."
    ]
    for capacity in result.capacity:
        lines.append(
            f"{capacity.unit}: {capacity.resource} capacity goes from {capacity.before} "
            f"to {capacity.after}"
            + (f"; {capacity.note}" if capacity.note else "")
            + "."
        )
    for failover in result.failovers:
        if failover.partner:
            lines.append(
                f"{failover.component} ({failover.role}) fails over to "
                f"{failover.partner}."
            )
        else:
            lines.append(
                f"{failover.component} ({failover.role}) has no partner in "
                "another AZ and is down until the AZ recovers."
            )
    cut = result.cut_stores()
    if cut:
        lines.append("Outage: no entry point reaches " + ", ".join(cut) + ".")
    else:
        lines.append("Every data store stays reachable from the entry points.")
    others = [r for r in losses[1:] if r.outage]
    for other in others:
        lines.append(
            f"Losing {other.scenario.target} instead cuts off "
            + ", ".join(other.cut_stores())
            + "."
        )
    return {"question": question, "answer": lines}


def _region_failure(model: Model, losses: list[SimulationResult]) -> dict[str, Any]:
    question = "What happens if the whole region fails?"
    regions = model.design.regions
    if len(regions) == 1:
        return {
            "question": question,
            "answer": [
                f"The design runs only in {regions[0]}, so a regional outage stops it. "
                "Add a region block with a copy of the tiers, and replicate the data "
                "(Aurora Global Database, DynamoDB global tables), if the recovery "
                "objective needs it."
            ],
        }
    lines = []
    for result in losses:
        cut = result.cut_stores()
        if cut:
            lines.append(
                f"Losing {result.scenario.target} cuts off " + ", ".join(cut) + "."
            )
        else:
            lines.append(
                f"Losing {result.scenario.target} leaves every store reachable "
                "from the remaining entry points."
            )
    return {"question": question, "answer": lines}


def _single_points(model: Model) -> dict[str, Any]:
    from archdsl.check.graph import single_points

    points = single_points(model)
    question = "What are the single points of failure?"
    if not points:
        return {
            "question": question,
            "answer": [
                "None found: every component on the way from the entry points to the "
                "data stores either spans several AZs, is a regional service AWS runs "
                "across AZs, or has a failover partner in another AZ."
            ],
        }
    lines = [
        f"{point.component}: its loss cuts off {', '.join(point.stores)} "
        f"(path {' -> '.join(point.path)})."
        for point in points
    ]
    return {"question": question, "answer": lines}


def _scale(model: Model) -> dict[str, Any]:
    lines = []
    for component in model.components.values():
        attrs = component.attrs
        if "min" not in attrs or "max" not in attrs or not attrs["min"]:
            continue
        ratio = attrs["max"] / attrs["min"]
        if ratio >= GROWTH:
            lines.append(
                f"{component.id} can grow from {attrs['min']} to {attrs['max']}, "
                f"{ratio:.0f}x, without a change."
            )
        else:
            needed = attrs["min"] * GROWTH
            lines.append(
                f"{component.id} stops at max={attrs['max']} ({ratio:.1g}x its "
                f"minimum); set max={needed} for {GROWTH}x, and check the account's "
                "EC2 quotas."
            )
    writers = [
        c
        for c in model.components.values()
        if c.attrs.get("role") in ("writer", "primary") and is_store(c)
    ]
    for writer in writers:
        if writer.kind.startswith("elasticache."):
            lines.append(
                f"{writer.id} takes every write of its single shard; for {GROWTH}x "
                "writes, move to a larger node type or turn on cluster mode, which "
                "spreads the keys over several shards, each with its own primary."
            )
            continue
        lines.append(
            f"{writer.id} takes every write and scales only by a larger instance "
            "class; move reads to replicas or a cache, and shard (cells) if writes "
            f"grow {GROWTH}x."
        )
    regional = sorted(
        {
            c.service
            for c in model.components.values()
            if c.kind
            in (
                "lambda.function",
                "dynamodb.table",
                "sqs.queue",
                "sns.topic",
                "apigateway.http-api",
                "apigateway.rest-api",
            )
        }
    )
    if regional:
        lines.append(
            "Managed services (" + ", ".join(regional) + ") scale on their own "
            "within account quotas such as Lambda concurrency and API Gateway "
            "throttling."
        )
    if not lines:
        lines.append("Nothing in the design declares scaling bounds.")
    return {"question": f"How does it handle {GROWTH}x the load?", "answer": lines}


def _bottleneck(model: Model, inputs) -> dict[str, Any]:
    lines = []
    perf = [
        f
        for f in inputs.check.findings
        if f.pillar in ("performance efficiency", "reliability")
        and f.rule.id.split("-")[1] in ("HOT", "CHAIN", "FAN", "SYNC")
    ]
    for finding in perf:
        lines.append(f"{finding.rule.title}: {finding.message}.")
    graph = RequestGraph.of(model)
    entries = entry_points(model, graph)
    longest = _longest_sync_path(model, graph, entries)
    if len(longest) > 2:
        lines.append(
            "The longest synchronous path is "
            + " -> ".join(longest)
            + f" ({len(longest) - 1} hops); each hop adds latency and a "
            "failure point to every request on it."
        )
    writers = [
        c.id
        for c in model.components.values()
        if c.attrs.get("role") in ("writer", "primary") and is_store(c)
    ]
    if writers:
        lines.append(
            "Writes converge on "
            + ", ".join(writers)
            + ": the first place to watch as load grows."
        )
    if not lines:
        lines.append("No single component carries all requests.")
    return {"question": "Where is the bottleneck?", "answer": lines}


def _longest_sync_path(
    model: Model, graph: RequestGraph, entries: list[str]
) -> list[str]:
    sync: dict[str, set[str]] = {}
    for connection in model.connections:
        if connection.kind == "sync":
            sync.setdefault(connection.source, set()).add(connection.target)
    best: list[str] = []
    for entry in entries:
        stack = [(entry, [entry])]
        while stack:
            node, path = stack.pop()
            if len(path) > len(best):
                best = path
            if len(path) > 12:
                continue
            for target in sorted(sync.get(node, ())):
                if target not in path:
                    stack.append((target, [*path, target]))
    return best


def _exposure(model: Model) -> dict[str, Any]:
    public = [c for c in model.components.values() if c.attrs.get("public")]
    lines = []
    if public:
        lines.append(
            "Reachable from the internet: "
            + ", ".join(f"{c.id} ({c.service})" for c in public)
            + "."
        )
    else:
        lines.append("Nothing is reachable from the internet directly.")
    acls = [c for c in model.components.values() if c.kind == "wafv2.web-acl"]
    for acl in acls:
        protected = [
            x.target
            for x in model.connections
            if x.source == acl.id and x.kind == "association"
        ]
        lines.append(f"{acl.id} (AWS WAF) filters requests to {', '.join(protected)}.")
    groups = [c for c in model.components.values() if c.kind == "ec2.security-group"]
    open_groups = [
        g.id
        for g in groups
        if any(rule.get("source") == "0.0.0.0/0" for rule in g.attrs.get("ingress", ()))
    ]
    if groups:
        lines.append(
            f"{len(groups)} security groups admit only the ports that the flows "
            "use, from the groups or address ranges that send the traffic."
        )
    if open_groups:
        lines.append(
            "Open to the whole internet (0.0.0.0/0): " + ", ".join(open_groups) + "."
        )
    private = [
        c
        for c in model.components.values()
        if c.kind == "ec2.subnet" and c.attrs.get("layer") == "data"
    ]
    if private:
        lines.append(
            "Data stores sit in data subnets with no route to or from the internet."
        )
    return {
        "question": "How is the design protected from the internet?",
        "answer": lines,
    }


def _trade_offs(model: Model) -> list[str]:
    lines = []
    nat = model.design.settings.get("nat")
    if nat == "per_az":
        count = len(model.of_kind("ec2.nat-gateway"))
        if count:
            lines.append(
                f"{count} NAT gateways (one per AZ) keep egress working through an "
                "AZ outage, at the cost of each gateway's hourly charge; "
                "nat=single halves that and makes one AZ a dependency."
            )
    elif nat == "single" and model.of_kind("ec2.nat-gateway"):
        lines.append(
            "One NAT gateway serves every AZ: cheaper, but an outage of its AZ "
            "stops outbound traffic from all of them."
        )
    for component in model.components.values():
        if component.attrs.get("multi_az") and component.attrs.get("replicas"):
            lines.append(
                f"{component.id} keeps {component.attrs['replicas']} replica(s) in "
                "other AZs: failover in about a minute, for the price of the "
                "extra instances."
            )
    if model.of_kind("cloudfront.distribution"):
        lines.append(
            "CloudFront in front adds a cache and TLS at the edge; dynamic "
            "requests still travel to the region, and cached content can be stale "
            "until its TTL expires."
        )
    for stamp in model.design.cells:
        lines.append(
            f"{len(stamp.copies)} copies of cell {stamp.name} in {stamp.region} limit a "
            "failure to the share of users each serves, at the cost of running "
            "every component of the cell once per copy."
        )
    return lines
