"""The arms treaties' status table (CCW, its Amended Protocol II and Protocol V, the CCM), imported as a source.

Like the Mine Ban Treaty register (minekg.curation.register, whose row checks it shares through a TableSchema), the
table is copied byte for byte to graph_data/sources/, described with its checksum, and turned into
statements attributed to its compilers: one evidence node per row (its line and URLs), one statement per
dated cell with the row's confidence and note. The table lists a state only for the instruments it is a
party or signatory to; its README defines a missing row as "not party or signatory as at" the table's date,
so each state the register names that has no row for an instrument gets a not-party status as of that date,
grounded in that sentence of the README (copied beside the table). The statements are built as an rdflib
graph and serialised; the output is a function of the table, its README and the register's states alone.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from minekg import atomic
from minekg.build import states
from minekg.curation import register, register_table
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import read_text
from minekg.rdf.namespaces import AG, DOC, EV, MK, PREFIXES, ST, S

BASE_COLUMNS = ("state", "iso3", "instrument", "signed", "consent_date", "action", "entry_into_force",
                "source_urls", "confidence", "note")
WITHDRAWAL_COLUMNS = ("withdrawal_notified", "withdrawal_effective")
# The table has no withdrawal columns yet; a later one may add them after entry_into_force, as the register has.
WITH_WITHDRAWALS = BASE_COLUMNS[:7] + WITHDRAWAL_COLUMNS + BASE_COLUMNS[7:]
# The table's instrument codes and their IRIs (graph_data/reference/instruments.ttl).
INSTRUMENTS = {"ccw": "ccw", "ccw_apii": "ccw-apii", "ccw_pv": "ccw-pv", "ccm": "ccm"}
# The UN's codes of the deposit. mk:Ratification includes acceptance and approval (ontology/vocabularies.ttl);
# the protocols are joined by a notification of consent to be bound, not by a deposit of ratification.
ACTIONS = {"ratification": "Ratification", "accession": "Accession", "succession": "Succession",
           "acceptance": "Ratification", "consent": "ConsentToBeBound"}
SCHEMA = register_table.TableSchema(
    headers=(BASE_COLUMNS, WITH_WITHDRAWALS),
    date_columns=("signed", "consent_date", "entry_into_force") + WITHDRAWAL_COLUMNS,
    actions=ACTIONS, deposit="consent_date", key=("iso3", "instrument"),
    choices={"instrument": tuple(INSTRUMENTS)})

SOURCE_FILE = "sources/arms_treaty_status.csv"  # relative to graph_data/, as mk:sourceFile gives it
README_FILE = "sources/arms_treaty_status.README.md"
DESCRIPTION_FILE = "sources/arms_register.ttl"
STATEMENTS_FILE = "statements/register-arms-treaty-status.ttl"
DOC_SLUG = "register-arms-treaty-status"
README_SLUG = "register-arms-treaty-status-readme"
SLUG = "register-arms"  # s:register-arms-BLR-ccw-apii-consent, ev:register-arms-row-17
# The README's definition of a missing row, quoted as the evidence of every not-party status it implies.
MISSING_ROW = re.compile(r'a missing row means "not party or signatory as at (\d{4}-\d{2}-\d{2})"')

# The cells that become treaty actions: (column, IRI suffix, action type); the deposit's come from `action`.
_ACTION_CELLS = (("signed", "signature", "Signature"), ("consent_date", None, None),
                 ("entry_into_force", "entry-into-force", "EntryIntoForce"),
                 ("withdrawal_notified", "withdrawal-notification", "WithdrawalNotification"),
                 ("withdrawal_effective", "withdrawal-effect", "WithdrawalEffect"))


@dataclass(frozen=True)
class MissingRow:
    quote: str  # the README's sentence, verbatim
    as_of: str  # the day it names


def missing_row(readme: str, shown: str) -> MissingRow:
    found = MISSING_ROW.search(readme)
    if found is None:
        raise MinekgError(f"{shown}: the README does not say what a missing row means "
                          f"(expected the sentence {MISSING_ROW.pattern!r}); nothing imported")
    return MissingRow(found.group(0), found.group(1))


# ------------------------------------------------------------------ the graph


def _graph() -> Graph:
    g = Graph()
    for name in ("mk", "xsd", "rdfs", "dcterms", "st", "ag", "instr", "doc", "s", "ev"):
        g.bind(name, PREFIXES[name], override=True, replace=True)
    return g


def _instrument(code: str) -> URIRef:
    return URIRef(PREFIXES["instr"] + INSTRUMENTS[code])


def _attributed(g: Graph, stmt: URIRef, ev: URIRef, confidence: str | None, note: str) -> None:
    g.add((stmt, MK.assertedBy, AG[register.COMPILER]))
    if confidence:
        g.add((stmt, MK.confidence, MK[register_table.CONFIDENCE[confidence]]))
    if note.strip():
        g.add((stmt, MK.note, Literal(note)))
    g.add((stmt, MK.evidence, ev))


def _add_row(g: Graph, row: register_table.Row) -> None:
    cells, code = row.cells, row.iso3
    instrument = INSTRUMENTS[cells["instrument"]]
    ev = register.row_evidence(g, EV[f"{SLUG}-row-{row.line}"], DOC[DOC_SLUG], row.line, row.urls)
    for column, slug, kind in _ACTION_CELLS:
        if not cells[column]:
            continue
        if column == "consent_date":
            slug, kind = cells["action"], ACTIONS[cells["action"]]
        stmt = S[f"{SLUG}-{code}-{instrument}-{slug}"]
        g.add((stmt, RDF.type, MK.TreatyAction))
        g.add((stmt, MK.actor, ST[code]))
        g.add((stmt, MK.instrument, _instrument(cells["instrument"])))
        g.add((stmt, MK.actionType, MK[kind]))
        g.add((stmt, MK.date, Literal(cells[column], datatype=XSD.date)))
        _attributed(g, stmt, ev, cells["confidence"], cells["note"])


def _add_missing(g: Graph, codes: list[str], rows: list[register_table.Row], missing: MissingRow) -> int:
    """A not-party status for each state and instrument the table has no row for; how many."""
    listed = {(r.iso3, r.cells["instrument"]) for r in rows}
    ev = EV[f"{SLUG}-missing-row"]
    g.add((ev, RDF.type, MK.Evidence))
    g.add((ev, MK.source, DOC[README_SLUG]))
    g.add((ev, MK.quote, Literal(missing.quote)))
    made = 0
    for code in codes:
        for table_code, instrument in INSTRUMENTS.items():
            if (code, table_code) in listed:
                continue
            stmt = S[f"{SLUG}-{code}-{instrument}-not-party"]
            g.add((stmt, RDF.type, MK.TreatyStatus))
            g.add((stmt, MK.actor, ST[code]))
            g.add((stmt, MK.instrument, _instrument(table_code)))
            g.add((stmt, MK.status, MK.StatusNotParty))
            g.add((stmt, MK.asOf, Literal(missing.as_of, datatype=XSD.date)))
            _attributed(g, stmt, ev, None, "")
            made += 1
    return made


def statements_graph(rows: list[register_table.Row], codes: list[str], missing: MissingRow) -> Graph:
    g = _graph()
    for row in rows:
        _add_row(g, row)
    _add_missing(g, codes, rows, missing)
    return g


def description_graph(data: bytes, readme: bytes, rows: list[register_table.Row], lines: int) -> Graph:
    """The table's and its README's document nodes: what they are, who compiled them, files and checksums."""
    g = _graph()
    table, notes = DOC[DOC_SLUG], DOC[README_SLUG]
    described = ((table, f"CCW, Amended Protocol II, Protocol V and CCM status ({lines} rows)", TABLE_DESCRIPTION,
                  SOURCE_FILE, "text/csv", data),
                 (notes, "CCW, Amended Protocol II, Protocol V and CCM status: the table's README", README_DESCRIPTION,
                  README_FILE, "text/markdown", readme))
    for doc, title, description, file, media, content in described:
        g.add((doc, RDF.type, MK.ReferenceTable))
        g.add((doc, DCTERMS.title, Literal(title, lang="en")))
        g.add((doc, DCTERMS.description, Literal(description, lang="en")))
        g.add((doc, DCTERMS.publisher, AG[register.COMPILER]))
        g.add((doc, DCTERMS.creator, AG[register.COMPILER]))
        g.add((doc, DCTERMS["format"], Literal(media)))
        g.add((doc, MK.unknown, DCTERMS.date))  # neither says when it was compiled
        g.add((doc, MK.sourceFile, Literal(file)))
        g.add((doc, MK.sha256, Literal(hashlib.sha256(content).hexdigest())))
    for url in sorted({u for r in rows for u in r.urls}):
        g.add((table, DCTERMS.source, Literal(url)))
    g.add((notes, RDFS.seeAlso, table))
    return g


TABLE_DESCRIPTION = ("One row per state and instrument where the state is a party or a signatory: the Convention on "
                     "Certain Conventional Weapons, its Amended Protocol II and Protocol V, and the Convention on "
                     "Cluster Munitions, with dates of signature, deposit or consent to be bound and, where a "
                     "non-UN source states it, entry into force. Backbone: the UN depositary record. Rows name "
                     "their sources, a confidence and a note on disagreements.")
README_DESCRIPTION = ("The table's own description of its columns, coverage and known disagreements; it defines a "
                      "missing row as not party or signatory as at the table's date.")


def register_states(project: Project, territories: frozenset[str]) -> list[str]:
    """The states as the project knows them: the Mine Ban Treaty register's valid rows (docs/register.md).

    Not every ISO code that is not a listed territory: a new code must still stop the build until a source
    classifies it, so a missing row here speaks only of states the register names.
    """
    path = project.graph_data / register.SOURCE_FILE
    shown = project.rel(path)
    return sorted(r.iso3 for r in register_table.parse(read_text(path, shown), shown, territories).rows)


def _turtle(g: Graph, header: str) -> str:
    return header + g.serialize(format="turtle")


# ------------------------------------------------------------------ the command


@dataclass
class TreatyImport(register.ImportResult):
    by_instrument: dict[str, dict[str, int]] | None = None  # instrument -> statement kind -> count


def import_treaty_table(file: Path, project: Project | None = None, shown: str | None = None,
                        readme: Path | None = None) -> TreatyImport:
    """Validate `file`, then copy it (and its README) and write their description and statements.

    Malformed rows are skipped and returned as problems. Without a usable row, or without a README that
    defines a missing row (given, or already beside the table), nothing is written.
    """
    project = project or Project.default()
    shown = shown or str(file)
    data = register._read(file, shown)
    readme_path = readme if readme is not None else project.graph_data / README_FILE
    readme_data = register._read(readme_path, str(readme_path))
    missing = missing_row(read_text(readme_path, str(readme_path)), str(readme_path))
    territories = frozenset(states.load_territories(project))
    parsed = register_table.parse(read_text(file, shown), shown, territories, SCHEMA)
    result = TreatyImport(shown, len(parsed.rows), 0, parsed.problems)
    if not parsed.rows:
        return result
    codes = register_states(project, territories)
    statements = statements_graph(parsed.rows, codes, missing)
    result.by_instrument = counts(statements)
    result.statements = sum(sum(kinds.values()) for kinds in result.by_instrument.values())
    description = description_graph(data, readme_data, parsed.rows, len(parsed.rows) + len(parsed.problems))
    header = (f"# Generated by `minekg import-treaty-status` from graph_data/{SOURCE_FILE} (imported from "
              f"{Path(shown).name})\n# and graph_data/{README_FILE}. Do not edit: change the table and import it "
              "again (docs/register.md).\n")
    # Everything is made before anything is written; each file is then replaced whole.
    atomic.write_bytes(project.graph_data / SOURCE_FILE, data)
    atomic.write_bytes(project.graph_data / README_FILE, readme_data)
    atomic.write_text(project.graph_data / DESCRIPTION_FILE, _turtle(description, header))
    atomic.write_text(project.graph_data / STATEMENTS_FILE, _turtle(statements, header))
    return result


def counts(g: Graph) -> dict[str, dict[str, int]]:
    """Statements per instrument and kind (action type, or status), as the import reports them."""
    out: dict[str, dict[str, int]] = {}
    for stmt, instrument in g.subject_objects(MK.instrument):
        kind = g.value(stmt, MK.actionType) or g.value(stmt, MK.status)
        name = str(instrument).rsplit("/", 1)[-1]
        label = str(kind).rsplit("#", 1)[-1]
        out.setdefault(name, {}).setdefault(label, 0)
        out[name][label] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}
