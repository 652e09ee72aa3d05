"""The house's order, read from the source (issue 15): packages import only those below them, core
imports none of them, another package's logic is reached through its `services`, no module reaches
itself through its imports, role groups are written once, view modules run no query, and no
source file outgrows 450 lines."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("core", "registry", "jobs", "training", "matching", "monitoring", "application")
RANK = {name: rank for rank, name in enumerate(LAYERS)}
MODULES = {".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
           for layer in LAYERS for path in (ROOT / layer).glob("*.py")}


def imported(module: str) -> set[str]:
    """Every module of ours that `module` imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:  # `from jobs import services`, `import jobs.models`
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


GRAPH = {module: imported(module) for module in MODULES}


def layer(module: str) -> str:
    return module.split(".")[0]


def test_no_package_imports_one_above_it():
    upward = sorted(f"{module} imports {target}" for module, targets in GRAPH.items() for target in targets
                    if RANK[layer(target)] > RANK[layer(module)])
    assert upward == []


def test_core_imports_no_domain_package():
    assert {target for module, targets in GRAPH.items() if layer(module) == "core"
            for target in targets if layer(target) != "core"} == set()


def test_no_module_reaches_itself_through_its_imports():
    def reaches(start: str) -> bool:
        seen, todo = set(), list(GRAPH[start])
        while todo:
            module = todo.pop()
            if module == start:
                return True
            if module not in seen:
                seen.add(module)
                todo.extend(GRAPH[module])
        return False
    assert sorted(module for module in GRAPH if reaches(module)) == []


# what one package may use of another: its tables, its API shapes, its demo data, and its domain
# logic through one entry module, `services` (which names what it lends of its other modules)
SURFACE = ("models", "schemas", "demo", "services")


def test_other_packages_enter_a_package_through_its_services():
    reached = sorted(f"{module} imports {target}" for module, targets in GRAPH.items()
                     if layer(module) not in ("core", "application") for target in targets
                     if layer(target) not in ("core", layer(module)) and "." in target
                     and target.split(".", 1)[1] not in SURFACE)
    assert reached == []


def test_the_graph_is_read_at_all():
    """The checks above would pass on an empty graph: they do not."""
    assert "core.models" in GRAPH["registry.models"]
    assert "jobs.rules" in GRAPH["jobs.eligibility"]  # an import under `from jobs import rules`
    assert "jobs.services" in GRAPH["matching.kernel"]
    assert {"core.app", "registry.views", "monitoring.views"} <= GRAPH["application"]


VIEW_MODULES = sorted(module for module in MODULES if module.endswith(("views", ".api", "_api", "application.home")))
QUERY = re.compile(r"\bselect\(|\bsession\.(get|scalar|scalars|execute|query)\(|\.query\.")


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_view_modules_run_no_query(module):
    """Views parse, call a service, commit, render: the queries are the services'."""
    lines = [f"{number}: {line.strip()}" for number, line in
             enumerate(MODULES[module].read_text(encoding="utf-8").splitlines(), 1) if QUERY.search(line)]
    assert lines == []


ROLE_LIST = re.compile(r"(Role\.\w+|\*roles\.[A-Z_]+)\s*,\s*(Role\.\w+|\*roles\.[A-Z_]+)")
TEMPLATE_ROLE_LIST = re.compile(r"role(\.value)?\s+(not\s+)?in\s*[\[(]")


def test_role_groups_are_written_once():
    """Groups of roles live in core/roles.py; elsewhere a user's predicate or a group is named."""
    python = [f"{path.relative_to(ROOT)}:{n}" for path in MODULES.values() if path.name != "roles.py"
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ROLE_LIST.search(line)]
    templates = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "templates").rglob("*.html")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if TEMPLATE_ROLE_LIST.search(line)]
    assert python + templates == []


def test_no_source_file_outgrows_450_lines():
    sources = [*MODULES.values(), *(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").glob("*.py")]
    assert sorted(str(path.relative_to(ROOT)) for path in sources
                  if len(path.read_text(encoding="utf-8").splitlines()) > 450) == []
