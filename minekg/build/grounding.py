"""Evidence grounding: every mk:quote found exactly once in its source document (or a reference-table
row checked against its register), its offsets recorded, and its blank evidence node given a stable IRI.
What cannot be grounded is collected as quote problems, not raised."""

from __future__ import annotations

from rdflib import BNode, Graph
from rdflib.namespace import RDF
from rdflib.term import Node

from minekg.build import evidence
from minekg.build.assembled import ONTOLOGY_GRAPH, Assembled
from minekg.curation import diagnose, register_table
from minekg.rdf.namespaces import MK, shorten


def _ground_evidence(asm: Assembled) -> None:
    """Find every quote in its document, record offsets, and give evidence nodes stable IRIs."""
    for gname in sorted(asm.graphs):
        g = asm.graphs[gname]
        if gname == ONTOLOGY_GRAPH:
            continue
        for stmt, ev in sorted(set(g.subject_objects(MK.evidence)), key=lambda t: (str(t[0]), str(t[1]))):
            if (ev, None, None) not in g:
                continue  # already renamed via another statement sharing this evidence
            source = g.value(ev, MK.source)
            quote = g.value(ev, MK.quote)
            if source is None or quote is None:
                # A reference-table row has no quote: the row must exist and be the statement's state's.
                row = g.value(ev, MK.row)
                if source is not None and row is not None:
                    src = asm.sources.get(source)
                    shown = src.file if src else shorten(str(source))
                    why = register_table.row_problem(src.text if src else None, shown, row, g.value(stmt, MK.actor))
                    if why:
                        asm.quote_problems.append(evidence.QuoteProblem(shorten(str(stmt)), why))
                continue  # SHACL reports evidence missing both
            src = asm.sources.get(source)
            label = shorten(str(stmt))
            if src is None:
                asm.quote_problems.append(evidence.QuoteProblem(
                    label, f"evidence cites {shorten(str(source))}, which has no source file in graph_data/sources"))
                continue
            if not str(quote).strip():
                # an empty quote is found at every offset of the document: say so, not where
                asm.quote_problems.append(evidence.QuoteProblem(
                    label, f"empty quote (mk:quote \"{quote}\"): quote the passage of {src.file} it rests on"))
                continue
            prefix, suffix = g.value(ev, MK.quotePrefix), g.value(ev, MK.quoteSuffix)
            hits = evidence.locate(src.text, str(quote), prefix and str(prefix), suffix and str(suffix))
            if not hits:
                asm.quote_problems.append(evidence.QuoteProblem(
                    label, f"quote not found in {src.file}: \"{_clip(str(quote))}\"; "
                    f"{diagnose.describe_mismatch(src.text, str(quote))}; closest passage: "
                    f"\"{_clip(evidence.closest_passage(src.text, str(quote)))}\""))
                continue
            if len(hits) > 1:
                asm.quote_problems.append(evidence.QuoteProblem(
                    label, f"quote occurs {len(hits)} times in {src.file} (offsets "
                    f"{_offsets(hits)}): \"{_clip(str(quote))}\"; add mk:quotePrefix or mk:quoteSuffix"))
                continue
            start = hits[0]
            loc = evidence.Located(start, start + len(str(quote)))
            target = ev
            if isinstance(ev, BNode):
                slug = str(source).rsplit("/", 1)[-1]
                target = evidence.evidence_iri(slug, str(quote), prefix and str(prefix), suffix and str(suffix),
                                               evidence.describe(g, ev))
                _rename(g, ev, target)
                asm.origin.setdefault(target, asm.origin.get(stmt, ""))
            for t in evidence.offsets_triples(target, loc):
                g.add(t)
            g.add((target, RDF.type, MK.Evidence))


def _offsets(hits: list[int], n: int = 5) -> str:
    return ", ".join(map(str, hits[:n])) + (", …" if len(hits) > n else "")


def _clip(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _rename(g: Graph, old: Node, new: Node) -> None:
    for s, p, o in list(g.triples((old, None, None))):
        g.remove((s, p, o))
        g.add((new, p, o))
    for s, p, o in list(g.triples((None, None, old))):
        g.remove((s, p, o))
        g.add((s, p, new))
