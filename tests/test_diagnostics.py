"""How errors quote the source: line breaks, byte order marks, long lines, control characters."""

from __future__ import annotations

import pytest

from archdsl.compiler import compile_file, compile_text
from archdsl.errors import MAX_EXCERPT, DesignError


def error_of_text(text: str) -> DesignError:
    with pytest.raises(DesignError) as caught:
        compile_text(text, "t.arch")
    return caught.value


def error_of_file(path) -> DesignError:
    with pytest.raises(DesignError) as caught:
        compile_file(path)
    return caught.value


def quoted_line(error: DesignError) -> str:
    """Return the source line as the first message quotes it, after the gutter."""
    return error.format().splitlines()[1].split(" | ", 1)[1]


def caret_line(error: DesignError) -> str:
    return error.format().splitlines()[2].split("| ", 1)[1]


def test_bom_keeps_first_line_columns(tmp_path):
    path = tmp_path / "bom.arch"
    path.write_bytes(b"\xef\xbb\xbftier web mxa=2\n")
    error = error_of_file(path)
    span = error.diagnostics[0].span
    assert (span.line, span.column) == (1, 10)
    assert quoted_line(error) == "tier web mxa=2"
    assert caret_line(error) == "         ^~~"


def test_lone_carriage_return_is_not_a_line_break():
    # The parser counts lines at LF only, so the quoted line must too.
    error = error_of_text("tier web\rx\ntier app mxa=2\n")
    assert error.diagnostics[0].span.line == 1
    assert quoted_line(error) == "tier web\ufffdx"


@pytest.mark.parametrize("separator", ["\x0c", "\u2028", "\x85", "\x1e"])
def test_unicode_line_separators_stay_inline(separator):
    error = error_of_text(f'design d "a{separator}b"\ntier web mxa=2\n')
    assert error.diagnostics[0].span.line == 2
    assert quoted_line(error) == "tier web mxa=2"


def test_crlf_line_quoted_without_cr():
    error = error_of_text("design d\r\ntier web mxa=2\r\n")
    assert quoted_line(error) == "tier web mxa=2"


def test_long_line_cut_around_caret():
    text = "tier web" + " " * 20_000 + "mxa=2\n"
    error = error_of_text(text)
    quoted = quoted_line(error)
    assert quoted.startswith("...")
    assert quoted.endswith("mxa=2")
    assert len(quoted) <= MAX_EXCERPT + 6
    assert caret_line(error).endswith("^~~")
    assert caret_line(error).index("^") == quoted.index("mxa")


def test_long_line_start_cut_at_end():
    error = error_of_text("tier web mxa=2 # " + "x" * 50_000 + "\n")
    quoted = quoted_line(error)
    assert quoted.startswith("tier web mxa=2 ")
    assert quoted.endswith("...")
    assert len(error.format()) < 2_000


def test_control_characters_not_echoed():
    error = error_of_text("tier web \x1b[31m\n")
    text = error.format()
    assert "\x1b" not in text
    assert error.diagnostics[0].message == "unexpected character U+001B"
    assert quoted_line(error) == "tier web \ufffd[31m"


def test_invalid_utf8_column_counts_characters(tmp_path):
    path = tmp_path / "bad.arch"
    path.write_bytes(
        'design d "ééé" \xff\n'.encode("latin-1").replace(b"\xe9", "é".encode())
    )
    span = error_of_file(path).diagnostics[0].span
    assert (span.line, span.column) == (1, 16)


def test_invalid_utf8_after_bom(tmp_path):
    path = tmp_path / "bad.arch"
    path.write_bytes(b"\xef\xbb\xbftier \xff\n")
    span = error_of_file(path).diagnostics[0].span
    assert (span.line, span.column) == (1, 6)
