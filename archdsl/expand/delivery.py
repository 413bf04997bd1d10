"""Expand ``ecr``, ``pipeline``, ``secret`` and ``param``: images, releases, config."""

from __future__ import annotations

from archdsl.expand.common import add_bucket, add_log_group
from archdsl.expand.context import Expansion, handles
from archdsl.expand.keys import use_key
from archdsl.expand.links import REFERENCES, defer, resolve_many, resolve_one
from archdsl.language import Statement
from archdsl.model import Component, Unit

_BUILD_COMPUTE = {
    "small": "BUILD_GENERAL1_SMALL",
    "medium": "BUILD_GENERAL1_MEDIUM",
    "large": "BUILD_GENERAL1_LARGE",
}


def _api_unit(unit: Unit, component: str) -> None:
    """Make ``component`` receive the unit's calls over HTTPS, as AWS APIs do."""
    unit.ingress = [component]
    unit.protocol, unit.port, unit.tls = "https", 443, True


@handles("ecr")
def expand_ecr(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    repository = ctx.add(
        f"{statement.name}.repository",
        "ecr.repository",
        statement.name,
        unit=statement.name,
        reason="private ECR repository that the pipeline pushes images to and "
        "the cluster pulls them from",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"encrypted": True, "encryption": "AES256", "kms_key": None},
    )
    use_key(ctx, repository, statement)
    ctx.choose(
        repository,
        "scan_on_push",
        True,
        "every pushed image is scanned for known vulnerabilities (CVEs) before "
        "it is deployed",
        statement=statement,
        option="scan",
        safety=True,
    )
    ctx.choose(
        repository,
        "tag_immutable",
        True,
        "a tag cannot be pushed twice, so a release tag always means the image "
        "that was tested",
        statement=statement,
        option="immutable",
        safety=True,
    )
    ctx.choose(
        repository,
        "keep_images",
        30,
        "a lifecycle policy expires older images; 30 leave room to roll back",
        statement=statement,
        option="keep",
    )
    _api_unit(unit, repository.id)


@handles("pipeline")
def expand_pipeline(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    name = statement.name
    pipeline = ctx.add(
        f"{name}.pipeline",
        "codepipeline.pipeline",
        f"{name} pipeline",
        unit=name,
        reason="CodePipeline: every commit runs source, build and deploy in order, "
        "so releases are built once and deployed the same way",
        span=statement.span,
        placement=ctx.placement_for(statement),
    )
    ctx.choose(
        pipeline,
        "source",
        "github",
        "an AWS CodeConnections connection to GitHub starts the pipeline on every push",
        statement=statement,
    )
    approval = ctx.choose(
        pipeline,
        "approval",
        False,
        "releases go out without a manual gate; write approval to add one",
        statement=statement,
    )
    pipeline.attrs["stages"] = ["source", "build", *(["approval"] if approval else [])]
    pipeline.attrs["stages"].append("deploy")
    build = _build_project(ctx, statement)
    ctx.connect(
        pipeline.id,
        build.id,
        "sync",
        reason="the build stage runs the CodeBuild project on the commit",
        span=statement.span,
        label="build",
    )
    pipeline.attrs["artifact_store"] = _artifact_store(ctx, statement).id
    unit.ingress = [pipeline.id]
    unit.egress = [build.id]
    defer(ctx, lambda: _pipeline_targets(ctx, statement, pipeline, build), REFERENCES)


def _artifact_store(ctx: Expansion, statement: Statement) -> Component:
    artifacts = add_bucket(
        ctx,
        f"{statement.name}.artifacts",
        f"{statement.name}-artifacts",
        statement=statement,
        reason="artifact store that passes the source and build output between stages",
        holds_originals=False,
    )
    artifacts.attrs["hidden_in_diagram"] = True
    return artifacts


def _build_project(ctx: Expansion, statement: Statement) -> Component:
    build = ctx.add(
        f"{statement.name}.build",
        "codebuild.project",
        f"{statement.name} build",
        unit=statement.name,
        reason="CodeBuild builds and tests the container image in a fresh, "
        "short-lived environment",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"privileged_mode": True},
    )
    size = ctx.choose(
        build,
        "compute",
        "medium",
        "7 GB and 4 vCPUs build most images in minutes",
        statement=statement,
    )
    build.attrs["compute_type"] = _BUILD_COMPUTE[size]
    add_log_group(
        ctx,
        f"{statement.name}.build.logs",
        f"{statement.name} build logs",
        statement=statement,
        reason="CloudWatch Logs group with every build's output",
        owner=build,
    )
    return build


