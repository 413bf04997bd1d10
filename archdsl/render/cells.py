"""The cell copies a diagram draws, and the badge that counts the rest.

A cell stamped out three times or fewer is drawn in full. Beyond that the
first :data:`SHOWN_COPIES` copies are drawn and one badge node stands for
the others; edges to their components end at the badge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archdsl.model import CellStamp, Component, Model

#: Copies drawn in full; a cell with more copies shows SHOWN_COPIES of them.
MAX_FULL_COPIES = 3
SHOWN_COPIES = 2


@dataclass(frozen=True)
class Badge:
    """A node that stands for the copies of a cell that are not drawn."""

    id: str
    region: str
    groups: tuple[str, ...]
    label: str


@dataclass
class CellView:
    #: (region, group labels down to a copy) -> (stamp, copy number from 1)
    copies: dict[tuple[str, tuple[str, ...]], tuple[CellStamp, int]] = field(
        default_factory=dict
    )

    @classmethod
    def of(cls, model: Model) -> CellView:
        view = cls()
        for stamp in model.design.cells:
            for number, copy in enumerate(stamp.copies, start=1):
                view.copies[(stamp.region, (*stamp.groups, copy))] = (stamp, number)
        return view

    def cluster_label(self, region: str, groups: tuple[str, ...]) -> str | None:
        """Return the label of a copy's box, or None for an ordinary group."""
        found = self.copies.get((region, groups))
        if found is None:
            return None
        stamp, number = found
        return f"{groups[-1]} (cell {number} of {len(stamp.copies)})"

    def badge_for(self, component: Component, default_region: str) -> Badge | None:
        """Return the badge that stands for ``component``, if it is not drawn."""
        region = component.placement.region or default_region
        groups = component.placement.groups
        for depth in range(1, len(groups) + 1):
            found = self.copies.get((region, groups[:depth]))
            if found is None:
                continue
            stamp, number = found
            if len(stamp.copies) > MAX_FULL_COPIES and number > SHOWN_COPIES:
                return _badge(stamp)
        return None


def _badge(stamp: CellStamp) -> Badge:
    hidden = stamp.copies[SHOWN_COPIES:]
    span = hidden[0] if len(hidden) == 1 else f"{hidden[0]} to {hidden[-1]}"
    key = "/".join((stamp.region, *stamp.groups, stamp.name))
    label = (
        f"+{len(hidden)} more {stamp.name} cells\n{span}, each the same as "
        f"{stamp.copies[0]}\n({len(stamp.copies)} in all)"
    )
    return Badge(f"cells.{key}", stamp.region, stamp.groups, label)
