"""The Design section for a back end that declares its own design keys (``Provider.design_fields``), e.g.
BigBlueButton's ``userdata-bbb_custom_style_url`` and ``userdata-bbb_custom_style``: a form of those fields
and a summary of what the participant's browser will be given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote, urlsplit

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from meetdesk.domain.fields import FieldKind, FieldSpec
from meetdesk.ui.forms import FieldForm, WrapLabel

SUMMARY_STYLE = "color: palette(placeholder-text);"


def describe(specs: Sequence[FieldSpec], values: Mapping[str, object]) -> str:
    """One line per set field: where a style sheet comes from, how much an inline one adds to the link."""
    lines = []
    for spec in specs:
        value = str(values.get(spec.key) or "").strip()
        if not value:
            continue
        if spec.kind in (FieldKind.URL, FieldKind.HTTPS_URL):
            host = urlsplit(value).hostname or "?"
            lines.append(f"{spec.label}: the participant's browser loads it from {host}.")
        elif spec.kind is FieldKind.MULTILINE:
            encoded = len(quote(value, safe=""))
            rules = value.count("{")
            lines.append(f"{spec.label}: {rules} rule{'s' if rules != 1 else ''}, adds {encoded} characters to "
                         "the link.")
        else:
            lines.append(f"{spec.label}: {value}")
    return "\n".join(lines) or "Nothing set: the participant sees the server's own design."


class DeclaredDesign(QWidget):
    changed = Signal()

    def __init__(self, specs: Sequence[FieldSpec], intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.specs = tuple(specs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        text = QLabel(intro, self)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.form = FieldForm(self.specs, self)
        self.form.setObjectName("declaredDesignForm")
        layout.addWidget(self.form)
        self.summary = WrapLabel(self)
        self.summary.setObjectName("declaredDesignSummary")
        self.summary.setStyleSheet(SUMMARY_STYLE)
        layout.addWidget(self.summary)
        self.form.changed.connect(self._refresh)
        self._refresh()

    def _refresh(self) -> None:
        self.summary.setText(describe(self.specs, self.form.values()))
        self.changed.emit()

    def design(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.form.values().items()}

    def set_design(self, design: Mapping[str, str]) -> None:
        self.form.set_values(dict(design))

    def validated(self) -> dict[str, str] | None:
        parsed = self.form.parsed()
        if parsed is None:
            return None
        return {k: str(v) for k, v in parsed.items() if v not in (None, "")}
