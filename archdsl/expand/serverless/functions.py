"""Expand ``function`` and ``workflow``: Lambda functions and Step Functions.

The dead-letter queue of a function depends on how it is invoked, which
the flows decide, so :mod:`archdsl.expand.serverless.consumers` adds it.
"""

from __future__ import annotations

from archdsl.expand.common import add_log_group
from archdsl.expand.context import Expansion, handles
from archdsl.expand.network import network_for
from archdsl.expand.serverless.shared import (
    add_entry_unit,
    add_part_unit,
    local_name,
    resource_name,
)
from archdsl.language import Statement
from archdsl.model import Component

#: Lambda's memory range in MB.
MIN_MEMORY_MB = 128
MAX_MEMORY_MB = 10240


@handles("function")
def expand_function(ctx: Expansion, statement: Statement) -> None:
    name = statement.name
    add_entry_unit(ctx, statement, name)
    function = ctx.add(
        name,
        "lambda.function",
        local_name(statement),
        unit=name,
        reason="Lambda function: runs the code per request or event and scales "
        "with them; AWS runs it across the region's AZs",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"dlq": None},
    )
    _runtime(ctx, statement, function)
    _concurrency(ctx, statement, function)
    if statement.get("vpc", False):
        _attach_to_vpc(ctx, statement, function)
    _log_group(ctx, statement, function)


def _log_group(ctx: Expansion, statement: Statement, function: Component) -> None:
    name = statement.name
    enabled = ctx.choose(
        function,
        "log_group",
        f"{name}.logs",
        "the function's log group is created with it so that its retention is "
        "set; without it Lambda creates one whose logs never expire",
        statement=statement,
        option="logs",
        safety=True,
        convert=lambda on: f"{name}.logs" if on else None,
    )
    if not enabled:
        function.attrs["log_retention_days"] = None
        if statement.written("log_retention"):
            ctx.error(
                "'log_retention' needs the function's log group, but logs is off",
                statement.span_of("log_retention"),
                "remove logs=off, or log_retention=",
            )
        return
    logs = add_log_group(
        ctx,
        f"{name}.logs",
        f"/aws/lambda/{resource_name(statement)}",
        statement=statement,
        reason="receives the function's log events",
        owner=function,
    )
    logs.attrs["drawn_as"] = function.id
    ctx.connect(
        function.id,
        logs.id,
        "data",
        reason="the function writes its log events here",
        span=statement.span,
        label="logs",
        tls=True,
    )
    add_part_unit(ctx, statement, "logs", logs.id)


def _runtime(ctx: Expansion, statement: Statement, function: Component) -> None:
    ctx.choose(
        function,
        "runtime",
        "python3.13",
        "a current runtime; AWS ends support for old ones and blocks updates "
        "to functions that use them",
        statement=statement,
    )
    memory = ctx.choose(
        function,
        "memory_mb",
        512,
        "Lambda gives CPU in proportion to memory; 512 MB suits most API and "
        "event handlers, and measuring finds the cheapest size",
        statement=statement,
        option="memory",
    )
    if not MIN_MEMORY_MB <= memory <= MAX_MEMORY_MB:
        ctx.error(
            f"Lambda memory runs from {MIN_MEMORY_MB}MB to {MAX_MEMORY_MB}MB, "
            f"not {memory}MB",
            statement.span_of("memory"),
            "write memory=512MB or another size in that range",
        )
    ctx.choose(
        function,
        "timeout_seconds",
        15,
        "long enough for API and event handlers and below API Gateway's 29 s "
        "integration limit; Lambda's own default of 3 s cuts off slow "
        "dependencies",
        statement=statement,
        option="timeout",
    )
    ctx.choose(
        function,
        "architecture",
        "arm64",
        "Graviton costs about 20% less per GB-second than x86_64",
        statement=statement,
        option="arch",
    )
    ctx.choose(
        function,
        "tracing",
        True,
        "X-Ray traces show where time goes across the functions and services "
        "a request passes",
        statement=statement,
    )


def _concurrency(ctx: Expansion, statement: Statement, function: Component) -> None:
    ctx.choose(
        function,
        "reserved_concurrency",
        None,
        "no reserved concurrency: the function shares the account's pool; "
        "reserve some to guarantee capacity or to cap a queue consumer",
        statement=statement,
        option="concurrency",
    )


def _attach_to_vpc(ctx: Expansion, statement: Statement, function: Component) -> None:
    network = network_for(ctx, statement)
    subnets = network.subnets("private", network.azs)
    function.placement = network.placement(azs=network.azs, subnets=subnets)
    function.placement.groups = statement.context.groups
    sg_id = f"{statement.name}.sg"
    ctx.add(
        sg_id,
        "ec2.security-group",
        sg_id,
        unit=statement.name,
        reason=f"security group of the {local_name(statement)} function's network "
        "interfaces: admits nothing, sends anywhere",
        span=statement.span,
        placement=network.placement(),
        attrs={"ingress": [], "egress": "all outbound"},
    )
    function.attrs["security_group"] = sg_id
    function.attrs["vpc"] = network.vpc_id
    for az in network.azs:
        network.need_egress(az, function.id)


@handles("workflow")
def expand_workflow(ctx: Expansion, statement: Statement) -> None:
    workflow_type = statement.get("type", "standard")
    add_entry_unit(ctx, statement, statement.name)
    machine = ctx.add(
        statement.name,
        "states.state-machine",
        local_name(statement),
        unit=statement.name,
        reason=f"Step Functions {workflow_type} workflow: runs the steps in order, "
        "with retries and error handling in the definition",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"type": workflow_type.upper()},
    )
    ctx.choose(
        machine,
        "tracing",
        True,
        "X-Ray traces follow an execution through the services it calls",
        statement=statement,
    )
    if ctx.choose(
        machine,
        "logging",
        "ERROR",
        "failed executions and their inputs go to CloudWatch Logs; logging "
        "every event costs more",
        statement=statement,
        option="logs",
        safety=True,
        convert=lambda on: "ERROR" if on else None,
    ):
        add_log_group(
            ctx,
            f"{statement.name}.logs",
            f"/aws/vendedlogs/states/{resource_name(statement)}",
            statement=statement,
            reason="receives the workflow's execution logs",
            owner=machine,
        ).attrs["drawn_as"] = machine.id
