"""Control characters in free text from a design, replaced before output.

Labels, waiver reasons and filter values are strings that the design author
typed, and string escapes aside they may contain any character. XML 1.0
forbids most control characters, so an SVG or JUnit file holding one does
not parse, and a terminal acts on them instead of printing them.
"""

from __future__ import annotations

import re

#: C0 controls except tab and line feed, DEL, C1 controls, surrogates and the
#: noncharacters U+FFFE and U+FFFF.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def replace_controls(text: str) -> str:
    """Return ``text`` with each control character replaced by U+FFFD."""
    return _CONTROLS.sub("\ufffd", text)
