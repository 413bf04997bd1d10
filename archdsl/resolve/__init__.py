"""Resolve: includes read in, blocks flattened, names qualified.

Runs between parse and expand: :func:`resolve_includes` works on the syntax
tree, :func:`flatten` on bound statements.
"""

from archdsl.resolve.blocks import MAX_STATEMENTS, flatten
from archdsl.resolve.files import MAX_FILE_BYTES, read_source
from archdsl.resolve.includes import MAX_INCLUDE_DEPTH, resolve_includes

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_INCLUDE_DEPTH",
    "MAX_STATEMENTS",
    "flatten",
    "read_source",
    "resolve_includes",
]
