"""Tab order that follows what the user sees: the order of the layouts, not the order widgets were created in.

Widgets created later (the participant form of a back end chosen later, a section filled on demand) otherwise
land at the end of Qt's focus chain, so Tab jumps from the first field to the bottom of the panel.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLayout, QScrollArea, QSplitter, QWidget


def _takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def _layout_children(layout: QLayout) -> list[QWidget]:
    out: list[QWidget] = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is None:
            continue
        widget = item.widget()
        if widget is not None:
            out.append(widget)
            continue
        inner = item.layout()
        if inner is not None:
            out.extend(_layout_children(inner))
    return out


def _children(widget: QWidget) -> list[QWidget]:
    if isinstance(widget, QScrollArea):
        inner = widget.widget()
        return [inner] if inner is not None else []
    if isinstance(widget, QSplitter):
        return [w for i in range(widget.count()) if (w := widget.widget(i)) is not None]
    layout = widget.layout()
    return _layout_children(layout) if layout is not None else []


def visual_focus_chain(root: QWidget) -> list[QWidget]:
    """Every widget under ``root`` that Tab can reach, top to bottom and left to right as laid out.

    A widget that takes focus itself (a combo box, a spin box) is one stop: its inner parts are not walked.
    """
    chain: list[QWidget] = []

    def walk(widget: QWidget) -> None:
        container = isinstance(widget, QScrollArea | QSplitter)  # walked through, never a stop of their own
        if widget is not root and not container and _takes_tab(widget) and widget.focusProxy() is None:
            chain.append(widget)
            return
        for child in _children(widget):
            walk(child)

    walk(root)
    return chain


def apply_visual_tab_order(root: QWidget) -> list[QWidget]:
    """Set Qt's tab order under ``root`` to :func:`visual_focus_chain`; returns the chain."""
    chain = visual_focus_chain(root)
    for first, second in itertools.pairwise(chain):
        QWidget.setTabOrder(first, second)
    return chain
