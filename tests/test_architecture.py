"""Layering and tenancy rules that must hold as the code grows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from addon.models import GLOBAL_MODELS
from addon.models import Base
from addon.models import TenantScoped

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append((path, node.module))
    return found


@pytest.mark.parametrize(("package", "forbidden"), [
    ("connect", ("addon", "worker")),
    ("addon", ("worker",)),
])
def test_package_does_not_import_a_higher_layer(package, forbidden):
    wrong = [f"{path.relative_to(ROOT)}: {name}" for path, name in _imports(package)
             if name.split(".")[0] in forbidden]
    assert wrong == []


def test_domain_layer_does_not_import_flask():
    wrong = [f"{path.relative_to(ROOT)}: {name}" for path, name in _imports("addon/domain")
             if name.split(".")[0] == "flask"]
    assert wrong == []


def test_every_model_is_tenant_scoped_or_declared_global():
    models = [mapper.class_ for mapper in Base.registry.mappers]
    unscoped = [m.__name__ for m in models
                if not issubclass(m, TenantScoped) and m not in GLOBAL_MODELS]
    assert unscoped == []
    assert len(models) > len(GLOBAL_MODELS)  # the check must see the domain models


def test_every_scoped_table_has_a_cascading_tenant_foreign_key():
    for mapper in Base.registry.mappers:
        if issubclass(mapper.class_, TenantScoped):
            column = mapper.local_table.c.tenant_id
            (fk,) = column.foreign_keys
            assert fk.target_fullname == "tenants.id" and fk.ondelete == "CASCADE"
            assert not column.nullable
