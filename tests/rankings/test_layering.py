"""The apps depend one way: checklists ← inspections ← rectifications, plans ← rankings (rankings may use both;
rectifications and plans do not use each other). Nothing below imports what is above it, and every module imports
cleanly whichever is imported first (no import cycle hidden by a lucky order)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("checklists", "inspections", "rectifications", "plans", "rankings")
# What each app may not import, directly or lazily inside a function.
FORBIDDEN = {
    "checklists": {"inspections", "rectifications", "plans", "rankings"},
    "inspections": {"rectifications", "plans", "rankings"},
    "rectifications": {"plans", "rankings"},
    "plans": {"rectifications", "rankings"},
    "rankings": set(),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_files() -> list[Path]:
    return sorted(p for app in APPS for p in (ROOT / app).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a file imports, relative imports resolved against its package.
    Strings (a migration's dependencies, `apps.get_model("rankings", ...)`) are not imports."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                assert node.level <= len(parts), f"{path}: relative import beyond the top-level package"
                base = ".".join(parts[:len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            found.add(module)
            # `from . import x` and `from pkg import x` may name submodules: their top level is the same.
            found.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def test_relative_imports_resolve_to_the_importing_package():
    assert {"rankings.models", "rankings.publication", "rankings.present"} <= imported_modules(
        ROOT / "rankings" / "staff" / "rankings.py")
    assert "inspections.models.places" in imported_modules(ROOT / "inspections" / "models" / "inspection.py")


def test_no_app_imports_an_app_that_depends_on_it():
    offences = []
    files = app_files()
    assert any("migrations" in p.parts for p in files)  # migrations are read too
    for path in files:
        app = path.relative_to(ROOT).parts[0]
        for module in sorted(imported_modules(path)):
            if module.split(".")[0] in FORBIDDEN[app]:
                offences.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offences == []


# After django.setup(), a forked child per module imports that module first (from the state setup leaves);
# two more import them all, in order and in reverse. Forking skips ~100 interpreter starts and setups.
IMPORT_EACH_FIRST = """
import importlib, json, os, sys, traceback
import django
django.setup()
modules = json.loads(sys.argv[1])
orders = [[m] for m in modules] + [modules, modules[::-1]]
failures = {}
for order in orders:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            for module in order:
                importlib.import_module(module)
            message = b""
        except BaseException:
            message = traceback.format_exc().encode()
        os.write(write_end, message)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    if message:
        failures[" then ".join(order[:1] + (["..."] if len(order) > 1 else []))] = message
print(json.dumps(failures))
"""


def importable_modules() -> list[str]:
    return [module_name(p) for p in app_files() if "migrations" not in p.parts]


def test_every_module_imports_first_in_a_fresh_interpreter():
    modules = importable_modules()
    assert {"rankings.staff.rankings", "rankings.management.commands.rebuild_scores"} <= set(modules)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings", "SORTPATROL_TESTING": "1",
           "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    result = subprocess.run([sys.executable, "-c", IMPORT_EACH_FIRST, json.dumps(modules)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert failures == {}, "\n\n".join(f"{name}:\n{trace}" for name, trace in failures.items())
