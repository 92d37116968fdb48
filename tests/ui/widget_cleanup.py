"""Delete test widgets in the GUI thread, deterministically.

A widget without a parent is owned by its Python wrapper. If that wrapper ends up in a reference cycle (an
exception's traceback holding a frame that refers to the widget is enough), Python's cyclic GC may free it
later from whichever thread happens to allocate — e.g. a simulator's uvicorn thread — and Qt then destroys
the widget off the GUI thread ("Timers cannot be stopped from another thread", or a crash). So each test's
widgets are deleted here in the GUI thread, and the cyclic garbage is collected here too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import TypeVar

import pytest
from PySide6.QtWidgets import QWidget
from shiboken6 import delete, isValid

W = TypeVar("W", bound=QWidget)
_kept: list[QWidget] = []


def keep(widget: W) -> W:
    """Register a top-level test widget for deletion at the end of the test."""
    _kept.append(widget)
    return widget


@pytest.fixture(autouse=True)
def delete_kept_widgets() -> Iterator[None]:
    yield
    while _kept:
        widget = _kept.pop()
        if isValid(widget):
            widget.close()
            delete(widget)
    gc.collect()
