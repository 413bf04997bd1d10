"""docs/language.md stays in step with the vocabulary and the defaults."""

from __future__ import annotations

from archdsl.language import specs
from archdsl.language.reference import regenerate
from tests.conftest import ROOT

LANGUAGE = ROOT / "docs" / "language.md"


def test_language_reference_is_current():
    text = LANGUAGE.read_text(encoding="utf-8")
    assert regenerate(text) == text, (
        "docs/language.md is stale; run python -m archdsl.language.reference "
        "docs/language.md"
    )


def test_every_statement_and_option_is_documented():
    text = LANGUAGE.read_text(encoding="utf-8")
    for spec in specs():
        assert f"### `{spec.keyword}`" in text
        assert spec.example in text
        for option in spec.options:
            assert f"`{option.key}" in text, (spec.keyword, option.key)


def test_every_example_in_language_doc_compiles():
    import re

    from archdsl.compiler import compile_text

    text = LANGUAGE.read_text(encoding="utf-8")
    first_block = re.search(r"```\n(design shop.*?)```", text, re.DOTALL)
    assert first_block
    compile_text(first_block.group(1), "doc.arch")
