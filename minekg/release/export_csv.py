"""CSV: one table per statement kind, from minekg/sparql/export/<table>.rq, and a README of the columns.

Each .rq is a SPARQL SELECT with a `#+` YAML header: summary, kind (the class), key (the columns that
identify a row: statement and evidence) and columns (what each of the table's own columns means; the
columns every table ends with are documented once, in export/README-columns.md). The query returns one
row per combination of values; rows with the same key are merged here, each cell holding its distinct
values sorted and joined by " | ", so a multi-valued property never multiplies rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from minekg import resources
from minekg.errors import MinekgError
from minekg.query import csv_safe
from minekg.rdf.headers import parse_header
from minekg.rdf.loading import read_text
from minekg.rdf.namespaces import PREFIXES, shorten

HEADER_KEYS = {"summary", "kind", "key", "columns"}
SEPARATOR = " | "
_COMMON_ROW = re.compile(r"^\|\s*`([a-z_]+)`\s*\|\s*(.+?)\s*\|\s*$")
_SELECT = re.compile(r"\bSELECT\b(.*?)\bWHERE\b", re.S | re.I)


@dataclass(frozen=True)
class Table:
    name: str  # the CSV file's stem
    shown: str
    summary: str
    kind: str
    key: tuple[str, ...]
    columns: dict[str, str]
    text: str


def common_columns(template: str) -> dict[str, str]:
    """The columns every table ends with, as the README template documents them."""
    out = {}
    in_section = False
    for line in template.splitlines():
        if line.startswith("## "):
            in_section = line.strip() == "## Columns every table ends with"
        elif in_section:
            m = _COMMON_ROW.match(line)
            if m:
                out[m.group(1)] = m.group(2)
    return out


def load_tables(folder: Path, shown_folder: str, common: dict[str, str]) -> list[Table]:
    tables = []
    for path in sorted(folder.glob("*.rq")):
        shown = f"{shown_folder}/{path.name}"
        text = read_text(path, shown)
        header = parse_header(text, shown, HEADER_KEYS)
        for needed in ("summary", "kind", "key", "columns"):
            if not header.get(needed):
                raise MinekgError(f"{shown}: header needs `{needed}`")
        columns = {str(k): str(v) for k, v in dict(header["columns"]).items()}
        m = _SELECT.search("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
        if not m:
            raise MinekgError(f"{shown}: not a SELECT query")
        variables = re.findall(r"\?([A-Za-z_][A-Za-z0-9_]*)", m.group(1))
        undocumented = [v for v in variables if v not in columns and v not in common]
        if undocumented:
            raise MinekgError(f"{shown}: column {undocumented[0]} is documented neither in the header's "
                              "columns nor in export/README-columns.md")
        key = tuple(str(k) for k in header["key"])
        if any(k not in variables for k in key):
            missing = next(k for k in key if k not in variables)
            raise MinekgError(f"{shown}: key column {missing} is not selected")
        summary = str(header["summary"]).strip()
        tables.append(Table(path.stem, shown, summary, str(header["kind"]), key, columns, text))
    if not tables:
        raise MinekgError(f"{shown_folder}: no tables (*.rq)")
    return tables


def cell(term) -> str:
    """A cell: an IRI shortened with minekg's prefixes, a blank node by label, a literal's lexical form."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def run(store, table: Table) -> tuple[list[str], list[list[str]]]:
    """The table's header and rows, merged by key and sorted."""
    try:
        result = store.query(table.text, use_default_graph_as_union=True)
    except SyntaxError as e:
        raise MinekgError(f"{table.shown}: SPARQL syntax error: {str(e).strip().splitlines()[0]}") from None
    header = [v.value for v in result.variables]
    merged: dict[tuple[str, ...], list[set[str]]] = {}
    key_at = [header.index(k) for k in table.key]
    for solution in result:
        cells = [cell(solution[v]) for v in result.variables]
        key = tuple(cells[i] for i in key_at)
        row = merged.setdefault(key, [set() for _ in header])
        for i, value in enumerate(cells):
            if value:
                row[i].add(value)
    rows = [[SEPARATOR.join(sorted(values)) for values in merged[key]] for key in sorted(merged)]
    return header, rows


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    return csv_safe.text(header, rows).encode("utf-8")


def readme(template: str, tables: list[tuple[Table, list[str], int]], version: str, profile_label: str,
           profile_name: str) -> str:
    prefixes = "| prefix | namespace |\n|---|---|\n" + "".join(
        f"| `{p}:` | `{ns}` |\n" for p, ns in PREFIXES.items())
    parts = []
    for table, header, n in tables:
        own = [c for c in header if c in table.columns]
        then = ", then the common ones above" if len(own) < len(header) else ""
        lines = [f"### `{table.name}.csv`", "", table.summary, "",
                 f"Nodes of kind `{table.kind}`: {n} rows in this release. Its columns{then}:", "",
                 "| column | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {table.columns[c]} |" for c in own]
        parts.append("\n".join(lines) + "\n")
    text = template
    for placeholder, value in (("{version}", version), ("{profile}", profile_name),
                               ("{profile_label}", profile_label), ("{prefixes}", prefixes.rstrip("\n")),
                               ("{tables}", "\n".join(parts).rstrip("\n"))):
        text = text.replace(placeholder, value)
    return text


def tables_files(quads, export_folder: Path, tables_folder: Path, version: str, profile_label: str,
                 profile_name: str) -> dict[str, bytes]:
    """tables/<name>.csv for every table (the queries in `tables_folder`) and README.md, as file name -> bytes."""
    import pyoxigraph as ox

    from minekg.rdf.oxi import to_oxigraph

    template = read_text(export_folder / "README-columns.md", f"{resources.shown(export_folder)}/README-columns.md")
    tables = load_tables(tables_folder, resources.shown(tables_folder), common_columns(template))
    store = ox.Store()
    store.bulk_extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode(g) if g else
                              ox.DefaultGraph()) for s, p, o, g in quads)
    files: dict[str, bytes] = {}
    documented = []
    for table in tables:
        header, rows = run(store, table)
        files[f"tables/{table.name}.csv"] = csv_bytes(header, rows)
        documented.append((table, header, len(rows)))
    files["README.md"] = readme(template, documented, version, profile_label, profile_name).encode("utf-8")
    return files
