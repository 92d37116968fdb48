"""The house rules, checked on every run: layering, ruff, mypy."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "meetdesk"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _layer_files(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", ["domain", "providers", "services", "simulators"])
def test_no_qt_below_ui(layer: str) -> None:
    offenders = [f"{p.relative_to(ROOT)}: {m}" for p in _layer_files(layer) for m in _imports(p)
                 if m.split(".")[0] in {"PySide6", "shiboken6", "qasync"}]
    assert offenders == []


def test_no_httpx_in_ui() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {m}" for p in _layer_files("ui") for m in _imports(p)
                 if m.split(".")[0] == "httpx"]
    assert offenders == []


def test_domain_is_pure() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {m}" for p in _layer_files("domain") for m in _imports(p)
                 if m.split(".")[0] in {"httpx", "keyring", "starlette", "uvicorn"}
                 or m.startswith(("meetdesk.providers", "meetdesk.services", "meetdesk.ui"))]
    assert offenders == []


def test_simulators_import_domain_at_most() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {m}" for p in _layer_files("simulators") for m in _imports(p)
                 if m.startswith(("meetdesk.providers", "meetdesk.services", "meetdesk.ui", "meetdesk.cli"))]
    assert offenders == []


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return [found]


def test_ruff_clean() -> None:
    result = subprocess.run([*_tool("ruff"), "check", "meetdesk", "tests"], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_clean() -> None:
    result = subprocess.run([*_tool("mypy"), "meetdesk"], cwd=ROOT, capture_output=True, text=True, check=False,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
