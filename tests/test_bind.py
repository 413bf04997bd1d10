"""The vocabulary check: unknown words get a suggestion and a position."""

from __future__ import annotations

import pytest

from archdsl.compiler import compile_text
from archdsl.errors import DesignError
from archdsl.language import Binder
from archdsl.parse import parse_text


def bind(text: str):
    binder = Binder()
    statements = binder.bind_all(parse_text(text, "t.arch").statements)
    return statements, binder.diagnostics.items


def only_error(text: str):
    _, diagnostics = bind(text)
    assert len(diagnostics) == 1, [d.message for d in diagnostics]
    return diagnostics[0]


def test_tier_settings_are_typed():
    (tier,), diagnostics = bind(
        "tier web in private asg min=2 azs=2 behind alb internal\n"
    )
    assert diagnostics == []
    assert tier.name == "web"
    assert tier.get("subnet") == "private"
    assert tier.get("compute") == "asg"
    assert tier.get("min") == 2
    assert tier.get("balancer") == "alb"
    assert tier.get("internal") is True
    assert not tier.written("max")


def test_bool_option_written_as_off():
    (db,), _ = bind("db orders aurora multi_az=off\n")
    assert db.get("multi_az") is False


def test_edge_name_is_optional():
    (edge,), _ = bind("edge cdn waf\n")
    assert edge.name == "edge"
    assert not edge.name_written
    (named,), _ = bind("edge front cdn\n")
    assert named.name == "front"


# Each case: source, message, line, column.
VOCABULARY_ERRORS = [
    ("tier web mn=2\n", "unknown option 'mn'; did you mean 'min'?", 1, 10),
    ("teir web\n", "unknown statement 'teir'; did you mean 'tier'?", 1, 1),
    (
        "tier web in privat\n",
        "invalid value for 'in': 'privat' is not one of private, "
        "public; did you mean 'private'?",
        1,
        13,
    ),
    (
        "db orders engine=postgress\n",
        "invalid value for option 'engine': 'postgress' is "
        "not one of postgres, mysql, mariadb; did you mean 'postgres'?",
        1,
        18,
    ),
    (
        "cache s redis multiaz\n",
        "unknown word 'multiaz' in 'cache'; did you mean 'multi_az'?",
        1,
        15,
    ),
    (
        "tier web min=two\n",
        "invalid value for option 'min': 'two' is not a whole number",
        1,
        14,
    ),
    ("tier web min=2 min=3\n", "'min' is set twice", 1, 16),
    ("tier web min\n", "option 'min' needs a value", 1, 10),
    ("tier web asg ec2\n", "'ec2' conflicts", 1, 14),
    ("tier\n", "'tier' needs a name", 1, 1),
    ("tier web behind\n", "'behind' needs a value", 1, 10),
    ("tier web 3\n", "unexpected number '3'", 1, 10),
    ('db x "a" "b"\n', "only one label is allowed", 1, 10),
    ("tier web { }\n", "'tier' does not take a block", 1, 1),
    (
        "design d region=us-east-9\n",
        "invalid value for option 'region': 'us-east-9' is not one of",
        1,
        17,
    ),
    ("tier web min>2\n", "'min' takes '=', not '>'", 1, 10),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), VOCABULARY_ERRORS)
def test_vocabulary_error(text, message, line, column):
    diagnostic = only_error(text)
    assert diagnostic.message.startswith(message)
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)


def test_unknown_keyword_hint_lists_statements():
    diagnostic = only_error("frobnicate x\n")
    assert diagnostic.message == "unknown statement 'frobnicate'"
    assert "tier" in diagnostic.hint
    assert "db" in diagnostic.hint


def test_compile_reports_every_vocabulary_error():
    with pytest.raises(DesignError) as caught:
        compile_text("tier web mn=2\ndb x auroa\n", "t.arch")
    assert [d.span.line for d in caught.value.diagnostics] == [1, 2]


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("sub fn suffix=[a] source=[topic]\n", 19),
        ("sub fn to orders scope!=[x]\n", 18),
        ("rule r on b to t target=[x]\n", 18),
    ],
)
def test_filter_field_cannot_take_own_key(text, column):
    # 'sub' stores its 'to' clause under 'source', so a filter field of that
    # name would be read as the subscription's source.
    diagnostic = only_error(text)
    assert diagnostic.message.endswith("for a setting of its own")
    assert diagnostic.span.column == column


def test_filter_field_named_like_clause_word_binds():
    (sub,), diagnostics = bind("sub fn to orders type=[car]\n")
    assert diagnostics == []
    assert sub.get("type") == ("car",)


@pytest.mark.parametrize(
    "text", ["flow\n", "flow web port=80\n", "group g {\n  flow\n}\n"]
)
def test_flow_keyword_is_not_a_statement(text):
    # The vocabulary registers 'flow' for arrow statements, and a declaration
    # with that keyword reached an expansion with no handler for it.
    diagnostic = only_error(text)
    assert diagnostic.message == "'flow' is not a statement"
