"""Measure how long watch mode takes from a save to the new diagram.

Starts ``archdsl watch DESIGN -o out.svg --serve --port 0`` as a real
process, opens the preview in headless chromium (Debian's, through
playwright) and saves a copy of the design several times. For each save it
records:

- save to disk: from just before the write until ``out.svg`` is replaced,
  seen by polling the file's inode every millisecond;
- save to browser: from the same moment until the page has put the new SVG
  into its DOM, as a MutationObserver in the page timestamps it.

In the same run it times Graphviz alone (``dot -Tsvg`` on the design's DOT,
as a fresh process each time, as watch mode runs it) and archdsl's whole
render in process (compile, ``dot``, icon embedding) for comparison.

    .venv/bin/python benchmarks/watch_latency.py --update-docs

prints a Markdown section and, with ``--update-docs``, writes it into
docs/benchmarks.md between the watch-latency markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from archdsl.compiler import compile_file
from archdsl.render import DotPool, build_dot, render
from archdsl.render.diagram import icons_root

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
START_MARKER = "<!-- watch-latency:start -->"
END_MARKER = "<!-- watch-latency:end -->"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Upper bound on any single wait; a save that takes longer aborts the run.
TIMEOUT_SECONDS = 60.0

# Records, in epoch milliseconds, when the page sets a new diagram generation.
ARRIVAL_RECORDER = """
() => {
  window.arrivals = {};
  const diagram = document.getElementById("diagram");
  new MutationObserver(() => {
    const generation = diagram.dataset.generation;
    if (!(generation in window.arrivals)) {
      window.arrivals[generation] = performance.timeOrigin + performance.now();
    }
  }).observe(diagram, { attributes: true, attributeFilter: ["data-generation"] });
}
"""


def main() -> None:
    options = parse_arguments()
    design = options.design.resolve()
    with tempfile.TemporaryDirectory(prefix="archdsl-bench-") as folder:
        copy = Path(folder) / design.name
        shutil.copy(design, copy)
        watch = measure_watch(copy, options.saves, options.pause)
        dot = measure_dot(copy, options.saves)
        pipeline = measure_pipeline(copy, options.saves)
        pool = DotPool()
        try:
            pooled = measure_pipeline(copy, options.saves, pool)
        finally:
            pool.close()
    section = format_section(options, watch, dot, pipeline, pooled)
    print(section)
    if options.update_docs:
        update_docs(section)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--design",
        type=Path,
        default=ROOT / "examples" / "three-tier.arch",
        help="design file to copy and save (default: examples/three-tier.arch)",
    )
    parser.add_argument(
        "--saves", type=int, default=30, help="number of saves (default: 30)"
    )
    parser.add_argument(
        "--pause",
        type=float,
        default=1.0,
        help="seconds between the end of one measurement and the next save "
        "(default: 1.0)",
    )
    parser.add_argument(
        "--update-docs",
        action="store_true",
        help=f"write the results into {DOCS.relative_to(ROOT)}",
    )
    return parser.parse_args()


def archdsl_command() -> list[str]:
    script = Path(sys.executable).parent / "archdsl"
    return [str(script)] if script.exists() else [sys.executable, "-m", "archdsl"]


def measure_watch(design: Path, saves: int, pause: float) -> dict[str, list[float]]:
    """Return save-to-disk and save-to-browser times in milliseconds."""
    output = design.with_name("out.svg")
    command = [*archdsl_command(), "watch", design.name, "-o", output.name]
    command += ["--serve", "--port", "0"]
    process = subprocess.Popen(
        command,
        cwd=design.parent,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=pump, args=(process.stdout, lines), daemon=True).start()
    try:
        url = wait_for_line(lines, r"serving the preview on (\S+)").group(1)
        wait_for_line(lines, r"rendered ")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            page = browser.new_page()
            page.goto(url)
            page.wait_for_function("document.body.dataset.generation !== '0'")
            page.evaluate(ARRIVAL_RECORDER)
            times = save_repeatedly(design, output, page, saves, pause)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=TIMEOUT_SECONDS)
    return times


def save_repeatedly(
    design: Path, output: Path, page: Page, saves: int, pause: float
) -> dict[str, list[float]]:
    original = design.read_text(encoding="utf-8")
    disk: list[float] = []
    browser: list[float] = []
    for index in range(saves):
        text = original.replace("sessions", f"cache{index}")
        before = os.stat(output).st_ino
        saved_at = time.time()
        design.write_text(text, encoding="utf-8")
        disk.append((wait_for_new_inode(output, before) - saved_at) * 1000)
        arrived = wait_for_arrival(page)
        browser.append(arrived - saved_at * 1000)
        if f"cache{index}" not in output.read_text(encoding="utf-8"):
            raise RuntimeError(f"save {index} did not reach {output}")
        time.sleep(pause)
    return {"disk": disk, "browser": browser}


def wait_for_new_inode(path: Path, old: int) -> float:
    end = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < end:
        try:
            if os.stat(path).st_ino != old:
                return time.time()
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    raise TimeoutError(f"{path} was not replaced within {TIMEOUT_SECONDS} s")


def wait_for_arrival(page: Page) -> float:
    """Return the epoch milliseconds at which the page showed its newest diagram."""
    handle = page.wait_for_function(
        """() => {
          const generation = document.getElementById("diagram").dataset.generation;
          return window.arrivals[generation] ?? false;
        }""",
        timeout=TIMEOUT_SECONDS * 1000,
    )
    arrived = handle.json_value()
    page.evaluate("window.arrivals = {}")
    return float(arrived)


def measure_dot(design: Path, runs: int) -> list[float]:
    """Return the wall time of ``dot -Tsvg`` on the design's DOT, in milliseconds."""
    dot_file = design.with_suffix(".dot")
    dot_file.write_text(build_dot(compile_file(design).model), encoding="utf-8")
    command = ["dot", "-Tsvg", f"-Gimagepath={icons_root()}", str(dot_file)]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure_pipeline(
    design: Path, runs: int, pool: DotPool | None = None
) -> list[float]:
    """Return the time of archdsl's compile and SVG render in process, in milliseconds.

    With ``pool``, each render takes a ``dot`` started ahead of time, as watch
    mode does. A short pause between runs lets the pool start the next one.
    """
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render(compile_file(design).model, "svg", pool=pool)
        times.append((time.perf_counter() - started) * 1000)
        if pool is not None:
            time.sleep(0.05)
    return times


