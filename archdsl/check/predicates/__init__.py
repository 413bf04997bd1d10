"""Rule predicates, one module per pillar, registered by name on import."""

from archdsl.check.predicates import (  # noqa: F401  (register predicates)
    cost,
    operations,
    performance,
    reliability,
    security,
    sustainability,
)
