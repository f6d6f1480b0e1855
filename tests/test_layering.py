"""The service layer and the core know nothing of the web frameworks (STYLE.md, "the one rule")."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "oppo_kz"
FRAMEWORKS = {"fastapi", "starlette", "reflex", "reflex_base"}
PURE_LAYERS = ["core", "models", "services"]


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("layer", PURE_LAYERS)
def test_layer_source_imports_no_web_framework(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"oppo_kz/{layer} has no modules"
    offenders = {str(f.relative_to(PACKAGE)): sorted(_imported_roots(f) & FRAMEWORKS) for f in files}
    assert {f: m for f, m in offenders.items() if m} == {}


def test_importing_services_and_core_loads_no_web_framework() -> None:
    code = (
        "import sys, pkgutil, importlib, oppo_kz.core, oppo_kz.models, oppo_kz.services\n"
        "for pkg in (oppo_kz.core, oppo_kz.models, oppo_kz.services):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        f"print(sorted({{n.split('.')[0] for n in sys.modules}} & {FRAMEWORKS!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
