"""Instance type names: generation and processor, read from the type string."""

from __future__ import annotations

import re

from archdsl.model import Component, Model

_TYPE = re.compile(r"^(?:db\.|cache\.)?([a-z]+?)(\d+)([a-z-]*)\.[a-z0-9]+$")

#: Last previous-generation number of each family (AWS lists t2, m4, c4, r4
#: and older as previous generation).
_PREVIOUS_UP_TO = {"t": 2, "m": 4, "c": 4, "r": 4, "i": 2, "d": 2, "x": 1}

#: Where each kind keeps its instance type.
TYPE_KEYS = {
    "ec2.launch-template": "instance_type",
    "rds.aurora-cluster": "instance_class",
    "rds.instance": "instance_class",
    "elasticache.replication-group": "node_type",
}


def sized_components(model: Model) -> list[tuple[Component, str]]:
    """Return each component that chooses an instance type, with the type.

    Read replicas repeat their primary's class, so only primaries count.
    """
    found = []
    for component in model.components.values():
        key = TYPE_KEYS.get(component.kind)
        if key is None or component.attrs.get("role") in ("replica", "standby"):
            continue
        value = component.attrs.get(key)
        if isinstance(value, str):
            found.append((component, value))
    return found


def is_previous_generation(instance_type: str) -> bool:
    match = _TYPE.match(instance_type)
    if match is None:
        return False
    family, generation = match.group(1), int(match.group(2))
    limit = _PREVIOUS_UP_TO.get(family)
    return limit is not None and generation <= limit


def is_graviton(instance_type: str) -> bool | None:
    """Return whether the type runs on Graviton, or None for an unreadable name."""
    match = _TYPE.match(instance_type)
    if match is None:
        return None
    return "g" in match.group(3)
