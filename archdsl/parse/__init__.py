"""Parse: design text in, syntax tree out.

:func:`parse_text` runs the LALR parser and the :class:`ToAst` transformer.
Syntax errors become diagnostics with a position, a plain description and a
hint. After an error the parser blanks the offending line and carries on,
so one run reports every independent syntax error in a file.
"""

from __future__ import annotations

import logging

from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from archdsl.errors import DesignError, Diagnostic, Severity
from archdsl.parse import ast
from archdsl.parse.grammar import parser
from archdsl.parse.limits import limit_problems
from archdsl.parse.transform import InvalidEscapeError, ToAst
from archdsl.source import Source, SourceSet, Span

__all__ = ["parse_text", "parse_source", "ast"]

logger = logging.getLogger(__name__)

#: Syntax errors reported for one file before parsing gives up.
MAX_SYNTAX_ERRORS = 10

# Friendly names for the terminals lark reports as expected.
_TERMINAL_NAMES = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "ARROW": "an arrow",
    "OPERATOR": "'='",
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "DOT": "'.'",
    "COLON": "':'",
}


def parse_text(text: str, file: str) -> ast.Document:
    """Parse one file's text; raise :class:`DesignError` on syntax errors."""
    source = Source(file, text)
    sources = SourceSet()
    sources.add(source)
    return parse_source(source, sources)


def parse_source(source: Source, sources: SourceSet) -> ast.Document:
    text = source.text
    diagnostics: list[Diagnostic] = []
    while True:
        try:
            tree = parser().parse(text)
        except UnexpectedInput as error:
            diagnostic = _describe(error, source.name, text)
            diagnostics.append(diagnostic)
            remaining = _blank_line(text, error)
            if remaining is None or len(diagnostics) >= MAX_SYNTAX_ERRORS:
                raise DesignError(diagnostics, sources) from None
            text = remaining
            continue
        if diagnostics:
            raise DesignError(diagnostics, sources)
        break
    problems = limit_problems(tree, source.name, MAX_SYNTAX_ERRORS)
    if problems:
        raise DesignError(problems, sources)
    try:
        return ToAst(source.name).transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, InvalidEscapeError):
            escape = error.orig_exc
            raise DesignError(
                [
                    Diagnostic(
                        Severity.ERROR,
                        str(escape),
                        escape.span,
                        'strings accept \\", \\\\, \\n and \\t',
                    )
                ],
                sources,
            ) from None
        raise


def _blank_line(text: str, error: UnexpectedInput) -> str | None:
    """Replace the line holding ``error`` with spaces, keeping positions.

    Returns None when recovery would only produce follow-on errors: the
    error is at the end of the file, or the line opens or closes a block.
    """
    line = getattr(error, "line", -1)
    lines = text.split("\n")
    if isinstance(error, UnexpectedEOF) or not 1 <= line <= len(lines):
        return None
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        return None
    offending = lines[line - 1]
    if "{" in offending or "}" in offending:
        return None
    lines[line - 1] = " " * len(offending)
    return "\n".join(lines)


def _describe(error: UnexpectedInput, file: str, text: str) -> Diagnostic:
    if isinstance(error, UnexpectedCharacters):
        return _unexpected_character(error, file, text)
    if isinstance(error, UnexpectedToken):
        return _unexpected_token(error, file, text)
    line = text.count("\n") + 1
    column = len(text) - (text.rfind("\n") + 1) + 1
    return Diagnostic(
        Severity.ERROR,
        "unexpected end of file",
        Span.point(file, line, column),
        "finish the last statement",
    )


def _unexpected_character(
    error: UnexpectedCharacters, file: str, text: str
) -> Diagnostic:
    position = error.pos_in_stream or 0
    char = text[position] if position < len(text) else ""
    span = Span.point(file, error.line, error.column)
    if char == '"':
        rest = text[position:].split("\n", 1)[0]
        end = Span(file, error.line, error.column, error.line, error.column + len(rest))
        return Diagnostic(
            Severity.ERROR,
            "unterminated string",
            end,
            'close the string with " on the same line',
        )
    if char == "-":
        return Diagnostic(
            Severity.ERROR,
            "unexpected character '-'",
            span,
            "a hyphen may only join letters or digits inside a name; "
            "a synchronous flow is written '->'",
        )
    shown = f"'{char}'" if char.isprintable() else f"U+{ord(char):04X}"
    return Diagnostic(
        Severity.ERROR,
        f"unexpected character {shown}",
        span,
        _expected_hint(error.allowed or set()),
    )


