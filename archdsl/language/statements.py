"""The statement vocabulary: every keyword of the language.

Modules that add statements register their specs on import. This module
imports them all, so :mod:`archdsl.language.spec` sees one registry.
"""

from archdsl.language import checks, core, events, serverless, structure  # noqa: F401
