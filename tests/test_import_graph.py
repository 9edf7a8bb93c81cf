"""The import graph of the three packages has no cycle at all.

import-linter's contracts (``lint-imports``, run by ``tests/test_quality.py``) say which
package sits on which; this test says more simply that no module reaches itself through
imports, counting every import grimp sees (module level, inside functions, under
``TYPE_CHECKING``): a circle hidden in a function-level import fails here too.
"""

from __future__ import annotations

import grimp


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """The import cycles of ``graph``: its strongly connected components of two modules or
    more (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    nested = sorted(graph.find_modules_directly_imported_by(other))
                    work.append((other, iter(nested)))
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == module:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_import_graph_has_no_cycle() -> None:
    graph = grimp.build_graph("summarize", "evals", "newsbrief")
    cycles = strongly_connected(graph)
    report = []
    for cycle in cycles:
        chain = graph.find_shortest_chain(importer=cycle[0], imported=cycle[1]) or ()
        back = graph.find_shortest_chain(importer=cycle[1], imported=cycle[0]) or ()
        report.append(f"{' -> '.join(chain)} -> ... -> {' -> '.join(back)}")
    assert cycles == [], "import cycles:\n" + "\n".join(report)


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c", "p.d"):
        graph.add_module(module)
    for importer, imported in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.d", "p.a")):
        graph.add_import(importer=importer, imported=imported)
    assert strongly_connected(graph) == [["p.a", "p.b", "p.c"]]
