"""The garbage collector pause around compiling and checking."""

from __future__ import annotations

import gc

import pytest

from archdsl.compiler import compile_text
from archdsl.errors import DesignError
from archdsl.gcpause import collector_paused


@pytest.fixture
def collector_on():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_pause_disables_then_restores(collector_on):
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_pause_restores_after_error(collector_on):
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_pause_keeps_collector_off(collector_on):
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_compile_leaves_collector_on(collector_on):
    compile_text("design shop\ntier web in private asg behind alb\n")
    assert gc.isenabled()


def test_invalid_design_leaves_collector_on(collector_on):
    with pytest.raises(DesignError):
        compile_text("design shop\ntier web in privte\n")
    assert gc.isenabled()