def pump(stream, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def wait_for_line(lines: queue.Queue[str], pattern: str) -> re.Match[str]:
    end = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < end:
        try:
            match = re.search(pattern, lines.get(timeout=0.5))
        except queue.Empty:
            continue
        if match:
            return match
    raise TimeoutError(f"archdsl watch printed no line matching {pattern!r}")


def format_section(options, watch, dot, pipeline, pooled) -> str:
    rows = [
        ("save to `out.svg` replaced on disk", watch["disk"]),
        ("save to new SVG in the browser's DOM", watch["browser"]),
        ("`dot -Tsvg` alone on the same DOT", dot),
        ("archdsl compile + render in process, new `dot`", pipeline),
        ("archdsl compile + render in process, pre-started `dot`", pooled),
    ]
    table = [
        "| measurement | median ms | min ms | max ms | runs |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, values in rows:
        table.append(
            f"| {label} | {statistics.median(values):.0f} | {min(values):.0f} "
            f"| {max(values):.0f} | {len(values)} |"
        )
    design = options.design.resolve()
    shown = design.relative_to(ROOT) if design.is_relative_to(ROOT) else design
    command = "python benchmarks/watch_latency.py"
    if design != (ROOT / "examples" / "three-tier.arch"):
        command += f" --design {shown}"
    if options.saves != 30:
        command += f" --saves {options.saves}"
    if options.update_docs:
        command += " --update-docs"
    return "\n".join(
        [
            START_MARKER,
            f"Measured on {time.strftime('%Y-%m-%d')} with `{command}` on {machine()}.",
            f"Design: `{shown}`, saved in place {options.saves} times, "
            f"{options.pause:g} s apart.",
            "",
            *table,
            END_MARKER,
        ]
    )


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    dot_version = subprocess.run(
        ["dot", "-V"], capture_output=True, text=True, check=False
    ).stderr.strip()
    chromium = subprocess.run(
        [CHROMIUM, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, {dot_version}, "
        f"{chromium}"
    )


def update_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(START_MARKER)
    end = text.index(END_MARKER) + len(END_MARKER)
    DOCS.write_text(text[:start] + section + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
