"""WCAG 2.x contrast of each text/background pair in the design, with a warning under 4.5:1."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from meetdesk.domain.colors import MIN_TEXT_CONTRAST
from meetdesk.domain.design import ContrastCheck, contrast_checks
from meetdesk.ui.theme import set_tone

SWATCH_STYLE = "background: {bg}; color: {fg}; border: 1px solid #8A8F98; border-radius: 3px; padding: 0 4px;"


def describe(check: ContrastCheck) -> str:
    ratio = f"{check.ratio:.1f}:1"
    if check.ok:
        return f"{ratio} — readable"
    return f"⚠ {ratio} — too low, hard to read (needs {MIN_TEXT_CONTRAST:g}:1)"


class ContrastPanel(QWidget):
    """One row per pair whose two colours are known; ``checks()`` holds what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contrastPanel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        title = QLabel("Readability (contrast of text and background)", self)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        outer.addWidget(title)
        self.summary = QLabel(self)
        self.summary.setObjectName("contrastSummary")
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        self._rows_host = QWidget(self)
        self._grid = QGridLayout(self._rows_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(1, 1)
        outer.addWidget(self._rows_host)
        self._checks: list[ContrastCheck] = []
        self._rows: list[tuple[QLabel, QLabel, QLabel]] = []
        self.set_design({})

    def checks(self) -> list[ContrastCheck]:
        return list(self._checks)

    def warnings(self) -> list[str]:
        """The texts of the rows that warn (what the user sees in orange)."""
        return [result.text() for _s, _l, result in self._rows if result.property("warning")]

    def set_design(self, design: Mapping[str, str]) -> None:
        self._checks = contrast_checks(design)
        for widgets in self._rows:
            for w in widgets:
                self._grid.removeWidget(w)
                w.deleteLater()
        self._rows = []
        for row, check in enumerate(self._checks):
            fg, bg = check.foreground, check.background
            sample = QLabel("Aa", self._rows_host)
            sample.setStyleSheet(SWATCH_STYLE.format(bg=bg, fg=fg))
            sample.setAlignment(Qt.AlignmentFlag.AlignCenter)
            sample.setFixedWidth(30)
            label = QLabel(check.label, self._rows_host)
            label.setWordWrap(True)
            result = QLabel(describe(check), self._rows_host)
            result.setObjectName(f"contrast_{check.foreground_key}_{check.background_key}")
            result.setProperty("warning", not check.ok)
            set_tone(result, None if check.ok else "warning")
            result.setWordWrap(True)
            result.setAccessibleName(f"Contrast of {check.label.lower()}")
            self._grid.addWidget(sample, row * 2, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(label, row * 2, 1)
            self._grid.addWidget(result, row * 2 + 1, 1)
            self._rows.append((sample, label, result))
        bad = sum(1 for c in self._checks if not c.ok)
        if not self._checks:
            self.summary.setText("Set a text colour and its background to check that they are readable.")
            set_tone(self.summary, None)
        elif bad:
            verb = "is" if bad == 1 else "are"
            self.summary.setText(f"⚠ {bad} of {len(self._checks)} colour pairs {verb} hard to read "
                                 f"(WCAG asks for at least {MIN_TEXT_CONTRAST:g}:1).")
            set_tone(self.summary, "warning")
        elif len(self._checks) == 1:
            self.summary.setText(f"The colour pair is readable (at least {MIN_TEXT_CONTRAST:g}:1).")
        else:
            self.summary.setText(f"All {len(self._checks)} colour pairs are readable "
                                 f"(at least {MIN_TEXT_CONTRAST:g}:1).")
            set_tone(self.summary, None)

