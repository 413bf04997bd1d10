"""The statement vocabulary: every keyword of the language.

Modules that add statements register their specs on import. This module
imports them all, so :mod:`archdsl.language.spec` sees one registry.
"""

from archdsl.language import (  # noqa: F401
    analytics,
    checks,
    containers,
    core,
    crosscutting,
    events,
    operations,
    security,
    serverless,
    structure,
)
