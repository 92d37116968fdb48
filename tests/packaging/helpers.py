"""Load the packaging scripts (plain files under packaging/, not a package) for the tests."""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"


def load_script(path: Path, name: str) -> ModuleType:
    """Import a script by path (also one without a .py suffix) as module ``name``."""
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))  # the scripts import their sibling startup.py
    loader = SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_loader(name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    loader.exec_module(module)
    return module
