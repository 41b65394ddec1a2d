"""Layering and tenancy rules that must hold as the code grows.

Imports are read from the syntax tree (relative ones resolved), and so are the ways around
them: ``importlib``/``__import__`` calls and string literals naming ``worker.`` modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from addon.models import GLOBAL_MODELS
from addon.models import Base
from addon.models import TenantScoped

ROOT = Path(__file__).resolve().parent.parent
HTTP_LAYERS = ("addon/api", "addon/panels", "addon/webhooks", "addon/ops.py")
THIN_LAYERS = HTTP_LAYERS + ("worker/jobs",)
# The composition root may import worker; the job runner resolves the dotted paths it names.
MAY_IMPORT_WORKER = {"addon/cli.py"}
NAMES_JOB_PATHS = {"addon/jobs.py"}
# Dev mode's demo site loads the fake Jira from the source checkout (``tests`` is not installed).
LOADS_THE_FAKE_JIRA = {"addon/demo_site.py"}
SQL_NAMES = {"select", "insert", "update", "delete", "text", "or_", "and_", "func"}
SQL_METHODS = {"execute", "scalar", "scalars", "query"}
WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time"),
              (None, "utcnow")}
# Domain modules allowed to read the wall clock, with the reason (none so far).
WALL_CLOCK_ALLOWED: dict[str, str] = {}


def _files(*places: str) -> list[Path]:
    found: list[Path] = []
    for place in places:
        path = ROOT / place
        found += [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
    return found


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _module_of(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imported(path: Path) -> list[str]:
    """Every module ``path`` imports, relative imports made absolute."""
    found: list[str] = []
    package = _module_of(path)
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append(module)
            found += [f"{module}.{a.name}" for a in node.names if _is_module(f"{module}.{a.name}")]
    return found


def _imports(*places: str) -> list[tuple[str, str]]:
    return [(_rel(path), name) for path in _files(*places) for name in _imported(path)]


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize(("package", "forbidden"), [
    ("connect", ("addon", "worker", "tests")),
    ("addon", ("worker", "tests")),  # the dev demo site loads the fake Jira by name only
    ("worker", ("tests",)),
    ("tests/fakejira", ("addon", "connect", "worker")),  # a fake Jira knows no app internals
])
def test_package_does_not_import_a_higher_layer(package, forbidden):
    wrong = [f"{path}: {name}" for path, name in _imports(package)
             if name.split(".")[0] in forbidden and path not in MAY_IMPORT_WORKER]
    assert wrong == []


def test_the_composition_root_imports_worker_statically():
    assert any(_under(name, "worker") for _, name in _imports("addon/cli.py"))


def test_domain_layer_does_not_import_flask_or_the_http_layers():
    forbidden = ("flask", "addon.api", "addon.panels", "addon.webhooks", "addon.ops",
                 "addon.caller")
    wrong = [f"{path}: {name}" for path, name in _imports("addon/domain")
             if any(_under(name, f) for f in forbidden)]
    assert wrong == []


def test_domain_reaches_jira_only_through_the_ports():
    wrong = [f"{path}: {name}" for path, name in _imports("addon/domain")
             if _under(name, "addon.jira") and name not in ("addon.jira", "addon.jira.source")]
    assert wrong == []
    # ``from ..jira import X`` is caught too: only ``source`` may be named.
    packages = [f"{path}: {name}" for path, name in _imports("addon/domain")
                if name == "addon.jira"]
    assert packages == []


def test_the_jira_adapter_does_not_import_the_domain():
    wrong = [f"{path}: {name}" for path, name in _imports("addon/jira")
             if _under(name, "addon.domain")]
    assert wrong == []


@pytest.mark.parametrize("layer", HTTP_LAYERS)
def test_http_layers_do_not_import_each_other(layer):
    others = [other.removesuffix(".py").replace("/", ".") for other in HTTP_LAYERS
              if other != layer]
    wrong = [f"{path}: {name}" for path, name in _imports(layer)
             if any(_under(name, other) for other in others)]
    assert wrong == []


def _hidden_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                found.append(f"{_rel(path)}:{node.lineno}: {name}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.value.startswith("worker."):
            found.append(f"{_rel(path)}:{node.lineno}: {node.value!r}")
    return found


def test_no_hidden_imports_or_job_paths_outside_the_job_module():
    allowed = NAMES_JOB_PATHS | LOADS_THE_FAKE_JIRA
    wrong = [hit for path in _files("addon", "connect") if _rel(path) not in allowed
             for hit in _hidden_imports(path)]
    assert wrong == []


def _sql(path: Path) -> list[str]:
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "sqlalchemy") and any(a.name in SQL_NAMES for a in node.names):
            found.append(f"{_rel(path)}:{node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in SQL_METHODS:
            found.append(f"{_rel(path)}:{node.lineno}: .{node.func.attr}()")
    return found


@pytest.mark.parametrize("layer", THIN_LAYERS)
def test_http_layers_and_jobs_hold_no_sql(layer):
    assert [hit for path in _files(layer) for hit in _sql(path)] == []


def _clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            key = (owner, func.attr)
        elif isinstance(func, ast.Name):
            key = (None, func.id)
        else:
            continue
        if key in WALL_CLOCK:
            found.append(f"{_rel(path)}:{node.lineno}: {'.'.join(filter(None, key))}()")
    return found


def test_domain_takes_now_instead_of_reading_the_wall_clock():
    wrong = [hit for path in _files("addon/domain") if _rel(path) not in WALL_CLOCK_ALLOWED
             for hit in _clock_reads(path)]
    assert wrong == []


@pytest.mark.parametrize(("source", "expected"), [
    ("import importlib\nimportlib.import_module('worker.jobs')\n", 2),
    ("JOB = 'worker.jobs.sync.drain_inbox'\n", 1),
    ("x = __import__('worker.jobs')\n", 2),
])
def test_the_hidden_import_check_sees_hidden_imports(tmp_path, source, expected):
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    assert len(_hidden_imports(path)) == expected


def test_the_sql_and_clock_checks_see_what_they_look_for(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text("from sqlalchemy import select\nfrom datetime import datetime\n"
                    "session.execute(select(X))\ndatetime.now()\nutcnow()\n", encoding="utf-8")
    assert len(_sql(path)) == 2
    assert len(_clock_reads(path)) == 2


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
