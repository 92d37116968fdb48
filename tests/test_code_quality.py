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


@pytest.mark.parametrize("layer", ["domain", "backends", "services", "simulators", "cli"])
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
                 or (m.startswith("meetdesk.") and not m.startswith("meetdesk.domain"))]
    assert offenders == []


def test_generic_simulator_host_imports_no_back_end() -> None:
    """The host may read the registry table; it never imports a client, a simulator, services, ui or cli."""
    offenders = [f"{p.relative_to(ROOT)}: {m}" for p in _layer_files("simulators") for m in _imports(p)
                 if m.startswith("meetdesk.") and m != "meetdesk.backends.registry"
                 and not m.startswith(("meetdesk.domain", "meetdesk.simulators"))]
    assert offenders == []


def _backend_packages() -> list[Path]:
    return sorted(p for p in (PACKAGE / "backends").iterdir() if (p / "client.py").exists())


def test_every_registered_back_end_is_one_folder() -> None:
    from meetdesk.backends.registry import BACKENDS

    folders = {p.name for p in _backend_packages()}
    assert {package for package, _ in BACKENDS.values()} == folders
    for folder in folders:
        assert (PACKAGE / "backends" / folder / "simulator" / "__init__.py").exists(), folder


@pytest.mark.parametrize("package", [p.name for p in _backend_packages()])
def test_simulator_never_imports_a_client(package: str) -> None:
    """A back end's simulator is an independent model of the real server: domain and the generic host at most."""
    files = sorted((PACKAGE / "backends" / package / "simulator").rglob("*.py"))
    own = f"meetdesk.backends.{package}.simulator"
    offenders = [f"{p.relative_to(ROOT)}: {m}" for p in files for m in _imports(p)
                 if m.startswith("meetdesk.") and not m.startswith((own, "meetdesk.domain", "meetdesk.simulators"))]
    assert offenders == []


#: the modules every back end shares (the contract, the HTTP client, the registry, reading rows off the loop)
SHARED_BACKEND_MODULES = ("base", "http", "registry", "rows", "offload")


def test_back_ends_do_not_reach_into_each_other() -> None:
    offenders = []
    for pkg in _backend_packages():
        for p in pkg.rglob("*.py"):
            for m in _imports(p):
                parts = m.split(".")
                if m.startswith("meetdesk.backends.") and parts[2] not in (pkg.name, *SHARED_BACKEND_MODULES):
                    offenders.append(f"{p.relative_to(ROOT)}: {m}")
    assert offenders == []


def test_backends_import_nothing_above_them() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {m}" for p in _layer_files("backends") for m in _imports(p)
                 if m.startswith(("meetdesk.services", "meetdesk.ui", "meetdesk.cli"))]
    assert offenders == []


def test_services_import_no_ui_or_cli() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {m}" for p in _layer_files("services") for m in _imports(p)
                 if m.startswith(("meetdesk.ui", "meetdesk.cli"))]
    assert offenders == []


COMMAND_MODULES = ("profiles", "presets", "rooms", "meetings", "links", "recordings", "live")


def test_cli_command_modules_do_not_import_each_other() -> None:
    offenders = [f"cli/{name}.py: {m}" for name in COMMAND_MODULES
                 for m in _imports(PACKAGE / "cli" / f"{name}.py")
                 if m.startswith("meetdesk.cli.") and m.rsplit(".", 1)[1] in COMMAND_MODULES]
    assert offenders == []


def test_modules_stay_small() -> None:
    """No module over ~500 lines: split along its seams."""
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 520}
    assert long == {}


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
