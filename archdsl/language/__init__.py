"""The statement vocabulary and the bind stage that checks declarations against it."""

from archdsl.language.bind import (
    ARROW_KINDS,
    ROOT_CONTEXT,
    Binder,
    Context,
    Endpoint,
    FlowStatement,
    Setting,
    Statement,
)
from archdsl.language.spec import StatementSpec, keywords, lookup, specs

__all__ = [
    "ARROW_KINDS",
    "ROOT_CONTEXT",
    "Context",
    "Binder",
    "Endpoint",
    "FlowStatement",
    "Setting",
    "Statement",
    "StatementSpec",
    "keywords",
    "lookup",
    "specs",
]
