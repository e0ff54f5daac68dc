"""The Mine Ban Treaty status register: a reference table, imported as a source like a document.

import_register() validates a CSV with the column schema of docs/register.md, copies it byte for byte to
graph_data/sources/mbt_status.csv, describes it (title, publisher, checksum, the sources its rows list)
in graph_data/sources/register.ttl, and generates graph_data/statements/register-mbt-status.ttl: one
evidence node per row (citing the row's line and URLs) and one statement per dated cell, each carrying
the row's confidence and note. A malformed row is reported with its line number and skipped; the others
are imported. The output is a function of the table alone (sorted, stable IRIs), so re-importing the
same table changes nothing.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
from rdflib.term import Node

from minekg import atomic
from minekg.build import states
from minekg.curation import canonical
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf import isodates
from minekg.rdf.loading import read_text
from minekg.rdf.namespaces import AG, DOC, EV, MK, PREFIXES, ST, S, shorten

INSTR = Namespace(PREFIXES["instr"])

COLUMNS = ("state", "iso3", "signed", "ratified_or_acceded", "action", "entry_into_force",
           "withdrawal_notified", "withdrawal_effective", "source_urls", "confidence", "note")
DATE_COLUMNS = ("signed", "ratified_or_acceded", "entry_into_force", "withdrawal_notified",
                "withdrawal_effective")
ACTIONS = {"ratification": "Ratification", "accession": "Accession", "succession": "Succession"}
CONFIDENCE = {"high": "HighConfidence", "low": "LowConfidence"}
URL_SEPARATOR = " | "

SOURCE_FILE = "sources/mbt_status.csv"  # relative to graph_data/, as mk:sourceFile gives it
README_FILE = "sources/mbt_status.README.md"  # the table's own README, kept beside it for people
DESCRIPTION_FILE = "sources/register.ttl"
STATEMENTS_FILE = "statements/register-mbt-status.ttl"
DOC_SLUG = "register-mbt-status"
SLUG = "register-mbt"  # s:register-mbt-BLR-accession, ev:register-mbt-row-17
# The table's compilers are the project's contributors: its rows are their reading of the sources, so the
# statements are theirs, not the UN's or the ICBL's.
COMPILER = "minekg-contributors"

# The cells that become treaty actions, in the order a state's statements are written.
_ACTION_CELLS = (("signed", "signature", "Signature"), ("ratified_or_acceded", None, None),
                 ("entry_into_force", "entry-into-force", "EntryIntoForce"),
                 ("withdrawal_notified", "withdrawal-notification", "WithdrawalNotification"),
                 ("withdrawal_effective", "withdrawal-effect", "WithdrawalEffect"))
_CODE = re.compile(r"^[A-Z]{3}$")
# A row's sources: http(s) URLs, or github:OWNER/REPO@COMMIT:PATH references with an optional "(what it is)".
# Nothing else (javascript:, data:, =HYPERLINK(...)) reaches mk:sourceUrl and the export's source_url column.
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#]\S*)?")
_GITHUB = re.compile(r"github:[\w.-]+/[\w.-]+@[0-9a-f]{7,40}:\S+(?: \([^()]*\))?")


@dataclass(frozen=True)
class Row:
    line: int
    state: str
    iso3: str
    cells: dict[str, str]
    urls: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """What a status table's rows must hold: the register's and the arms treaties' table share the checks.

    `headers` lists the headers accepted (a table may add optional columns); a row is one per `key`;
    `deposit` is the column dated exactly when `action` is given; `choices` restricts a column's values.
    """

    headers: tuple[tuple[str, ...], ...]
    date_columns: tuple[str, ...]
    actions: dict[str, str]
    deposit: str
    key: tuple[str, ...] = ("iso3",)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    doc: str = "docs/register.md"


# The Mine Ban Treaty register's table (docs/register.md).
MBT_SCHEMA = TableSchema(headers=(COLUMNS,), date_columns=DATE_COLUMNS, actions=ACTIONS,
                         deposit="ratified_or_acceded")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ImportResult:
    shown: str  # the input file as given
    rows: int
    statements: int
    problems: list[Problem]

    def problem_lines(self) -> list[str]:
        return [f"{self.shown}:{p.line}: {p.message}" for p in self.problems]


# ------------------------------------------------------------------ reading and checking


def _records(text: str):
    """(first line, cells) of each CSV record; a record's line is where it starts (the header is line 1)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _check_date(column: str, value: str) -> str | None:
    problem = isodates.full_date_problem(value)
    return None if problem is None else f"{column}: {value!r} {problem}"


