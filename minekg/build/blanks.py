"""Deterministic blank node labels: each blank node is named by a hash of where it hangs and what it
holds, so the same curated input always gives the same N-Quads; blank nodes in a cycle are refused with
the file and line to fix."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict

from rdflib import BNode, Graph
from rdflib.term import Node

from minekg.build.assembled import Assembled
from minekg.errors import MinekgError
from minekg.rdf.namespaces import shorten


def _blank_order(g: Graph) -> tuple[list[BNode], list[tuple[Node, Node, Node]]]:
    """The blank nodes, each after every blank node that points at it (Kahn's algorithm); if some blank
    nodes point at each other in a cycle, the order is incomplete and the triples among those left over
    (the cycles and what hangs from them) come second."""
    blanks = {n for n in g.all_nodes() if isinstance(n, BNode)}
    edges = [(s, p, o) for s, p, o in g if isinstance(s, BNode) and isinstance(o, BNode)]
    into: Counter = Counter(o for _, _, o in edges)
    out = defaultdict(list)
    for s, _, o in edges:
        out[s].append(o)
    order = [b for b in blanks if not into[b]]
    for b in order:  # grows while it is walked
        for o in out[b]:
            into[o] -= 1
            if not into[o]:
                order.append(o)
    left = blanks - set(order)
    return order, [(s, p, o) for s, p, o in edges if s in left and o in left]


def _label_blank_nodes(asm: Assembled, g: Graph) -> None:
    """Give every blank node a label derived from where it hangs and what it holds.

    Linear in the size of the graph: a blank node's content is hashed once and its parents include that
    hash, not its text; blank nodes that point at each other in a cycle are refused, as no such labelling
    can tell them apart.
    """
    order, cycle = _blank_order(g)
    if cycle:
        _refuse_cycle(asm, cycle)
    down: dict[BNode, str] = {}
    for b in reversed(order):  # children first
        parts = sorted(f"{p.n3()} {'_:' + down[o] if isinstance(o, BNode) else o.n3()}"
                       for p, o in g.predicate_objects(b))
        down[b] = hashlib.sha256(("[" + ";".join(parts) + "]").encode("utf-8")).hexdigest()
    keys: dict[BNode, str] = {}
    for b in order:  # parents first
        parents = sorted(((keys[s] if isinstance(s, BNode) else s.n3()) + p.n3() for s, p in g.subject_predicates(b)))
        keys[b] = hashlib.sha256(((parents[0] if parents else "") + down[b]).encode("utf-8")).hexdigest()[:16]
    seen: Counter = Counter()
    renames = {}
    for b in sorted(order, key=lambda b: (keys[b], str(b))):
        k = keys[b]
        seen[k] += 1
        renames[b] = BNode(f"g{k}" + (f"x{seen[k]}" if seen[k] > 1 else ""))
    for t in list(g):
        if any(isinstance(x, BNode) for x in t):
            g.remove(t)
            g.add(tuple(renames.get(x, x) for x in t))


def _refuse_cycle(asm: Assembled, cycle: list[tuple[Node, Node, Node]]) -> None:
    # Blank nodes have no names to tell which cycle is "first": the message names the first file (and the
    # predicates) of them all, so the same input always gives the same message.
    shown = min((asm.origin[s] for s, _, _ in cycle if s in asm.origin), default="graph_data")
    preds = sorted({p for s, p, _ in cycle if asm.origin.get(s, "graph_data") == shown}, key=str)
    line = _blank_line(asm, shown, preds)
    raise MinekgError(f"{shown}{f':{line}' if line else ''}: blank nodes refer to each other in a cycle "
                      f"(through {', '.join(shorten(str(p)) for p in preds)}), so they cannot be told apart "
                      "or labelled; give one of them an IRI")


def _blank_line(asm: Assembled, shown: str, preds: list[Node]) -> int | None:
    """The first line of `shown` using a labelled blank node (_:x) with one of `preds`, else any _:x."""
    try:
        lines = (asm.project.root / shown).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    labelled = [n for n, line in enumerate(lines, 1) if re.search(r"(^|[\s;,(\[])_:", line)]
    forms = [f"<{p}>" for p in preds]
    for prefix, ns in asm.namespaces.get(shown, {}).items():
        forms += [f"{prefix}:{str(p)[len(str(ns)):]}" for p in preds if str(p).startswith(str(ns))]
    with_pred = [n for n in labelled if any(f in lines[n - 1] for f in forms)]
    return (with_pred or labelled or [None])[0]
