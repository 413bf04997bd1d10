"""Settings that ECS services and Kubernetes Deployments share: replicas and containers."""

from __future__ import annotations

from archdsl.expand.context import Expansion
from archdsl.language import Statement
from archdsl.model import Component

#: Memory sizes in MB that Fargate accepts with each vCPU size, as the
#: Amazon ECS developer guide lists them ("Troubleshoot Amazon ECS task
#: definition invalid CPU or memory errors").
FARGATE_MEMORY: dict[str, tuple[int, ...]] = {
    "0.25": (512, 1024, 2048),
    "0.5": tuple(range(1024, 4096 + 1, 1024)),
    "1": tuple(range(2048, 8192 + 1, 1024)),
    "2": tuple(range(4096, 16384 + 1, 1024)),
    "4": tuple(range(8192, 30720 + 1, 1024)),
    "8": tuple(range(16384, 61440 + 1, 4096)),
    "16": tuple(range(32768, 122880 + 1, 8192)),
}

DEFAULT_PORT = 8080


def replica_bounds(
    ctx: Expansion,
    controller: Component,
    statement: Statement,
    azs: tuple[str, ...],
    *,
    scaling: bool,
) -> tuple[int, int]:
    """Choose min and max replicas and the CPU target; record ``scaling``."""
    minimum = ctx.choose(
        controller,
        "min",
        max(2, len(azs)),
        "a replica in every AZ, and at least two, so losing one replica or one "
        "AZ leaves capacity",
        statement=statement,
        safety=True,
    )
    if not scaling:
        if statement.written("max"):
            ctx.error(
                "max needs autoscaling, but hpa is off",
                statement.span_of("max"),
                "remove max=, or turn the HPA back on",
            )
        controller.attrs["max"] = minimum
        controller.attrs["scaling"] = None
        return minimum, minimum
    maximum = ctx.choose(
        controller,
        "max",
        max(4 * minimum, 4),
        "containers start in seconds, so room to grow fourfold costs nothing "
        "until it is used",
        statement=statement,
    )
    if minimum > maximum:
        ctx.error(
            f"min={minimum} is greater than max={maximum}",
            statement.span_of("min"),
            f"raise max= to at least {minimum} or lower min=",
        )
    target = ctx.choose(
        controller,
        "cpu_target",
        60,
        "scale out before CPU saturates; 60% leaves headroom while new replicas start",
        statement=statement,
    )
    controller.attrs["scaling"] = {
        "signal": "cpu",
        "target": target,
        "min": minimum,
        "max": maximum,
    }
    return minimum, maximum


def container_settings(
    ctx: Expansion, controller: Component, statement: Statement, fargate: bool
) -> int:
    """Choose the container's size, port and hardening; return the port."""
    cpu = ctx.choose(
        controller, "cpu", "1", "one vCPU per replica", statement=statement
    )
    memory = ctx.choose(
        controller,
        "memory_mb",
        2048,
        "2 GB, the smallest size Fargate pairs with one vCPU",
        statement=statement,
        option="memory",
    )
    if fargate:
        _check_fargate_size(ctx, statement, cpu, memory)
    port = ctx.choose(
        controller,
        "port",
        DEFAULT_PORT,
        "an unprivileged port, so the container runs without root",
        statement=statement,
    )
    ctx.choose(
        controller,
        "health_check",
        "/health",
        "the load balancer and the readiness probe check this path",
        statement=statement,
    )
    ctx.choose(
        controller,
        "read_only_root_filesystem",
        True,
        "the container cannot change its own image; state belongs in backing services",
        safety=True,
    )
    ctx.choose(
        controller,
        "run_as_non_root",
        True,
        "the process runs as an unprivileged user",
        safety=True,
    )
    controller.attrs["stateless"] = True
    return int(port)


def _check_fargate_size(
    ctx: Expansion, statement: Statement, cpu: str, memory: int
) -> None:
    allowed = FARGATE_MEMORY[cpu]
    if memory in allowed:
        return
    if len(allowed) <= 4:
        choices = "one of " + ", ".join(f"{size}MB" for size in allowed)
    else:
        step = allowed[1] - allowed[0]
        choices = f"from {allowed[0]}MB to {allowed[-1]}MB in steps of {step}MB"
    where = "memory" if statement.written("memory") else "cpu"
    ctx.error(
        f"Fargate does not pair {cpu} vCPU with {memory}MB of memory",
        statement.span_of(where),
        f"with cpu={cpu}, set memory= to {choices}, or change cpu=",
    )
