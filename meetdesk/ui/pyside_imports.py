"""PySide6 reads the source of every module imported after it; meetdesk answers its question from the name.

Importing PySide6 replaces ``builtins.__import__``. After each import statement its hook asks, once per module,
whether the module "uses PySide" — ``inspect.getsource(module)`` and a search for "PySide6" in it — so that its
opt-in ``from __feature__ import snake_case, true_property`` can switch only those modules
(``shibokensupport/feature.py``: ``feature_imported`` → ``_mod_uses_pyside``, embedded in PySide6 6.11). meetdesk
selects no feature, so every module sees PySide as it is whatever the answer; but reading the sources cost the
first paint 3–4 ms (logging, typing, argparse, pathlib … read once each after PySide was imported) and the worker
thread after it more, hundreds of modules, while it competes with the window for the interpreter. The answer is
taken from the module's name instead: PySide's own packages and meetdesk's ``ui`` (the only meetdesk modules
that may import Qt, tests/test_code_quality.py) use PySide, nothing else does.
"""

from __future__ import annotations

import sys
from types import ModuleType

#: the modules counted as using PySide (by name)
QT_MODULES = ("PySide6", "shiboken6", "qasync", "meetdesk.ui")


def uses_pyside(module: ModuleType) -> bool:
    name = getattr(module, "__name__", "")
    return isinstance(name, str) and any(name == prefix or name.startswith(prefix + ".") for prefix in QT_MODULES)


def answer_from_names() -> bool:
    """Make PySide's import hook decide by :func:`uses_pyside`; False (nothing changed) where this PySide has
    no such hook."""
    import PySide6.QtCore  # noqa: F401 -- installs the hook (and its ``feature`` module)

    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    return True
