"""The checklist summary that watch mode shows after each render.

Watch mode does not evaluate checks itself. A checklist hook takes the
compiled design and returns a :class:`Checklist`. The default hook is the
function ``watch_checklist`` in ``archdsl.check`` when that module defines
it. Without a hook, the terminal line and the preview page leave the
checklist out.
"""

from __future__ import annotations

import importlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from archdsl.compiler import Compiled

logger = logging.getLogger(__name__)

#: Module and attribute that :func:`find_checklist_hook` looks up.
CHECK_MODULE = "archdsl.check"
HOOK_NAME = "watch_checklist"

#: Severities in the order the summary lists them; others follow by name.
SEVERITY_ORDER = ("error", "warning", "note")


@dataclass(frozen=True)
class Finding:
    """One checklist finding: the rule that fired, its severity and where."""

    rule: str
    severity: str
    message: str
    location: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "location": self.location,
        }


@dataclass(frozen=True)
class Checklist:
    """The findings of one checklist run and how many checks ran."""

    findings: tuple[Finding, ...] = ()
    checks_run: int = 0

    def counts(self) -> dict[str, int]:
        """Return the number of findings per severity, most severe first."""
        counter = Counter(finding.severity for finding in self.findings)
        known = [severity for severity in SEVERITY_ORDER if severity in counter]
        others = sorted(set(counter) - set(SEVERITY_ORDER))
        return {severity: counter[severity] for severity in [*known, *others]}

    def summary(self) -> str:
        """Return the counts as text, such as ``1 error, 2 warnings``."""
        counts = self.counts()
        if not counts:
            return f"no findings in {self.checks_run} checks"
        return ", ".join(_plural(count, severity) for severity, count in counts.items())

    def to_json(self) -> dict[str, object]:
        return {
            "summary": self.summary(),
            "counts": self.counts(),
            "checks_run": self.checks_run,
            "findings": [finding.to_json() for finding in self.findings],
        }


ChecklistHook = Callable[[Compiled], Checklist]


def find_checklist_hook() -> ChecklistHook | None:
    """Return ``archdsl.check.watch_checklist``, or None when it does not exist."""
    try:
        module = importlib.import_module(CHECK_MODULE)
    except ModuleNotFoundError as error:
        if error.name != CHECK_MODULE:
            raise
        logger.debug("%s is not installed; watch mode shows no checklist", CHECK_MODULE)
        return None
    hook = getattr(module, HOOK_NAME, None)
    if not callable(hook):
        logger.info(
            "%s defines no %s(compiled) function; watch mode shows no checklist",
            CHECK_MODULE,
            HOOK_NAME,
        )
        return None
    return hook


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
