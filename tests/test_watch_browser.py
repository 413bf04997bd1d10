"""The live preview in a real headless chromium, driven by playwright.

The tests use Debian's chromium (``scripts/setup.sh --test`` installs it),
because playwright's own browser download is not available everywhere these
tests run. They fail, not skip, when chromium is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from archdsl.watch.checklist import Checklist, Finding
from archdsl.watch.pipeline import Output, Pipeline, RenderResult
from archdsl.watch.server import PreviewServer, PreviewState
from archdsl.watch.session import WatchSession
from tests.watch_support import (
    BAD,
    BAD_MESSAGE,
    DEADLINE_SECONDS,
    GOOD,
    GOOD_CARTS,
    Results,
    save_in_place,
)

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
WAIT_MS = DEADLINE_SECONDS * 1000


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is missing; install Debian's chromium with scripts/setup.sh --test"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    yield opened
    context.close()


class Preview:
    """A watch session with its preview server, as ``archdsl watch --serve`` runs."""

    def __init__(self, design: Path, checklist_hook=None) -> None:
        output = Output(design.with_name("out.svg"), "svg")
        pipeline = Pipeline(
            design, (output,), preview=True, checklist_hook=checklist_hook
        )
        self.session = WatchSession(pipeline)
        self.results = Results()
        self.state = PreviewState(design.name)
        self.server = PreviewServer(self.state, "127.0.0.1", 0)
        self.session.listeners += [self.state.apply, self.results]
        self.server.start()
        self.session.start()
        self.results.wait_for(1)

    def stop(self) -> None:
        self.session.stop()
        self.server.stop()


@pytest.fixture
def preview(tmp_path, dot_available):
    design = tmp_path / "three-tier.arch"
    design.write_text(GOOD, encoding="utf-8")
    started = Preview(design)
    yield started
    started.stop()


def diagram_text(page: Page) -> str:
    return page.locator("#diagram svg").text_content() or ""


def wait_for_diagram_text(page: Page, text: str) -> None:
    page.wait_for_function(
        "text => (document.querySelector('#diagram svg')?.textContent ?? '')"
        ".includes(text)",
        arg=text,
        timeout=WAIT_MS,
    )


def open_preview(page: Page, preview: Preview) -> None:
    page.goto(preview.server.url)
    wait_for_diagram_text(page, "orders")


def test_page_shows_diagram(page, preview):
    open_preview(page, preview)
    assert "sessions" in diagram_text(page)
    assert page.locator("#banner").is_hidden()
    assert page.locator("#connection").text_content() == "live"


def test_save_updates_without_reload(page, preview):
    open_preview(page, preview)
    page.evaluate("window.loadedOnce = true")
    save_in_place(preview.session.pipeline.design, GOOD_CARTS)
    wait_for_diagram_text(page, "carts")
    assert "sessions" not in diagram_text(page)
    assert page.evaluate("window.loadedOnce === true")


def test_bad_save_shows_banner_over_diagram(page, preview):
    open_preview(page, preview)
    save_in_place(preview.session.pipeline.design, BAD)
    page.locator("#banner").wait_for(state="visible", timeout=WAIT_MS)
    banner = page.locator("#banner").bounding_box()
    diagram = page.locator("#diagram").bounding_box()
    assert BAD_MESSAGE in page.locator("#banner-text").text_content()
    assert "^~~" in page.locator("#banner-text").text_content()
    assert "sessions" in diagram_text(page)
    assert banner is not None
    assert diagram is not None
    assert diagram["y"] <= banner["y"] < diagram["y"] + diagram["height"]
    assert page.locator("#diagram").get_attribute("class") == "stale"


def test_fix_clears_banner(page, preview):
    open_preview(page, preview)
    save_in_place(preview.session.pipeline.design, BAD)
    page.locator("#banner").wait_for(state="visible", timeout=WAIT_MS)
    save_in_place(preview.session.pipeline.design, GOOD_CARTS)
    page.locator("#banner").wait_for(state="hidden", timeout=WAIT_MS)
    wait_for_diagram_text(page, "carts")
    assert page.locator("#diagram").get_attribute("class") == ""


def test_checklist_omitted_without_hook(page, preview):
    open_preview(page, preview)
    assert page.locator("#checklist").is_hidden()


def one_warning(compiled) -> Checklist:
    finding = Finding("REL-001", "warning", "one NAT gateway for two AZs", "line 3")
    return Checklist((finding,), checks_run=20)


def test_checklist_shown_with_hook(page, tmp_path, dot_available):
    design = tmp_path / "three-tier.arch"
    design.write_text(GOOD, encoding="utf-8")
    preview = Preview(design, checklist_hook=one_warning)
    try:
        open_preview(page, preview)
        summary = page.locator("#checklist-summary").text_content()
        item = page.locator("#checklist-items li").first.text_content()
    finally:
        preview.stop()
    assert summary == "1 finding: 1 warning"
    assert item == "warning REL-001: one NAT gateway for two AZs (line 3)"


def restart_server(page, preview, result: RenderResult) -> PreviewServer:
    """Restart the preview's server on its port, with ``result`` as its state.

    The page must have noticed the stop before the new server starts.
    """
    open_preview(page, preview)
    port = preview.server.port
    preview.server.stop()
    page.locator("#connection").filter(has_text="reconnecting").wait_for(
        timeout=WAIT_MS
    )
    state = PreviewState("three-tier.arch")
    state.apply(result)
    restarted = PreviewServer(state, "127.0.0.1", port)
    restarted.start()
    return restarted


def test_reconnects_after_server_restart(page, preview):
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>restarted</text></svg>'
    restarted = restart_server(page, preview, RenderResult(1, svg=svg))
    try:
        wait_for_diagram_text(page, "restarted")
        connection = page.locator("#connection").text_content()
    finally:
        restarted.stop()
    assert connection == "live"


def test_restart_without_diagram_shows_placeholder(page, preview):
    restarted = restart_server(page, preview, RenderResult(1, error=BAD_MESSAGE))
    try:
        page.locator("#placeholder").wait_for(state="visible", timeout=WAIT_MS)
        svg_count = page.locator("#diagram svg").count()
        banner = page.locator("#banner-text").text_content()
        generation = page.locator("#diagram").get_attribute("data-generation")
    finally:
        restarted.stop()
    assert svg_count == 0
    assert banner == BAD_MESSAGE
    assert generation == "0"


#: Markup that runs script if the page inserts it as HTML: an event handler
#: on an image and a script element, each setting ``window.pwned``.
HOSTILE_MARKUP = (
    '<img src=x onerror="window.pwned=1"> '
    '<script>window.pwned=2</script> & \\ " `tick` | é'
)


def quoted(text: str) -> str:
    """Return ``text`` as a design-language string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


