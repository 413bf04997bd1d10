"""The Well-Architected checklist: rules over the expanded model, and reports.

:mod:`archdsl.check.rules` holds the rules as data. Each rule names a
predicate, registered by name in :mod:`archdsl.check.predicates`, that reads
only the model. :func:`archdsl.check.engine.run_check` evaluates the rules,
applies the design's waivers and runs the failure simulations. The writers in
:mod:`archdsl.check.report` turn the result into text, markdown, JSON, SARIF
or JUnit XML.

This package's ``__init__`` imports nothing, because the expansion imports
the rule ids from :mod:`archdsl.check.rules` to check waivers.
"""
