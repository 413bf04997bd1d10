"""Expand serverless and event-driven statements.

Handlers create each statement's components. Three passes follow the flows:
:func:`wire_events` turns references and flows into AWS integrations,
:func:`apply_consumer_defaults` sets what depends on the consumers, and
:func:`record_cells` notes cell copies for the renderers.
"""

from archdsl.expand.serverless import (  # noqa: F401  (register handlers)
    apis,
    callers,
    functions,
    messaging,
    storage,
)
from archdsl.expand.serverless.cells import record_cells
from archdsl.expand.serverless.consumers import apply_consumer_defaults
from archdsl.expand.serverless.wiring import wire_events

__all__ = ["apply_consumer_defaults", "record_cells", "wire_events"]
