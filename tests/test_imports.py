"""The project's modules import in layers: no import cycle, and the site's code (plugins/,
figures/) never imports the tools around it. Read from the source (every import statement,
those inside functions too), so nothing is imported here."""

from __future__ import annotations

import ast
from pathlib import Path

from tools.scratch_site import ROOT

PACKAGES = ["plugins", "tools", "figures"]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = ROOT, packages: list[str] = PACKAGES) -> dict[str, set[str]]:
    """Each project module -> the project modules it imports (`from tools.bench import blog`
    names the module tools.bench.blog; `from tools.browser import launch`, tools.browser)."""
    paths = {module_name(p, root): p for package in packages for p in sorted((root / package).rglob("*.py"))}

    def known(name: str) -> str | None:
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {known(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{anchor}.{base}".rstrip(".")
                found |= {known(f"{base}.{a.name}") if f"{base}.{a.name}" in paths else known(base) for a in node.names}
        graph[name] = found - {None, name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while (w := stack.pop()) != v:
                component.append(w)
            if component:
                found.append(sorted([v, *component]))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def inside(package: str):
    """Is a module `package` or one of its modules?"""
    return lambda module: module == package or module.startswith(package + ".")


def imports_of(graph: dict[str, set[str]], importer, imported) -> list[str]:
    """ "a imports b" for each import of a module `imported(b)` by a module `importer(a)`."""
    return sorted(f"{m} imports {d}" for m, deps in graph.items() if importer(m) for d in deps if imported(d))


def test_the_graph_finds_cycles_and_layer_breaks(tmp_path):
    """On a made-up tree: a cycle through a lazy import, a relative import, a clean module."""
    for path, text in {
        "plugins/__init__.py": "",
        "plugins/a.py": "from plugins import b\n",
        "plugins/b.py": "def f():\n    from .c import x\n",
        "plugins/c.py": "import plugins.a\nfrom tools.browser import launch\n",
        "plugins/d.py": "import os\nfrom plugins.a import thing\n",
        "tools/__init__.py": "",
        "tools/browser.py": "",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    graph = import_graph(tmp_path, ["plugins", "tools"])
    assert graph["plugins.d"] == {"plugins.a"}
    assert cycles(graph) == [["plugins.a", "plugins.b", "plugins.c"]]
    assert imports_of(graph, inside("plugins"), inside("tools")) == ["plugins.c imports tools.browser"]


def test_tools_and_figures_are_in_no_import_cycle():
    graph = import_graph()
    outside_plugins = [c for c in cycles(graph) if not all(m.startswith("plugins.") for m in c)]
    assert outside_plugins == []


def test_plugins_are_in_no_import_cycle():
    assert cycles(import_graph()) == []


def test_only_the_bench_imports_the_bench():
    """The bench measures everything else, so nothing else may depend on it."""
    bench = inside("tools.bench")
    assert imports_of(import_graph(), lambda module: not bench(module), bench) == []


def test_plugins_and_figures_never_import_tools():
    site = lambda module: inside("plugins")(module) or inside("figures")(module)  # noqa: E731
    assert imports_of(import_graph(), site, inside("tools")) == []