def _unexpected_token(error: UnexpectedToken, file: str, text: str) -> Diagnostic:
    token = error.token
    expected = set(error.expected or ())
    if token.type == "$END":
        return _unexpected_end(expected, file, text)
    span = Span(file, token.line, token.column, token.end_line, token.end_column)
    if token.type == "_NL" and expected <= {"DOT", "OPERATOR"}:
        line = text.split("\n")[token.line - 1] if token.line else ""
        word = (
            line[: token.column - 1].split()[-1]
            if line[: token.column - 1].split()
            else ""
        )
        start = token.column - len(word)
        return Diagnostic(
            Severity.ERROR,
            f"unexpected dotted name '{word}'",
            Span(file, token.line, start, token.line, token.column),
            f'a dotted name is an option key (key.sub=value); quote text such as a path: "{word}"',
        )
    if token.type == "_NL":
        span = Span.point(file, token.line, token.column)
        return Diagnostic(
            Severity.ERROR,
            f"line ends early: expected {_expected_list(expected)}",
            span,
            _missing_hint(expected),
        )
    if token.type == "RBRACE":
        return Diagnostic(
            Severity.ERROR,
            "'}' without a matching '{'",
            span,
            "remove the '}' or open a block with 'keyword ... {'",
        )
    if token.type == "LBRACE" and "_NL" in expected:
        return Diagnostic(
            Severity.ERROR,
            "a block needs a keyword before '{'",
            span,
            "write a block as 'cell x3 {' or 'group name {'",
        )
    return Diagnostic(
        Severity.ERROR,
        f"unexpected {_describe_token(token)}; expected {_expected_list(expected)}",
        span,
        _missing_hint(expected),
    )


def _unexpected_end(expected: set[str], file: str, text: str) -> Diagnostic:
    opener = _unclosed_brace(text)
    if "RBRACE" in expected and opener is not None:
        line, column = opener
        return Diagnostic(
            Severity.ERROR,
            "block is never closed",
            Span.point(file, line, column),
            "add a '}' on its own line after the block's last statement",
        )
    line = text.count("\n") + 1
    column = len(text) - (text.rfind("\n") + 1) + 1
    return Diagnostic(
        Severity.ERROR,
        f"file ends early: expected {_expected_list(expected)}",
        Span.point(file, line, column),
        _missing_hint(expected),
    )


def _unclosed_brace(text: str) -> tuple[int, int] | None:
    """Return the line and column of the last '{' that has no '}'."""
    stack: list[tuple[int, int]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        in_string = False
        for column, char in enumerate(line, start=1):
            if char == '"':
                in_string = not in_string
            elif in_string:
                continue
            elif char == "#":
                break
            elif char == "{":
                stack.append((number, column))
            elif char == "}" and stack:
                stack.pop()
    return stack[-1] if stack else None


def _describe_token(token) -> str:
    text = _shorten(str(token))
    if token.type == "NAME":
        return f"name '{text}'"
    if token.type == "NUMBER":
        return f"number '{text}'"
    if token.type == "STRING":
        return f"string {text}"
    return f"'{text}'"


def _shorten(text: str, limit: int = 40) -> str:
    """Cut ``text`` for quoting in a message; the caret line shows where it is."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _expected_list(expected: set[str]) -> str:
    names = sorted({_TERMINAL_NAMES.get(t, f"'{t}'") for t in expected})
    if not names:
        return "something else"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _expected_hint(allowed: set[str]) -> str:
    if not allowed:
        return "remove the character"
    return f"expected {_expected_list(allowed)} here"


def _missing_hint(expected: set[str]) -> str:
    if expected == {"NAME"} or expected <= {"NAME", "LSQB"}:
        return "name the component this points at, e.g. 'web -> app'"
    if expected <= {"NAME", "NUMBER", "STRING", "LSQB"}:
        return "give the option a value, e.g. 'min=2'"
    return "check the statement against docs/language.md"
