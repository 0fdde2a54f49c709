"""The project's apps form a graph without a circle.

An app depends on another when one of its modules imports the other (at the top of a module or inside a
function: both are dependencies) or when one of its models has a relation to the other's models (a foreign
key, a many-to-many: that becomes a migration dependency). Wagtail's `parent_page_types` / `subpage_types`
name page types as strings and create neither, so they are not counted.

`core` is the base (reference data, shared blocks and page bases, demo helpers); `home` sits above the content
apps (its home page shows fiches, modules, videos and testimonials); the content apps reach each other
through reverse relations (`module.fiches`, `module.videos`, `module.testimonials`).
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def project_apps():
    return {config.label: Path(config.path) for config in apps.get_app_configs() if Path(config.path).parent == ROOT}


def import_edges(labels):
    """(app, imported app, where) for every import of one project app by another, outside migrations."""
    by_module = {path.name: label for label, path in labels.items()}
    edges = []
    for label, path in labels.items():
        for source in path.rglob("*.py"):
            if "migrations" in source.relative_to(path).parts:
                continue
            for node in ast.walk(ast.parse(source.read_text(), str(source))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    other = by_module.get(name.split(".")[0])
                    if other and other != label:
                        edges.append((label, other, f"{source.relative_to(ROOT)}:{node.lineno}"))
    return edges


def relation_edges(labels):
    edges = []
    for label in labels:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if field.auto_created or not field.is_relation or field.related_model is None:
                    continue
                other = field.related_model._meta.app_label
                if other in labels and other != label:
                    edges.append((label, other, f"{model.__name__}.{field.name}"))
    return edges


def find_cycle(graph):
    """One circle of the graph as a list of nodes (first == last), or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for other in sorted(graph.get(node, ())):
            if state.get(other) == "open":
                return trail[trail.index(other) :] + [other]
            if other not in state and (cycle := visit(other, trail + [other])):
                return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node, [node])):
            return cycle
    return None


def test_find_cycle_finds_a_circle_and_accepts_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_app_graph_has_no_circle():
    labels = project_apps()
    assert {"core", "home", "fiches", "parcours", "videos"} <= set(labels)
    edges = import_edges(labels) + relation_edges(labels)
    graph = {}
    for source, target, _where in edges:
        graph.setdefault(source, set()).add(target)
    cycle = find_cycle(graph)
    if cycle:
        details = [
            f"{a} -> {b}: " + ", ".join(where for s, t, where in edges if (s, t) == (a, b))
            for a, b in zip(cycle, cycle[1:], strict=False)
        ]
        raise AssertionError("circle between apps: " + " -> ".join(cycle) + "\n" + "\n".join(details))


def test_the_content_apps_do_not_depend_on_home():
    """The page bases and blocks the content apps share live in core, not in home."""
    labels = project_apps()
    edges = import_edges(labels) + relation_edges(labels)
    assert [e for e in edges if e[0] in {"fiches", "parcours", "videos"} and e[1] == "home"] == []
    assert [e for e in edges if e[0] == "parcours" and e[1] in {"fiches", "videos"}] == []
