"""The proxy views are given: a pass-through in front of a :class:`~meetdesk.ui.row_model.RowTableModel`, which
sorts and filters itself; it forwards ``set_search`` and ``sort`` to the model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QIdentityProxyModel, Qt

from meetdesk.ui.row_model import RowTableModel


class SearchProxy(QIdentityProxyModel):
    """A pass-through in front of a :class:`RowTableModel`, which sorts and filters itself."""

    def _source(self) -> RowTableModel[Any]:
        source = self.sourceModel()
        assert isinstance(source, RowTableModel), "SearchProxy works over a RowTableModel"
        return source

    def set_search(self, text: str) -> None:
        """Keep rows containing every whitespace-separated word of ``text``, in any column."""
        self._source().set_search(text)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source().sort(column, order)

    def search_text(self) -> str:
        return self._source().search_text()

    def source_row(self, proxy_row: int) -> int:
        return proxy_row
