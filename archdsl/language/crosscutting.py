"""Design-wide statements that set one property on every component they apply to."""

from __future__ import annotations

from archdsl.language.spec import (
    ClauseSpec,
    OptionSpec,
    StatementSpec,
    WordSet,
    register,
)
from archdsl.language.types import Choice, Duration, Reference

SECTION = "Design-wide"

DAY = 86400

ENCRYPT = StatementSpec(
    keyword="encrypt",
    summary="Encrypts every component that stores data with one customer "
    "managed KMS key.",
    example="encrypt all with kms key=app",
    name="none",
    default_name="encrypt",
    words=(
        WordSet(
            "scope",
            {"all": "every component with an `encrypted` attribute"},
            "What the key applies to.",
            "all",
        ),
    ),
    clauses=(
        ClauseSpec(
            "with",
            "method",
            Choice(("kms",)),
            "The encryption service.",
            "kms",
        ),
    ),
    options=(
        OptionSpec(
            "key", Reference(), "The `kms` statement whose key is used.", "required"
        ),
    ),
    section=SECTION,
    details=(
        "Components whose own statement names a key with `key=` keep it. A "
        "component whose statement turned encryption off stays unencrypted, "
        "with a warning. KMS keys are regional, so components in other "
        "regions keep their AWS managed keys, also with a warning. A design "
        "has one encrypt statement.",
    ),
)

TLS = StatementSpec(
    keyword="tls",
    summary="Encrypts in transit every hop that can use TLS, including load "
    "balancer to target hops.",
    example="tls everywhere",
    name="none",
    default_name="tls",
    words=(
        WordSet(
            "scope",
            {"everywhere": "every request and data hop whose protocol has TLS"},
            "Which hops.",
            "everywhere",
        ),
    ),
    section=SECTION,
    details=(
        "Plain HTTP hops become HTTPS, so load balancers re-encrypt to their "
        "targets, which then need certificates of their own. A flow written "
        "with `tls=off` and a tier or service written with `tls=off` keep it, "
        "with a warning.",
    ),
)

LOGS = StatementSpec(
    keyword="logs",
    summary="Sets how long every log group and log bucket keeps logs.",
    example="logs retain=30d",
    name="none",
    default_name="log-retention",
    options=(
        OptionSpec(
            "retain",
            Duration(DAY, 3653 * DAY),
            "Retention of every log group and of the log buckets' objects.",
            "required",
        ),
    ),
    section=SECTION,
    details=("A statement's own `log_retention=` or `retain=` wins over this one.",),
)

register(ENCRYPT, TLS, LOGS)
