"""Watch mode: re-render a design on each save, with an optional live preview.

:mod:`~archdsl.watch.watcher` turns file events into change notices,
:mod:`~archdsl.watch.session` debounces them and runs
:mod:`~archdsl.watch.pipeline` once per save, and
:mod:`~archdsl.watch.server` serves the preview page.
"""

from archdsl.watch.app import WatchOptions, run_watch

__all__ = ["WatchOptions", "run_watch"]