def parse(text: str, shown: str, territories: frozenset[str] = frozenset(),
          schema: TableSchema = MBT_SCHEMA) -> Parsed:
    """The table's valid rows and, for each malformed row, its line and what is wrong with it.

    A bad header makes the whole table unusable (MinekgError); a bad row is only skipped. Optional columns
    a table leaves out read as empty cells.
    """
    if text.startswith("\ufeff"):
        # Excel's "CSV UTF-8" adds one; refused rather than stripped, so the copy kept is the file given
        raise MinekgError(f"{shown}:1: the file starts with a UTF-8 BOM (byte order mark); "
                          "save it as UTF-8 without BOM")
    records = _records(text)
    first = next(records, None)
    header = tuple(c.strip() for c in first[1]) if first is not None else None
    if header not in schema.headers:
        raise MinekgError(f"{shown}:1: the header must be the columns "
                          + " or ".join(",".join(h) for h in schema.headers) + f" (see {schema.doc})")
    every = dict.fromkeys(c for h in schema.headers for c in h)
    parsed = Parsed()
    seen: dict[tuple[str, ...], int] = {}
    for line, cells in records:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line is not a row
        why = _row_problems(cells, header, seen, territories, schema)
        if why:
            parsed.problems.append(Problem(line, "; ".join(why)))
            continue
        values = {c: "" for c in every} | dict(zip(header, cells, strict=True))
        seen[tuple(values[k] for k in schema.key)] = line
        urls = tuple(u.strip() for u in values["source_urls"].split(URL_SEPARATOR) if u.strip())
        parsed.rows.append(Row(line, values["state"], values["iso3"], values, urls))
    return parsed


