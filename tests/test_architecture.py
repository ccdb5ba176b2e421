"""Rules of the codebase that a reviewer would otherwise have to remember."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin

ROOT = Path(__file__).resolve().parent.parent
APPS = ["linke", "reference", "providers", "merchants", "contracts", "certification", "compliance"]


def project_sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_only_services_assign_status():
    offenders = []
    for path in project_sources():
        if path.name == "services.py" or path.parent.name == "services":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], f"status is changed outside a service: {offenders}"


def test_scope_bypass_is_only_the_named_one():
    """`scopes_disabled` is wrapped once, as `all_providers()`, so every bypass is greppable."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in project_sources()
        if "scopes_disabled" in p.read_text() and p.name != "tenancy.py"
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "model", [m for m in apps.get_models() if m._meta.app_label in APPS], ids=lambda m: m._meta.label
)
def test_every_model_is_in_the_admin(model):
    assert admin.site.is_registered(model)


def test_admin_is_titled_for_operators():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(admin.site.site_header) == "林客运营后台"


# --- Layers (import-linter contracts in pyproject.toml) -------------------------------------------
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")
PACKAGES = ["linke", "reference", "providers", "merchants", "contracts", "compliance", "certification"]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layer_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_the_layer_contracts_report_a_forbidden_import(tmp_path):
    """A copy of the code with two deliberate violations: linke importing a domain app (inside a
    function, where it is easy to miss) and providers importing the merchants above it."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "linke" / "layer_probe.py").write_text("def leak():\n    from providers.models import Provider\n")
    (tmp_path / "providers" / "layer_probe.py").write_text("import merchants.models  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "Contracts: 0 kept, 2 broken." in result.stdout
    assert "linke.layer_probe -> providers.models" in result.stdout
    assert "providers.layer_probe -> merchants.models" in result.stdout
