"""archdsl: architecture as code for AWS.

A design file in the archdsl language is parsed, bound against the statement
vocabulary, expanded into AWS components and then rendered, checked or
documented. :func:`archdsl.compiler.compile_file` runs the first stages.
"""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
