"""Size limits on a parse tree, checked before the tree is transformed.

The tree is walked with an explicit stack, so a file with thousands of
nested braces gets an error here instead of a RecursionError in the
recursive transformer and the stages after it.
"""

from __future__ import annotations

from lark import Token, Tree

from archdsl.errors import Diagnostic, Severity
from archdsl.source import Span

#: Maximum length of a name (keyword, statement name, word or option key), in
#: characters. Most AWS resource names that a statement becomes part of are
#: capped at 64: Lambda function names and IAM role names, for example, and
#: S3 bucket names at 63. Longer names cannot be used as written anyway.
MAX_NAME_LENGTH = 64

#: Maximum length of a number literal. The longest valid one, a CIDR block such as
#: ``192.168.100.0/18``, has 16 characters.
MAX_NUMBER_LENGTH = 64

#: Longest quoted string, escapes included, in characters. Labels, waiver
#: reasons and include paths are short; 1,024 leaves room for a paragraph.
MAX_STRING_LENGTH = 1024

#: Deepest nesting of blocks, and separately of bracketed lists. Real designs
#: nest a region, a cell, a group and a VPC: four levels.
MAX_NESTING = 32

_NESTED = {"block": "blocks", "value_list": "lists"}

_TOKEN_LIMITS = {
    "NAME": ("name", MAX_NAME_LENGTH),
    "NUMBER": ("number", MAX_NUMBER_LENGTH),
    "STRING": ("string", MAX_STRING_LENGTH),
}

_HINTS = {
    "name": "shorten the name; most AWS resource names are limited to 64 characters",
    "number": "check the value; no option takes a number this long",
    "string": "shorten the text",
}


def limit_problems(tree: Tree, file: str, max_problems: int) -> list[Diagnostic]:
    """Return a diagnostic for each token or nesting level over its limit."""
    problems: list[Diagnostic] = []
    stack: list[tuple[Tree | Token, dict[str, int]]] = [(tree, {})]
    while stack and len(problems) < max_problems:
        node, depths = stack.pop()
        if isinstance(node, Token):
            problem = _token_problem(node, file)
            if problem is not None:
                problems.append(problem)
            continue
        kind = _NESTED.get(str(node.data))
        if kind is not None:
            depths = {**depths, kind: depths.get(kind, 0) + 1}
            if depths[kind] > MAX_NESTING:
                problems.append(_nesting_problem(node, kind, file))
                continue
        stack.extend((child, depths) for child in reversed(node.children))
    return problems


def _token_problem(token: Token, file: str) -> Diagnostic | None:
    limit = _TOKEN_LIMITS.get(token.type)
    if limit is None or len(token) <= limit[1]:
        return None
    what, maximum = limit
    span = Span(
        file,
        token.line or 0,
        token.column or 0,
        token.end_line or 0,
        token.end_column or 0,
    )
    return Diagnostic(
        Severity.ERROR,
        f"{what} is {len(token)} characters long; the limit is {maximum}",
        span,
        _HINTS[what],
    )


def _nesting_problem(node: Tree, kind: str, file: str) -> Diagnostic:
    meta = node.meta
    span = Span.point(file, getattr(meta, "line", 1), getattr(meta, "column", 1))
    if kind == "blocks":
        hint = (
            "move the inner statements out; designs rarely need more than four levels"
        )
    else:
        hint = "no option takes nested lists; write one flat list: [a, b, c]"
    return Diagnostic(
        Severity.ERROR,
        f"{kind} nest deeper than {MAX_NESTING} levels",
        span,
        hint,
    )