def _either(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _row_problems(cells: list[str], header: tuple[str, ...], seen: dict[tuple[str, ...], int],
                  territories: frozenset[str], schema: TableSchema) -> list[str]:
    if len(cells) != len(header):
        return [f"expected {len(header)} cells, found {len(cells)}"]
    values = dict(zip(header, cells, strict=True))
    why = []
    for column, value in values.items():
        # A note may run over lines; any other cell that does has most likely lost a closing quote.
        if column != "note" and ("\n" in value or "\r" in value):
            why.append(f"{column}: a cell spans several lines (an unbalanced quote?)")
    for column, allowed in schema.choices.items():
        if values[column] not in allowed:
            why.append(f"{column}: {values[column]!r} is not one of {', '.join(allowed)}")
    code = values["iso3"]
    key = tuple(values[k] for k in schema.key)
    if not _CODE.match(code) or pycountry.countries.get(alpha_3=code) is None:
        why.append(f"iso3: {code!r} is not an ISO 3166-1 alpha-3 code")
    elif code in territories:
        why.append(f"iso3: {code} is listed as a territory, not a state, in "
                   f"graph_data/{states.TERRITORIES_FILE}")
    elif key in seen:
        why.append(f"{', '.join(schema.key)}: {' '.join(key)} already has a row (line {seen[key]})")
    if not values["state"].strip():
        why.append("state: empty")
    for column in schema.date_columns:
        if values.get(column):
            problem = _check_date(column, values[column])
            if problem:
                why.append(problem)
    action, deposited = values["action"], values[schema.deposit]
    if action and action not in schema.actions:
        why.append(f"action: {action!r} is not one of {', '.join(schema.actions)}")
    elif action and not deposited:
        why.append(f"action: {action} without a {schema.deposit} date")
    elif deposited and not action:
        why.append(f"{schema.deposit}: a date without an action ({_either(schema.actions)})")
    if values["confidence"] not in CONFIDENCE:
        why.append(f"confidence: {values['confidence']!r} is not high or low")
    why += _source_problems(values["source_urls"])
    return why


def _source_problems(cell: str) -> list[str]:
    listed = [u.strip() for u in cell.split(URL_SEPARATOR) if u.strip()]
    return [f"source_urls: {u!r} is neither an http(s) URL nor a github: reference" for u in listed
            if not (_URL.fullmatch(u) or _GITHUB.fullmatch(u))]


@functools.lru_cache(maxsize=4)
def _row_index(text: str) -> dict[int, str] | None:
    """Line of each record -> its iso3 cell; None when the table has no iso3 column."""
    records = _records(text)
    first = next(records, None)
    if first is None or "iso3" not in first[1]:
        return None
    at = first[1].index("iso3")
    return {line: cells[at] for line, cells in records if len(cells) > at}


def row_problem(text: str | None, shown: str, row: Node, actor: Node | None) -> str | None:
    """Why evidence citing line `row` of a reference table does not hold for a statement about `actor`."""
    if text is None:
        return f"evidence cites row {row} of {shown}, which has no source file in graph_data/sources"
    index = _row_index(text)
    if index is None:
        return f"evidence cites row {row} of {shown}, which has no iso3 column"
    try:
        line = int(row)
    except (TypeError, ValueError):
        return f"evidence cites row {row!r} of {shown}, which is not a line number"
    if line not in index:
        return f"evidence cites row {line} of {shown}, which has no row starting on that line"
    code = index[line].strip()
    if actor is None or str(actor) != str(ST[code]):
        said = "no state" if actor is None else shorten(str(actor))
        return (f"evidence cites row {line} of {shown}, which is about st:{code}, "
                f"but the statement is about {said}")
    return None


# ------------------------------------------------------------------ the graph

# The header of each file the import writes: it is generated, so it says so and where it comes from.
STATEMENTS_HEADER = (
    "# Generated by `minekg import-register` from graph_data/{source} (imported from {shown}).\n"
    "# Do not edit: change the table and import it again. Each row is one evidence node (its line and\n"
    "# the sources it lists); each dated cell is one treaty action asserted by the table's compilers,\n"
    "# with the row's confidence and note. A row without a deposit is a state that never joined: not\n"
    "# party, and a UN member state (the table's definition of those rows, see\n"
    "# graph_data/{readme}).\n")
DESCRIPTION_HEADER = (
    "# Generated by `minekg import-register`: do not edit; import the table again. The build\n"
    "# checks graph_data/{source} against mk:sha256. What the columns mean: docs/register.md\n"
    "# and graph_data/{readme} (the table's own README, copied beside it).\n")


def statements_graph(rows: list[Row]) -> Graph:
    """The register's statements and evidence: one evidence node per row, one statement per dated cell."""
    g = Graph()
    for row in rows:
        _add_row(g, row)
    return g


def row_evidence(g: Graph, ev: URIRef, table: URIRef, line: int, urls: tuple[str, ...]) -> URIRef:
    """The evidence node of a reference table's row: the table, the row's line and the sources it lists."""
    g.add((ev, RDF.type, MK.Evidence))
    g.add((ev, MK.source, table))
    g.add((ev, MK.row, Literal(line)))
    for url in urls:
        g.add((ev, MK.sourceUrl, Literal(url)))
    return ev


def describe_table(g: Graph, doc: URIRef, title: str, description: str, file: str, data: bytes,
                   media: str = "text/csv") -> None:
    """A reference table's document node: compiled by the project's contributors, its file and checksum."""
    g.add((doc, RDF.type, MK.ReferenceTable))
    g.add((doc, DCTERMS.title, Literal(title, lang="en")))
    g.add((doc, DCTERMS.description, Literal(description, lang="en")))
    g.add((doc, DCTERMS.publisher, AG[COMPILER]))
    g.add((doc, DCTERMS.creator, AG[COMPILER]))
    g.add((doc, DCTERMS["format"], Literal(media)))
    g.add((doc, MK.unknown, DCTERMS.date))  # no table says when it was compiled
    g.add((doc, MK.sourceFile, Literal(file)))
    g.add((doc, MK.sha256, Literal(hashlib.sha256(data).hexdigest())))


def _attributed(g: Graph, stmt: URIRef, row: Row, ev: URIRef) -> None:
    g.add((stmt, MK.instrument, INSTR.mbt))
    g.add((stmt, MK.actor, ST[row.iso3]))
    g.add((stmt, MK.assertedBy, AG[COMPILER]))
    g.add((stmt, MK.confidence, MK[CONFIDENCE[row.cells["confidence"]]]))
    if row.cells["note"].strip():
        g.add((stmt, MK.note, Literal(row.cells["note"])))
    g.add((stmt, MK.evidence, ev))


def _add_row(g: Graph, row: Row) -> None:
    code, cells = row.iso3, row.cells
    # A row may list no source (two never-joined states; their note says why): then no mk:sourceUrl.
    ev = row_evidence(g, EV[f"{SLUG}-row-{row.line}"], DOC[DOC_SLUG], row.line, row.urls)
    for column, slug, kind in _ACTION_CELLS:
        value = cells[column]
        if not value:
            continue
        if column == "ratified_or_acceded":
            slug, kind = cells["action"], ACTIONS[cells["action"]]
        stmt = S[f"{SLUG}-{code}-{slug}"]
        g.add((stmt, RDF.type, MK.TreatyAction))
        g.add((stmt, MK.actionType, MK[kind]))
        g.add((stmt, MK.date, Literal(value, datatype=XSD.date)))  # checked: YYYY-MM-DD
        _attributed(g, stmt, row, ev)
    if not cells["ratified_or_acceded"] and not cells["entry_into_force"]:
        # Never joined: not party; and, by the table's definition of these rows, a UN member state.
        stmt = S[f"{SLUG}-{code}-not-party"]
        g.add((stmt, RDF.type, MK.TreatyStatus))
        g.add((stmt, MK.status, MK.StatusNotParty))
        _attributed(g, stmt, row, ev)
        g.add((ST[code], MK.unMember, Literal(True)))


def description_graph(data: bytes, rows: list[Row], lines: int) -> Graph:
    """The register's document node: what it is, who compiled it, its file and checksum, its sources."""
    g = Graph()
    doc, compiler = DOC[DOC_SLUG], AG[COMPILER]
    describe_table(g, doc, f"Mine Ban Treaty status of {lines} states", DESCRIPTION, SOURCE_FILE, data)
    for url in {u for r in rows for u in r.urls}:
        g.add((doc, DCTERMS.source, Literal(url)))
    g.add((compiler, RDF.type, MK.Organisation))
    g.add((compiler, RDFS.label, Literal("minekg contributors", lang="en")))
    g.add((compiler, RDFS.comment, Literal(COMPILER_NOTE, lang="en")))
    return g


def statement_count(g: Graph) -> int:
    """How many statements (typed nodes in the statement namespace) a generated graph holds."""
    return len({s for s in g.subjects(RDF.type) if str(s).startswith(str(S))})


DESCRIPTION = ("One row per state: the states that ever ratified, acceded or succeeded to the Mine Ban "
               "Treaty, and the UN member states that never joined, with dates of signature, deposit, entry "
               "into force and 2025 withdrawals. Compiled from public sources; rows name their sources, a "
               "confidence (high: two independent sources agree on the row's dates) and a note on "
               "disagreements.")
COMPILER_NOTE = ("The compilers of the project's reference tables. A register row's dates are their reading "
                 "of the sources the row lists, not a statement by those sources' publishers.")


# ------------------------------------------------------------------ the command


def _read(file: Path, shown: str) -> bytes:
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise MinekgError(f"{shown}: file not found") from None
    except OSError as e:
        raise MinekgError(f"{shown}: cannot read: {e.strerror}") from None


@dataclass
class Prepared:
    """An import made but not yet written: the result to report and each file's bytes (graph_data-relative)."""

    result: ImportResult
    codes: frozenset[str]  # the states the new table has a valid row for
    files: dict[str, bytes] = field(default_factory=dict)


def prepare(file: Path, project: Project, shown: str, readme: Path | None = None) -> Prepared:
    """Read and check `file` and make every file the import would write, writing none of them."""
    data = _read(file, shown)
    readme_data = _read(readme, str(readme)) if readme is not None else None
    text = read_text(file, shown)
    territories = frozenset(states.load_territories(project))
    parsed = parse(text, shown, territories)
    prepared = Prepared(ImportResult(shown, len(parsed.rows), 0, parsed.problems),
                        frozenset(r.iso3 for r in parsed.rows))
    if not parsed.rows:
        return prepared
    statements = statements_graph(parsed.rows)
    prepared.result.statements = statement_count(statements)
    lines = len(parsed.rows) + len(parsed.problems)
    prepared.files[SOURCE_FILE] = data
    if readme_data is not None:
        prepared.files[README_FILE] = readme_data
    names = {"source": SOURCE_FILE, "readme": README_FILE, "shown": Path(shown).name}
    description = description_graph(data, parsed.rows, lines)
    prepared.files[DESCRIPTION_FILE] = canonical.serialize(description, DESCRIPTION_HEADER.format(**names)).encode()
    prepared.files[STATEMENTS_FILE] = canonical.serialize(statements, STATEMENTS_HEADER.format(**names)).encode()
    return prepared


def dropped_states(project: Project, codes: frozenset[str]) -> tuple[list[str], int]:
    """The states the current register has a row for and `codes` lacks (sorted), and how many it has."""
    current = project.graph_data / SOURCE_FILE
    if not current.is_file():
        return [], 0
    index = _row_index(read_text(current, f"graph_data/{SOURCE_FILE}")) or {}
    before = {code.strip() for code in index.values() if code.strip()}
    return sorted(before - codes), len(before)


def _abridged(codes: list[str], shown: int = 10) -> str:
    more = f" and {len(codes) - shown} more" if len(codes) > shown else ""
    return ", ".join(codes[:shown]) + more


def check_builds(project: Project, files: dict[str, bytes], shown: str) -> None:
    """Build a temporary copy of the project with the new files in it; a MinekgError if it does not build."""
    import shutil
    import tempfile

    from minekg.build.assemble import build

    with tempfile.TemporaryDirectory(prefix="minekg-import-") as tmp:
        trial = Project(Path(tmp))
        for folder in (project.ontology, project.graph_data, project.rules):
            if folder.is_dir():
                shutil.copytree(folder, trial.root / folder.name)
        for rel, data in files.items():
            (trial.graph_data / rel).parent.mkdir(parents=True, exist_ok=True)
            (trial.graph_data / rel).write_bytes(data)
        try:
            build(trial, out=trial.root / "build")
        except MinekgError as e:
            # The trial's paths mean nothing to the user: name the files as they are in the project.
            why = str(e).replace(str(trial.root) + "/", "").splitlines()[0]
            raise MinekgError(f"{shown}: not imported, the graph would not build with it: {why}") from None


def commit(prepared: Prepared, project: Project, force: bool = False) -> None:
    """Write a prepared import: refused if it drops states (unless `force`) or if the graph would not build."""
    shown = prepared.result.shown
    dropped, before = dropped_states(project, prepared.codes)
    if dropped and not force:
        raise MinekgError(f"{shown}: drops {len(dropped)} of the register's {before} states "
                          f"({_abridged(dropped)}); nothing imported (--force imports it all the same)")
    check_builds(project, prepared.files, shown)
    # Everything is made and checked before anything is written; each file is then replaced whole.
    for rel, data in prepared.files.items():
        atomic.write_bytes(project.graph_data / rel, data)


def import_register(file: Path, project: Project | None = None, shown: str | None = None,
                    readme: Path | None = None, force: bool = False) -> ImportResult:
    """Validate `file`, then copy it and write its description and statements into graph_data/.

    Malformed rows are skipped and returned as problems; a table with a bad header is a MinekgError, a
    table with no usable row a result with no rows, and nothing is written. A table that drops states the
    register has is refused unless `force`; a table with which the graph would not build is refused.
    `readme`, the table's own README, is copied beside it when given.
    """
    project = project or Project.default()
    prepared = prepare(file, project, shown or str(file), readme)
    if prepared.result.rows:
        commit(prepared, project, force)
    return prepared.result
