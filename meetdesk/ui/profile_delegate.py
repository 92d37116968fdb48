"""The compact Profile column: when every profile's name starts with the same words ("Demo plugNmeet", "Demo
Huawei Cloud" …) the cells leave those words out, so a narrow column still tells the servers apart. Only the
painted text changes: sorting, the search and the tooltip (the full name) are the model's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem, QToolTip


def shared_words(names: Iterable[str]) -> str:
    """The leading words all of ``names`` (two or more) share, with the space after them; "" when none, or when a
    name would be left empty."""
    distinct = sorted(set(names))
    if len(distinct) < 2:
        return ""
    split = [name.split(" ") for name in distinct]
    count = 0
    while all(len(words) > count + 1 and words[count] == split[0][count] for words in split):
        count += 1
    return " ".join(split[0][:count]) + " " if count else ""


class ProfileDelegate(QStyledItemDelegate):
    """Paints a profile name without ``prefix`` (see the module); its tooltip is the full name."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.prefix = ""

    def set_names(self, names: Iterable[str]) -> bool:
        """The profile names the column shows; True when the shared words changed."""
        prefix = shared_words(names)
        changed, self.prefix = prefix != self.prefix, prefix
        return changed

    def displayText(self, value: Any, locale: Any) -> str:
        text = str(value or "")
        return text[len(self.prefix):] if self.prefix and text.startswith(self.prefix) else text

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,
                  index: QModelIndex | QPersistentModelIndex) -> bool:
        text = str(index.data() or "")
        if event.type() == QEvent.Type.ToolTip and self.prefix and text.startswith(self.prefix):
            QToolTip.showText(event.globalPos(), text, view)
            return True
        return super().helpEvent(event, view, option, index)

