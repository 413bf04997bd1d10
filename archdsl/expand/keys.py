"""Customer managed keys that statements name with ``key=``."""

from __future__ import annotations

from archdsl.expand.context import Expansion
from archdsl.expand.links import REFERENCES, defer, kms_key_of
from archdsl.language import Statement
from archdsl.model import Component, Default

# The ``encryption`` value each kind reports once a customer managed key
# encrypts it, in the words of the service's own setting.
CUSTOMER_KEY_ENCRYPTION = {
    "s3.bucket": "SSE-KMS",
    "sqs.queue": "SSE-KMS",
    "dynamodb.table": "customer managed key",
    "ecr.repository": "KMS",
}


def use_key(ctx: Expansion, component: Component, statement: Statement) -> None:
    """Put ``component`` under the key ``statement`` names, once every key exists.

    Without ``key=`` the component keeps the AWS managed key it was given.
    """
    if not statement.written("key"):
        return

    def apply() -> None:
        key = kms_key_of(ctx, statement)
        if key is None:
            return
        if not same_region(ctx, component, key):
            ctx.error(
                f"KMS keys are regional: key '{key}' is in "
                f"{ctx.get(key).placement.region}, {component.id} in "
                f"{component.placement.region}",
                statement.span_of("key"),
                "name a key declared in the same region",
            )
            return
        set_key(ctx, component, key, statement, "key")

    defer(ctx, apply, REFERENCES)


def set_key(
    ctx: Expansion,
    component: Component,
    key: str,
    statement: Statement,
    option: str,
) -> None:
    """Record that ``statement`` put ``component``'s data under ``key``."""
    component.defaults.append(
        Default(
            "kms_key",
            component.attrs.get("kms_key") or "AWS owned key",
            "the service's AWS managed or owned key unless a customer managed "
            "key is named",
            overridden_by=key,
            span=statement.span_of(option),
        )
    )
    component.attrs["kms_key"] = key
    encryption = CUSTOMER_KEY_ENCRYPTION.get(component.kind)
    if encryption is not None and component.attrs.get("encrypted"):
        component.attrs["encryption"] = encryption
    encrypts = ctx.get(key).attrs.setdefault("encrypts", [])
    if component.id not in encrypts:
        encrypts.append(component.id)


def same_region(ctx: Expansion, component: Component, key: str) -> bool:
    """Return whether ``key`` can encrypt ``component``: KMS keys are regional."""
    home = ctx.design.region
    key_region = ctx.get(key).placement.region or home
    return (component.placement.region or home) == key_region
