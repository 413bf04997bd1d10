"""The grammar: accepted input, rejected input, and error positions."""

from __future__ import annotations

import pytest

from archdsl.errors import DesignError
from archdsl.parse import ast, parse_text


def parse_error(text: str) -> DesignError:
    with pytest.raises(DesignError) as caught:
        parse_text(text, "t.arch")
    return caught.value


def test_product_card_line_parses():
    document = parse_text("tier web in private asg min=2 azs=2 behind alb\n", "t.arch")
    (statement,) = document.statements
    assert isinstance(statement, ast.Declaration)
    assert statement.keyword.text == "tier"
    words = [item.text for item in statement.items if isinstance(item, ast.Name)]
    assert words == ["web", "in", "private", "asg", "behind", "alb"]
    options = {
        item.key.text: item.value.text
        for item in statement.items
        if isinstance(item, ast.Option)
    }
    assert options == {"min": "2", "azs": "2"}


def test_spans_point_at_each_item():
    document = parse_text("\n  tier web min=2\n", "t.arch")
    statement = document.statements[0]
    assert (statement.keyword.span.line, statement.keyword.span.column) == (2, 3)
    option = statement.items[1]
    assert (option.span.line, option.span.column) == (2, 12)
    assert option.value.span.column == 16
    assert statement.span.file == "t.arch"


def test_flow_chain_and_arrow_kinds():
    document = parse_text("a -> b ~> [c, d] => e ..> f\n", "t.arch")
    flow = document.statements[0]
    assert isinstance(flow, ast.Flow)
    assert [arrow.text for arrow in flow.arrows] == ["->", "~>", "=>", "..>"]
    assert [[ref.text for ref in step] for step in flow.steps] == [
        ["a"],
        ["b"],
        ["c", "d"],
        ["e"],
        ["f"],
    ]


@pytest.mark.parametrize(
    "value", ["python3.12", "nodejs20.x", "mq.m5.large", "provided.al2023", "v1.2.3"]
)
def test_dotted_value_with_numeric_parts(value):
    statement = parse_text(f"function f runtime={value}\n", "t.arch").statements[0]
    (option,) = [item for item in statement.items if isinstance(item, ast.Option)]
    assert option.value.text == value


def test_filter_operators_parse_as_options():
    text = 'sub q to t amount>=100 kind!=test region^="us-" type=[a, b]\n'
    statement = parse_text(text, "t.arch").statements[0]
    options = [
        (item.key.text, item.operator)
        for item in statement.items
        if isinstance(item, ast.Option)
    ]
    assert options == [
        ("amount", ">="),
        ("kind", "!="),
        ("region", "^="),
        ("type", "="),
    ]


def test_arrow_without_spaces_after_hyphenated_name():
    flow = parse_text("orders-api->orders-db\n", "t.arch").statements[0]
    assert [step[0].text for step in flow.steps] == ["orders-api", "orders-db"]


def test_comments_blank_lines_and_crlf():
    text = "# heading\r\n\r\ntier web # trailing\r\n   # indented comment\r\ndb x\r\n"
    document = parse_text(text, "t.arch")
    assert [s.keyword.text for s in document.statements] == ["tier", "db"]


def test_string_escapes_decoded():
    statement = parse_text('tier web "say \\"hi\\"\\n\\\\"\n', "t.arch").statements[0]
    assert statement.items[1].text == 'say "hi"\n\\'


def test_block_with_body():
    document = parse_text("cell x3 {\n  tier web\n  web -> db\n}\n", "t.arch")
    block = document.statements[0]
    assert isinstance(block, ast.Block)
    assert [item.text for item in block.items] == ["x3"]
    assert len(block.body) == 2


def test_values_lists_numbers_and_dotted_names():
    statement = parse_text(
        "design d domain=shop.example.com vpc_cidr=10.1.0.0/16 keep=30d tags=[a, b]\n",
        "t.arch",
    ).statements[0]
    values = {item.key.text: item.value for item in statement.items[1:]}
    assert values["domain"].text == "shop.example.com"
    assert values["vpc_cidr"].text == "10.1.0.0/16"
    assert values["keep"].text == "30d"
    assert [v.text for v in values["tags"].items] == ["a", "b"]


def test_bom_is_ignored():
    assert len(parse_text("\ufefftier web\n", "t.arch").statements) == 1


def test_empty_file_parses():
    assert parse_text("", "t.arch").statements == ()
    assert parse_text("# only a comment\n", "t.arch").statements == ()


# Each case: source, expected message, line, column.
SYNTAX_ERRORS = [
    (
        "tier web min=\n",
        "line ends early: expected '[', a name, a number or a string",
        1,
        14,
    ),
    ("web ->\n", "line ends early: expected '[' or a name", 1, 7),
    ("tier web\n}\n", "'}' without a matching '{'", 2, 1),
    ("cell x3 {\n  tier a\n", "block is never closed", 1, 9),
    ('tier web "abc\n', "unterminated string", 1, 10),
    ("tier web @ 3\n", "unexpected character '@'", 1, 10),
    ('web -> app "a\\q"\n', "invalid escape sequence '\\q' in string", 1, 14),
    ("tier web-\n", "unexpected character '-'", 1, 9),
    ("web -> -> app\n", "unexpected '->'; expected '[' or a name", 1, 8),
    ("{\n", "a block needs a keyword before '{'", 1, 1),
    (
        "tier web min==2\n",
        "unexpected '='; expected '[', a name, a number or a string",
        1,
        14,
    ),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), SYNTAX_ERRORS)
def test_syntax_error_message_and_position(text, message, line, column):
    error = parse_error(text)
    diagnostic = error.diagnostics[0]
    assert diagnostic.message == message
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)
    assert diagnostic.hint


def test_independent_syntax_errors_all_reported():
    error = parse_error("tier a min=\ndb ok\ntier b @\n")
    assert [d.span.line for d in error.diagnostics] == [1, 3]


def test_formatted_error_has_caret_under_column():
    error = parse_error("tier web @ 3\n")
    lines = error.format().splitlines()
    assert lines[0] == "t.arch:1:10: error: unexpected character '@'"
    assert lines[1].endswith("| tier web @ 3")
    caret_line = lines[2]
    assert caret_line.index("^") == lines[1].index("@")
