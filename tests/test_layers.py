"""The import layers of DESIGN §3: pure packages stay pure, arrows point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"formplatform", "form_definitions", "renderers", "kiosk", "i18n", "tools", "run", "bench", "tests"}
ALLOWED = {
    "form_definitions": {"form_definitions", "i18n.text"},
    "renderers": {"renderers", "form_definitions", "i18n.text"},
    "i18n": {"i18n"},
    "kiosk": {"kiosk", "formplatform", "renderers", "form_definitions", "i18n"},
    "formplatform": {"formplatform", "form_definitions", "renderers", "i18n", "kiosk"},
}
FORBIDDEN_THIRD_PARTY = {
    "form_definitions": {"flask", "flask_babel", "mongoengine", "pymongo", "werkzeug"},
    "renderers": {"flask", "flask_babel", "mongoengine", "pymongo", "werkzeug"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def allowed(module: str, rules: set[str]) -> bool:
    return any(module == rule or module.startswith(rule + ".") for rule in rules)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_its_layer_may(package):
    offences = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in imports_of(path):
            top = module.split(".")[0]
            if top in OURS and not allowed(module, ALLOWED[package]):
                offences.append(f"{path.relative_to(ROOT)} imports {module}")
            if top in FORBIDDEN_THIRD_PARTY.get(package, set()):
                offences.append(f"{path.relative_to(ROOT)} imports {module} (must stay framework-free)")
    assert offences == []


def test_only_the_app_factory_imports_kiosk_from_formplatform():
    importers = [
        p for p in (ROOT / "formplatform").rglob("*.py") if "kiosk" in {m.split(".")[0] for m in imports_of(p)}
    ]
    assert [p.name for p in importers] == ["__init__.py"]