def _pipeline_targets(
    ctx: Expansion, statement: Statement, pipeline: Component, build: Component
) -> None:
    repository = resolve_one(ctx, statement, "push", keywords=("ecr",))
    if repository is not None:
        build.attrs["pushes_to"] = repository.ingress[0]
        ctx.connect(
            build.id,
            repository.ingress[0],
            "data",
            reason="the build pushes the image, tagged with the commit id",
            span=statement.span_of("push"),
            protocol="https",
            port=443,
            tls=True,
            label="push image",
        )
    targets = resolve_many(ctx, statement, "deploy", keywords=("service",))
    pipeline.attrs["deploys"] = []
    for target in targets:
        controller = target.attrs.get("controller")
        if controller is None:
            continue
        pipeline.attrs["deploys"].append(controller)
        ctx.connect(
            pipeline.id,
            controller,
            "sync",
            reason="the deploy stage rolls the new image out to the service",
            span=statement.span_of("deploy"),
            label="deploy",
        )


@handles("secret")
def expand_secret(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    secret = ctx.add(
        f"{statement.name}.secret",
        "secretsmanager.secret",
        statement.name,
        unit=statement.name,
        reason="Secrets Manager secret: the application reads it at start-up "
        "through its IAM role, so no credential sits in code or images",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"encrypted": True, "kms_key": "aws/secretsmanager"},
    )
    use_key(ctx, secret, statement)
    rotate = ctx.choose(
        secret,
        "rotation",
        True,
        "Secrets Manager rotates the secret with a rotation function, so a "
        "leaked value stops working",
        statement=statement,
        option="rotate",
        safety=True,
    )
    if not rotate and statement.written("rotation"):
        ctx.error(
            "rotation= sets the time between rotations, but rotate is off",
            statement.span_of("rotation"),
            "remove rotation= or rotate=off",
        )
    ctx.choose(
        secret,
        "rotation_days",
        30 if rotate else None,
        "monthly rotation limits how long a leaked secret is useful",
        statement=statement,
        option="rotation",
        convert=lambda seconds: max(1, seconds // 86400),
    )
    _api_unit(unit, secret.id)


@handles("param")
def expand_param(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    parameter = ctx.add(
        f"{statement.name}.parameter",
        "ssm.parameter",
        statement.name,
        unit=statement.name,
        reason="Parameter Store parameter: configuration lives outside the image, "
        "so one build runs in every environment",
        span=statement.span,
        placement=ctx.placement_for(statement),
    )
    secure = ctx.choose(
        parameter,
        "secure",
        False,
        "plain configuration; use secure for values that must stay secret",
        statement=statement,
    )
    parameter.attrs["type"] = "SecureString" if secure else "String"
    if secure:
        parameter.attrs["encrypted"] = True
        parameter.attrs["kms_key"] = "aws/ssm"
        use_key(ctx, parameter, statement)
    elif statement.written("key"):
        ctx.error(
            "only a SecureString parameter is encrypted with a key",
            statement.span_of("key"),
            "add secure, or remove key=",
        )
    ctx.choose(
        parameter,
        "tier",
        "standard",
        "standard parameters are free and hold up to 4 KB",
        statement=statement,
    )
    _api_unit(unit, parameter.id)
