"""The layout is the architecture: which package may import which, checked on every module's imports.

interfaces (api, web, cli, app) → pillars (corpus, library, rules, services, unemployment) → platform → db.
快办 (services) and 失业登记 (unemployment) are siblings: neither imports the other; api/ and web/ never
import each other; the platform imports no pillar and no interface. The rules pillar (an OpenFisca package that also runs on
Dask workers) may use only the platform's pure modules: the clause registry and the region codes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kuaiban"
INTERFACES = {"api", "web", "cli", "app", "deps", "edge", "cross_refs", "handoffs", "claim_ratings"}
PILLARS = {"corpus", "library", "rules", "services", "unemployment", "programs"}


def imports_of(path: Path) -> set[str]:
    """The kuaiban modules a file imports, as their first component under kuaiban (services, platform …)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kuaiban"):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:  # from kuaiban import x
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("kuaiban."))
    return found


def modules_of(top: str) -> list[Path]:
    folder = PACKAGE / top
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{top}.py"]


FORBIDDEN = {
    "platform": PILLARS | INTERFACES,
    "services": {"unemployment", "programs"} | INTERFACES,
    "unemployment": {"services", "programs"} | INTERFACES,
    "library": INTERFACES | {"services", "unemployment", "rules", "programs"},
    # 补贴项目 stand on the platform and use the rules pillar only through its public entry point (below)
    "programs": INTERFACES | {"services", "unemployment", "library", "corpus"},
    # rules stands on the platform's pure modules only (PURE_PLATFORM), never on accounts or the database
    "rules": INTERFACES | {"services", "unemployment", "library", "programs"},
    "corpus": INTERFACES | {"services", "unemployment", "library", "rules", "platform", "programs"},
    "api": {"web"},
    "web": {"api"},
    "db": PILLARS | INTERFACES | {"platform"},
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_what_stands_above_or_beside_it(package: str) -> None:
    wrong = {f"{path.relative_to(PACKAGE)} → {name}"
             for path in modules_of(package) if "migrations" not in path.parts
             for name in imports_of(path) & FORBIDDEN[package]}
    assert not wrong, "\n".join(sorted(wrong))


# calendar: deadline calculators count working days (statutory_deadline, contribution_deferral)
PURE_PLATFORM = {"citations", "regions", "errors", "calendar", "dates"}


def platform_modules_imported(path: Path) -> set[str]:
    """The kuaiban.platform modules a file imports (kuaiban.platform.X → X)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[:2] == ["kuaiban", "platform"]:
                found.update([parts[2]] if len(parts) > 2 else [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[2] for a in node.names if a.name.startswith("kuaiban.platform."))
    return found


def test_rules_use_only_the_pure_modules_of_the_platform() -> None:
    wrong = {f"{path.relative_to(PACKAGE)} → platform.{name}"
             for path in modules_of("rules") for name in platform_modules_imported(path) - PURE_PLATFORM}
    assert not wrong, "\n".join(sorted(wrong))


@pytest.mark.parametrize("module", sorted(PURE_PLATFORM))
def test_the_pure_platform_modules_need_no_database(module: str) -> None:
    path = PACKAGE / "platform" / f"{module}.py"
    imported = platform_modules_imported(path) | imports_of(path)
    assert not imported & {"db", "models", "auth", "audit"}
    assert imported - {"platform", "config"} <= PURE_PLATFORM


RULES_PUBLIC = {"kuaiban.rules.calculators", "kuaiban.rules.population", "kuaiban.rules.distributed"}


def test_programs_use_the_rules_pillar_only_through_its_calculators_entry_point() -> None:
    """kuaiban.programs may import kuaiban.rules.calculators (get, CalculatorError) and the population API
    (population mode and its Dask runner, for the 稳岗返还 screening), and nothing else of rules."""
    wrong = set()
    for path in modules_of("programs"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            wrong.update(f"{path.relative_to(PACKAGE)} → {n}" for n in names
                         if n.startswith("kuaiban.rules") and n not in RULES_PUBLIC)
    assert not wrong, "\n".join(sorted(wrong))
