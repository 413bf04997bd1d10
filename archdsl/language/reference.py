"""Generate the reference parts of docs/language.md from the vocabulary.

``python -m archdsl.language.reference docs/language.md`` rewrites the text
between each ``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED -->``
pair; tests fail when the file is out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from archdsl.language.spec import StatementSpec, specs

#: A design that uses every statement, expanded to list the defaults.
REFERENCE_DESIGNS = (
    "design ref\nedge cdn\ntier web\ntier app internal\ndb orders\ncache sessions\n"
    "web -> app -> orders\napp -> sessions\n",
    "design ref2\ntier web ec2\ndb orders rds\ncache c memcached\n"
    "web -> orders\nweb -> c\n",
    "design ref3\nclient app\nuserpool users\napi shop rest auth=cognito "
    "authorizer=users\nfunction place\nfunction audit\nqueue tasks\n"
    "place ~> tasks ~> audit\nqueue jobs\n"
    "topic events\nbus orders\nrule all on orders to audit source=shop\n"
    "schedule nightly rate=1d to audit\ntable items stream=new\n"
    "bucket assets\ncdn site origin=assets\nworkflow steps\n"
    "broker mq rabbitmq\ntier workers behind none\n"
    "app -> shop -> place ~> jobs ~> workers\nplace ~> events ~> audit\n"
    "items ~> audit\nplace -> items\napp ~> mq ~> workers\n",
    "design ref3 azs=3\ncluster k eks\nnodegroup n on k\nfargate f on k\n"
    "ecr img\nservice web on k image=img\nservice jobs on k namespace=f "
    "behind none\npipeline p push=img deploy=[web]\nsecret s\nparam c secure\n"
    "kms key\nca internal\ntrail audit\nguardduty\nsecurityhub\nmetrics\n"
    "tracing\nalarm a on web\nkubecost on k\ncosts\nbudget b\n"
    "encrypt all with kms key=key\ntls everywhere\nlogs retain=30d\n",
    "design ref4\ncluster e ecs\nservice api on e behind nlb passthrough\n"
    "service rpc on e behind nlb internal\n"
    "stream s kinesis\nstream m msk\nfirehose f\nlake l\ncatalog c\n"
    "crawler cr\netl j\nathena q\nquicksight d\nwarehouse w spectrum\n"
    "emr x\nflink live\nwebapp app\n"
    "vpc inspect {\n  firewall fw\n}\nvpc sec {\n  gwlb g\n}\n"
    "vpc spoke {\n  tier t ec2\n}\ntransit tgw attach=[spoke] inspect=fw "
    "east_west=g\nmirror m2 from=[t] to=g\n",
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def statement_section(spec: StatementSpec) -> str:
    lines = [
        f"### `{spec.keyword}`",
        "",
        spec.summary,
        "",
        "```",
        spec.example,
        "```",
        "",
    ]
    lines.extend(f"{detail}\n" for detail in spec.details)
    if spec.name == "required":
        lines.append("The name after the keyword is required.\n")
    elif spec.name == "optional":
        default = spec.default_name or spec.keyword
        lines.append(
            f"The name is optional (default `{default}`); a first word that is "
            "not in the vocabulary below is taken as the name.\n"
        )
    rows = []
    for word_set in spec.words:
        default = f"`{word_set.default}`" if word_set.default else ""
        for word, meaning in word_set.values.items():
            rows.append((f"`{word}`", f"{word_set.doc} {meaning}.", default))
    for clause in spec.clauses:
        rows.append(
            (
                f"`{clause.word} <{clause.key}>`",
                f"{clause.doc} Takes {clause.type.describe()}.",
                f"`{clause.default}`" if clause.default else "",
            )
        )
    for option in spec.options:
        written = f"`{option.key}`" if option.is_flag else f"`{option.key}=`"
        meaning = f"{option.doc} Takes {option.type.describe()}."
        rows.append((written, meaning, option.default or ""))
    if spec.label:
        rows.append(('`"text"`', "A label or description.", ""))
    if rows:
        lines.append("| written | meaning | default |")
        lines.append("|---|---|---|")
        for written, meaning, default in rows:
            lines.append(f"| {written} | {_cell(meaning)} | {_cell(default)} |")
        lines.append("")
    return "\n".join(lines)


def statements_block() -> str:
    sections: dict[str, list[str]] = {}
    for spec in specs():
        sections.setdefault(spec.section, []).append(statement_section(spec))
    parts = []
    for section, bodies in sections.items():
        parts.append(f"## {section} statements\n")
        parts.extend(bodies)
    return "\n".join(parts).rstrip() + "\n"


def defaults_block() -> str:
    from archdsl.catalog import KINDS
    from archdsl.compiler import compile_text

    seen: dict[tuple[str, str], tuple[str, str, bool]] = {}
    for text in REFERENCE_DESIGNS:
        model = compile_text(text, "reference.arch").model
        for record in model.design.defaults:
            seen.setdefault(
                ("design", record.key),
                (repr_value(record.value), record.reason, record.safety),
            )
        for component in model.components.values():
            for record in component.defaults:
                if record.overridden:
                    # The reference designs set some options; only the
                    # values archdsl chose itself belong in this table.
                    continue
                seen.setdefault(
                    (component.kind, record.key),
                    (repr_value(record.value), record.reason, record.safety),
                )
    lines = [
        "| component | setting | default | safety | why |",
        "|---|---|---|---|---|",
    ]
    titles = [KINDS[kind].title for kind in {kind for kind, _ in seen} - {"design"}]
    for (kind, key), (value, reason, safety) in seen.items():
        kind_title = "design" if kind == "design" else KINDS[kind].title
        if titles.count(kind_title) > 1:
            kind_title = f"{KINDS[kind].service} {kind_title.lower()}"
        lines.append(
            f"| {_cell(kind_title)} | `{key}` | {_cell(value)} | {'yes' if safety else ''} "
            f"| {_cell(reason)} |"
        )
    return "\n".join(lines) + "\n"


def repr_value(value: object) -> str:
    if value is True:
        return "on"
    if value is False:
        return "off"
    if value is None:
        return "none"
    if isinstance(value, tuple | list):
        return ", ".join(f"`{item}`" for item in value)
    return f"`{value}`"


BLOCKS = {"statements": statements_block, "defaults": defaults_block}

_BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z]+) -->\n)(?P<body>.*?)(<!-- END GENERATED -->)",
    re.DOTALL,
)


def regenerate(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        body = BLOCKS[match.group("name")]()
        return match.group(1) + body + match.group(4)

    return _BLOCK.sub(replace, text)


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "docs/language.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(regenerate(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
