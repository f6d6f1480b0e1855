"""Business rules know nothing of the web frameworks (STYLE.md, "the one rule").

`core`, `lib` and every module of a domain except its adapters (`api.py`, `ws.py`, `ui/`) import
neither fastapi, starlette nor reflex — by their source and at runtime.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from oppo_kz.domains import DOMAINS

PACKAGE = Path(__file__).resolve().parents[1] / "oppo_kz"
FRAMEWORKS = {"fastapi", "starlette", "reflex", "reflex_base"}
ADAPTERS = {"api.py", "ws.py"}


def _pure_modules() -> list[Path]:
    files = [*sorted((PACKAGE / "core").rglob("*.py")), *sorted((PACKAGE / "lib").rglob("*.py"))]
    for domain in DOMAINS:
        for path in sorted((PACKAGE / domain).rglob("*.py")):
            parts = path.relative_to(PACKAGE / domain).parts
            if parts[0] != "ui" and path.name not in ADAPTERS:
                files.append(path)
    return files


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_every_service_and_models_module_is_checked() -> None:
    checked = {p.relative_to(PACKAGE).as_posix() for p in _pure_modules()}
    for pattern in ("*/service.py", "*/models.py"):
        found = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.glob(pattern)}
        assert found, pattern
        assert found <= checked
    assert {f"{d}/service.py" for d in ("auth", "users", "products")} <= checked


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_source_imports_no_web_framework(path: Path) -> None:
    assert _imported_roots(path) & FRAMEWORKS == set()


def test_importing_the_pure_modules_loads_no_web_framework() -> None:
    names = sorted({_module_name(p) for p in _pure_modules()})
    code = (
        "import sys, importlib\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted({{n.split('.')[0] for n in sys.modules}} & {FRAMEWORKS!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