HOSTILE_DESIGN = f"design shop {quoted(HOSTILE_MARKUP)}\nfunction api\n"
#: A design whose error message quotes the hostile string.
HOSTILE_ERROR = f"function api\n{quoted(HOSTILE_MARKUP)} -> api\n"


@pytest.fixture
def hostile_preview(tmp_path, dot_available):
    design = tmp_path / 'a<b>&"c.arch'
    design.write_text(HOSTILE_DESIGN, encoding="utf-8")
    started = Preview(design)
    yield started
    started.stop()


def test_hostile_label_shown_as_text(page, hostile_preview):
    page.goto(hostile_preview.server.url)
    wait_for_diagram_text(page, "window.pwned=1")
    assert '<img src=x onerror="window.pwned=1">' in diagram_text(page)
    assert "<script>window.pwned=2</script>" in diagram_text(page)
    assert page.locator("#diagram img").count() == 0
    assert page.locator("#diagram script").count() == 0
    assert page.evaluate("window.pwned === undefined")


def test_hostile_error_shown_as_text(page, hostile_preview):
    page.goto(hostile_preview.server.url)
    wait_for_diagram_text(page, "window.pwned=1")
    save_in_place(hostile_preview.session.pipeline.design, HOSTILE_ERROR)
    page.locator("#banner").wait_for(state="visible", timeout=WAIT_MS)
    banner = page.locator("#banner-text").text_content() or ""
    assert "unexpected string" in banner
    # The banner quotes the source line, where the quotes are still escaped.
    assert '<img src=x onerror=\\"window.pwned=1\\">' in banner
    assert page.locator("#banner img").count() == 0
    assert page.evaluate("window.pwned === undefined")


def test_hostile_file_name_in_title(page, hostile_preview):
    page.goto(hostile_preview.server.url)
    assert page.title() == 'a<b>&"c.arch - archdsl watch'
    assert page.locator("h1").text_content() == 'a<b>&"c.arch'
    assert page.locator("h1 b").count() == 0
