"""Two evaluation-order fixes for rdflib's SPARQL engine, used by the memory backend.

rdflib evaluates the same algebra as any engine, but plans naively: (1) a join whose right side is a
basic graph pattern is evaluated eagerly when the left side holds an OPTIONAL or a subquery, so the BGP is
solved alone, often as a cross product of its unconnected parts; (2) the triple patterns of a BGP are
ordered once, before any is matched, by how many terms are bound, so `?x a mk:Statement` may scan every
statement although `?x mk:actor ?state` with ?state bound would find three.

Both fixes change the order of work only, never the answer: a BGP evaluated with the left side's bindings
substituted yields exactly the BGP's solutions compatible with them (what a join is), and the solutions of
a BGP do not depend on the order its patterns are matched in. They are installed through rdflib's own
extension point (rdflib.plugins.sparql.CUSTOM_EVALS) only while a memory-backend query runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rdflib import BNode, Variable
from rdflib.namespace import RDF
from rdflib.plugins.sparql import CUSTOM_EVALS
from rdflib.plugins.sparql.evaluate import evalLazyJoin, evalPart
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import AlreadyBound, QueryContext

_KEY = "minekg_plan"


def _evaluate(ctx: QueryContext, part: CompValue):
    if part.name == "BGP":
        return _bgp(ctx, list(part.triples))
    if part.name == "Join" and isinstance(part.p2, CompValue) and part.p2.name == "BGP":
        if _pure(part.p1) and part.p1.name != "BGP" and _anchored(ctx, part.p2):
            return _bgp_first(ctx, part)
        return evalLazyJoin(ctx, part)
    raise NotImplementedError  # everything else: rdflib's own evaluation


def _pure(part) -> bool:
    """Made of graph patterns only (BGP, UNION, join, OPTIONAL without a filter): no FILTER, BIND,
    subquery or aggregate, so solving it with some variables already bound only drops incompatible rows."""
    if not isinstance(part, CompValue):
        return False
    if part.name == "BGP":
        return True
    if part.name in ("Union", "Join"):
        return _pure(part.p1) and _pure(part.p2)
    if part.name == "LeftJoin":
        return _is_true(part.expr) and _pure(part.p1) and _pure(part.p2)
    return False


def _is_true(expr) -> bool:
    return expr is None or (isinstance(expr, CompValue) and expr.name == "TrueFilter")


def _anchored(ctx: QueryContext, bgp: CompValue) -> bool:
    return any(isinstance(t, Variable) and ctx[t] is not None for pattern in bgp.triples for t in pattern)


def _bgp_first(ctx: QueryContext, join: CompValue) -> Iterator:
    # The BGP is tied to bindings made outside (e.g. ?state in an OPTIONAL): solve it first, then the
    # unanchored UNION with its values substituted, instead of enumerating the whole UNION per outer row.
    for b in _bgp(ctx, list(join.p2.triples)):
        for a in evalPart(ctx.thaw(b), join.p1):
            yield a.merge(b)


def _cost(ctx: QueryContext, pattern: tuple) -> tuple[int, int, int]:
    """Lower is matched first: fewer free terms; then a term bound at run time (a join value, more
    selective than a constant class); rdf:type with a constant class last among equals."""
    free = bound_vars = 0
    for term in pattern:
        if isinstance(term, Variable | BNode):
            if ctx[term] is None:
                free += 1
            else:
                bound_vars += 1
    return free, -bound_vars, int(pattern[1] == RDF.type)


def _bgp(ctx: QueryContext, patterns: list) -> Iterator:
    if not patterns:
        yield ctx.solution()
        return
    best = min(range(len(patterns)), key=lambda i: (_cost(ctx, patterns[i]), i))
    s, p, o = patterns[best]
    rest = patterns[:best] + patterns[best + 1 :]
    _s, _p, _o = ctx[s], ctx[p], ctx[o]
    for ss, sp, so in ctx.graph.triples((_s, _p, _o)):
        c = ctx.push() if None in (_s, _p, _o) else ctx
        if _s is None:
            c[s] = ss
        try:
            if _p is None:
                c[p] = sp
        except AlreadyBound:
            continue
        try:
            if _o is None:
                c[o] = so
        except AlreadyBound:
            continue
        yield from _bgp(c, rest)


@contextmanager
def planned() -> Iterator[None]:
    """rdflib queries evaluated inside this block use the two fixes above."""
    CUSTOM_EVALS[_KEY] = _evaluate
    try:
        yield
    finally:
        CUSTOM_EVALS.pop(_KEY, None)
