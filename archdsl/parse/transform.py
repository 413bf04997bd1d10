"""The lark Transformer that turns parse trees into :mod:`archdsl.parse.ast`."""

from __future__ import annotations

from lark import Token, Transformer, v_args

from archdsl.parse import ast
from archdsl.source import Span

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


class InvalidEscapeError(ValueError):
    def __init__(self, sequence: str, span: Span) -> None:
        super().__init__(f"invalid escape sequence '{sequence}' in string")
        self.span = span


def decode_string(token: Token, span: Span) -> str:
    """Decode the escapes ``\\"``, ``\\\\``, ``\\n`` and ``\\t`` in a string token."""
    body = token[1:-1]
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        escaped = body[index + 1]
        if escaped not in _ESCAPES:
            column = span.column + 1 + index
            raise InvalidEscapeError(
                "\\" + escaped,
                Span(span.file, span.line, column, span.line, column + 2),
            )
        out.append(_ESCAPES[escaped])
        index += 2
    return "".join(out)


@v_args(meta=True)
class ToAst(Transformer):
    """Build AST nodes for one file; ``file`` becomes every span's file."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def _span(self, meta) -> Span:
        return Span(
            self.file,
            meta.line or 0,
            meta.column or 0,
            meta.end_line or 0,
            meta.end_column or 0,
        )

    def _token_span(self, token: Token) -> Span:
        return Span(
            self.file,
            token.line or 0,
            token.column or 0,
            token.end_line or 0,
            token.end_column or 0,
        )

    def _name(self, token: Token) -> ast.Name:
        return ast.Name(str(token), self._token_span(token))

    # Statements ---------------------------------------------------------

    def start(self, meta, children):
        return ast.Document(self.file, tuple(children))

    def declaration(self, meta, children):
        keyword, *items = children
        return ast.Declaration(self._name(keyword), tuple(items), self._span(meta))

    def block(self, meta, children):
        keyword = self._name(children[0])
        items = tuple(c for c in children[1:] if not _is_statement(c))
        body = tuple(c for c in children[1:] if _is_statement(c))
        return ast.Block(keyword, items, body, self._span(meta))

    def flow(self, meta, children):
        steps: list[tuple[ast.Ref, ...]] = []
        arrows: list[ast.Name] = []
        items: list[ast.Item] = []
        for child in children:
            if isinstance(child, Token) and child.type == "ARROW":
                arrows.append(self._name(child))
            elif isinstance(child, tuple):
                steps.append(child)
            else:
                items.append(child)
        return ast.Flow(tuple(steps), tuple(arrows), tuple(items), self._span(meta))

    def endpoint(self, meta, children):
        return tuple(children)

    def endpoint_list(self, meta, children):
        return tuple(children)

    def ref(self, meta, children):
        return ast.Ref(tuple(self._name(t) for t in children), self._span(meta))

    # Items ----------------------------------------------------------------

    def word(self, meta, children):
        return children[0]

    def dotted(self, meta, children):
        if len(children) == 1:
            return self._name(children[0])
        return ast.Name(".".join(str(t) for t in children), self._span(meta))

    def number(self, meta, children):
        return ast.Number(str(children[0]), self._token_span(children[0]))

    def text(self, meta, children):
        span = self._token_span(children[0])
        return ast.String(decode_string(children[0], span), span)

    def option(self, meta, children):
        key, operator, value = children
        return ast.Option(key, str(operator), value, self._span(meta))

    def key(self, meta, children):
        return children[0]

    def value_name(self, meta, children):
        return ast.Name(".".join(str(t) for t in children), self._span(meta))

    def value_number(self, meta, children):
        return ast.Number(str(children[0]), self._token_span(children[0]))

    def value_string(self, meta, children):
        span = self._token_span(children[0])
        return ast.String(decode_string(children[0], span), span)

    def value_list(self, meta, children):
        items = tuple(c for c in children if c is not None)
        return ast.ListValue(items, self._span(meta))


def _is_statement(node: object) -> bool:
    return isinstance(node, ast.Declaration | ast.Block | ast.Flow)
