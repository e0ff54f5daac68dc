"""The one CSV/TSV writer of every table minekg hands out (export tables, `minekg query --format csv|tsv`,
the server's CSV answers), with cells a spreadsheet will not run as formulas.

A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one)
as a formula: a register note `=HYPERLINK(...)` would become a live link. Such a cell is written with a
leading `'`, as OWASP recommends ("CSV Injection"): spreadsheets show the text, and a reader can strip the
one quote. A cell that is a plain number (`-3`, `+1.5`, `-2e3`) is left as it is, since a spreadsheet reads
it as that number and nothing else; an ISO date or an IRI never starts with those characters.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutral(value: str) -> str:
    """The cell as a spreadsheet must show it: prefixed with `'` if it would otherwise run as a formula."""
    if value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def text(header: Sequence[str], rows: Iterable[Sequence[str]], delimiter: str = ",",
         lineterminator: str = "\r\n") -> str:
    """The header and rows as CSV (or TSV with delimiter "\\t"), every cell made neutral."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow([neutral(h) for h in header])
    writer.writerows([neutral(c) for c in row] for row in rows)
    return buf.getvalue()
