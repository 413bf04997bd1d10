"""Markdown escaping and the jinja2 environment the design documents use.

Every value a template prints goes through :func:`escape` unless it is
:class:`Safe`, so names from the design (``<script>``, ``|``, backticks)
print as text and cannot start HTML, a table cell or a code span.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

TEMPLATE_PACKAGE = "archdsl.docs"
TEMPLATE_FOLDER = "templates"

# '<' opens HTML and '&' an entity; '>' only matters at the start of a
# line, where the templates never put a value.
_HTML = {"&": "&amp;", "<": "&lt;"}
# Characters that start emphasis, links, code, headings, tables or
# HTML-like constructs in CommonMark or GitHub tables.
_PUNCTUATION = re.compile(r"([\\`*_\[\]{}|#!~])")


class Safe(str):
    """Text that is already markdown and must be printed as it is."""


def escape(value: object) -> str:
    """Return ``value`` as markdown text that renders exactly as written."""
    if isinstance(value, Safe):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else "off"
    text = str(value)
    text = "".join(_HTML.get(char, char) for char in text)
    text = _PUNCTUATION.sub(r"\\\1", text)
    return " ".join(text.split())


def code(value: object) -> Safe:
    """Return ``value`` as an inline code span, safe for any content."""
    text = " ".join(str(value).split())
    fence = "`"
    while fence in text:
        fence += "`"
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    # Inside a table, a pipe ends the cell even in a code span.
    text = text.replace("|", "\\|")
    return Safe(f"{fence}{padding}{text}{padding}{fence}")


def url(path: object) -> Safe:
    """Return a relative path as a link destination, percent-encoded."""
    return Safe(quote(str(path), safe="/.-_~"))


class FolderLoader(jinja2.FileSystemLoader):
    """Load templates from one folder and never from outside it.

    jinja2 already rejects names with ``..``. This also rejects a template
    whose real path leaves the folder through a symbolic link, before the
    file is opened, so that a template folder from someone else's checkout
    cannot pull a private file into a document.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        path = self.folder.joinpath(*pieces)
        if path.exists() and not path.resolve().is_relative_to(self.folder.resolve()):
            raise jinja2.TemplateError(
                f"template {template} in {self.folder} is a link to a file "
                "outside that folder; copy the file into the folder instead"
            )
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as error:
            raise jinja2.TemplateError(
                f"template {path} has invalid UTF-8 at byte {error.start}; "
                "save it as UTF-8"
            ) from None


def environment(templates: Path | None) -> jinja2.Environment:
    """Return the environment: the user's folder first, then the shipped templates.

    The environment is sandboxed, so a template can read the values it is
    given but cannot reach Python internals through their attributes.
    """
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        loaders.append(FolderLoader(templates))
    loaders.append(jinja2.PackageLoader(TEMPLATE_PACKAGE, TEMPLATE_FOLDER))
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        finalize=escape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["code"] = code
    env.filters["safe_md"] = Safe
    env.filters["url"] = url
    return env
