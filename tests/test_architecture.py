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


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def is_service_module(path: Path) -> bool:
    """Where state changes: the apps' services, and the outbox's and notifications' own service modules."""
    return path.name == "services.py" or path.parent.name == "services" or relative(path) in LINKE_SERVICES


LINKE_SERVICES = {"linke/events.py", "linke/notifications.py", "linke/users.py", "linke/tasks.py"}
GUARDED_ATTRIBUTES = {"status", "is_active", "role", "revoked_at"}


def assigned_attributes(node):
    """The attribute names a statement assigns (`a.x = ...`, `a.x, a.y = ...`, `a.x += ...`)."""
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    pending = list(targets)
    while pending:
        target = pending.pop()
        if isinstance(target, ast.Tuple | ast.List):
            pending.extend(target.elts)
        elif isinstance(target, ast.Attribute):
            yield target.attr


def test_only_services_change_status_activity_role_or_revocation():
    offenders = []
    for path in project_sources():
        if is_service_module(path):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                changed = set(assigned_attributes(node))
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {"update", "bulk_update"}:
                changed = {keyword.arg for keyword in node.keywords}
            else:
                continue
            offenders += [f"{relative(path)}:{node.lineno} {name}" for name in sorted(changed & GUARDED_ATTRIBUTES)]
    assert offenders == [], f"guarded attributes changed outside a service: {offenders}"


WRITE_METHODS = {
    "save",
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}


def channel_modules():
    """The views, API, admin and forms of every app (linke's own included): they call services."""
    for path in project_sources():
        parts = path.relative_to(ROOT).parts
        if path.name in {"views.py", "admin.py", "forms.py", "admin_site.py"} or "views" in parts or "api" in parts:
            yield path


def test_views_api_admin_and_forms_write_only_through_services():
    offenders = [
        f"{relative(path)}:{node.lineno} .{node.func.attr}()"
        for path in channel_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS
    ]
    assert offenders == [], f"writes outside a service: {offenders}"


def test_nothing_reads_through_the_base_manager():
    """`_base_manager` reads across tenants; the one bypass is `all_providers()`."""
    offenders = [relative(p) for p in project_sources() if "_base_manager" in p.read_text()]
    assert offenders == []


def test_scopes_are_entered_and_lifted_only_by_the_tenancy_module():
    """django-scopes is wrapped once (`tenant_scope()`, `all_providers()`): every scope goes through the
    wrapper that refuses None, and every bypass is greppable."""
    offenders = [
        relative(path)
        for path in project_sources()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom)
        and any("django_scopes" in name for name in [getattr(node, "module", "") or ""] + [a.name for a in node.names])
        and relative(path) != "linke/tenancy.py"
    ]
    assert offenders == []


def test_audit_actions_come_from_a_catalogue():
    """`audit_record(action=...)` takes a catalogue member, never a literal or a formatted string."""
    offenders = [
        f"{relative(path)}:{node.lineno}"
        for path in project_sources()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "audit_record"
        for keyword in node.keywords
        if keyword.arg == "action" and isinstance(keyword.value, ast.Constant | ast.JoinedStr)
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
