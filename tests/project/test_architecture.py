"""The layout's promise, checked on every run: the application packages import one way.

congress ← deputies ← suggestions ← reports ← demo: an app may import the apps before it in that
order, never one after it. Inside an app, each top-level module or package (suggestions.services,
suggestions.figures, suggestions.rules …) is one node, and the nodes form no circle — counting
imports inside functions too, since a lazy import is a dependency all the same.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["congress", "deputies", "suggestions", "reports", "demo"]


def modules():
    """{dotted module name: path} of every application module, migrations aside."""
    found = {}
    for app in ORDER:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imported_names(name, path):
    """Every module name an import statement in the file may refer to, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def node_of(module):
    return ".".join(module.split(".")[:2])


def import_graph(node=node_of):
    """{node: {node it imports: [the imports that say so]}} between application nodes."""
    known = modules()
    graph = defaultdict(lambda: defaultdict(list))
    for name, path in known.items():
        for target in imported_names(name, path):
            if target in known and node(target) != node(name):
                graph[node(name)][node(target)].append(f"{name} → {target}")
    return graph


def circles(graph):
    """Strongly connected groups of more than one node (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, {}):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def test_application_packages_import_without_circles():
    graph = import_graph()
    report = []
    for group in circles(graph):
        edges = [e for a in group for b in group for e in graph[a].get(b, [])]
        report.append(f"{group}: " + "; ".join(sorted(edges)))
    assert not report, "\n".join(report)


def test_modules_import_without_circles_inside_a_package_too():
    graph = import_graph(node=lambda module: module)
    report = []
    for group in circles(graph):
        edges = [e for a in group for b in group for e in graph[a].get(b, [])]
        report.append(f"{group}: " + "; ".join(sorted(edges)))
    assert not report, "\n".join(report)


def test_apps_import_only_the_apps_beneath_them():
    graph = import_graph()
    rank = {app: i for i, app in enumerate(ORDER)}
    against = [
        edge
        for source, targets in graph.items()
        for target, edges in targets.items()
        if rank[target.split(".")[0]] > rank[source.split(".")[0]]
        for edge in edges
    ]
    assert not against, "\n".join(sorted(against))


def test_no_application_module_is_over_800_lines():
    long = {
        name: lines
        for name, path in modules().items()
        if (lines := len(path.read_text().splitlines())) > 800
    }
    assert not long, long


def test_the_graph_sees_lazy_imports():
    """A circle hidden in a function is still found: the check is not fooled by laziness."""
    graph = {"a.x": {"a.y": ["a.x → a.y"]}, "a.y": {"a.x": ["a.y → a.x (in a function)"]}}
    assert circles(graph) == [["a.x", "a.y"]]
