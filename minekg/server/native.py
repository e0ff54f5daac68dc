"""SELECT/ASK answers of the embedded store written by pyoxigraph's own serializers (SPARQL 1.1 JSON, XML,
TSV), straight from the engine's solutions: no term is converted to rdflib and no format is written by hand.

CSV is the exception: minekg.query.results writes it with the spreadsheet guard (a cell that a spreadsheet would
run as a formula gets a leading `'`, csv_safe), which pyoxigraph's CSV has no reason to know about; and
CONSTRUCT/DESCRIBE answers keep minekg.query.results' deterministic Turtle and JSON-LD, so they go through rdflib.

Both limits are checked while the answer is written: it stops being written, and is refused, as soon as it
passes the server's byte limit or its row limit (rows counted by the marks they leave, see _ROW_MARK).
"""

from __future__ import annotations

from itertools import islice

from minekg import formats as registry
from minekg.errors import QueryFailure, TooManyRows, first_line

NATIVE = ("json", "xml", "tsv")  # the results formats written by pyoxigraph here


class AnswerTooLarge(QueryFailure):
    """A serialised answer over the server's byte limit (checked in the worker, before it crosses)."""

    status = 422


def too_large(max_bytes: int) -> AnswerTooLarge:
    return AnswerTooLarge(
        f"the answer is larger than the server's limit of {max_bytes} bytes; "
        "add a LIMIT or select fewer or shorter values"
    )


# A mark each row of an answer leaves in the written bytes, and what to add to its count: a lower bound of
# the rows written so far, exact for TSV (a row per line after the header: pyoxigraph escapes newlines) and
# XML (`<result>` cannot occur in escaped text); for JSON the separator `},{"` of two solutions (a `"` in a
# string is escaped), which misses a row that binds nothing. Passing the limit stops the writing at once;
# the exact count is taken on what was written.
_ROW_MARK = {"json": (b'},{"', 1), "xml": (b"<result>", 0), "tsv": (b"\n", -1)}


class _Buffer:
    """A binary writer for pyoxigraph that stops an answer past `max_rows` rows (counted by their marks)
    or `max_bytes` bytes (0: no limit)."""

    def __init__(self, media: registry.Format, max_rows: int | None, max_bytes: int) -> None:
        self.mark, self.rows = _ROW_MARK[media.name]
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        data = bytes(data)
        self.size += len(data)
        self.rows += data.count(self.mark)
        if self.max_bytes and self.size > self.max_bytes:
            raise too_large(self.max_bytes)  # pyoxigraph passes it through and stops writing
        if self.max_rows is not None and self.rows > self.max_rows:
            raise too_many(self.max_rows)
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)


def too_many(max_rows: int) -> TooManyRows:
    return TooManyRows(f"the result has more than {max_rows} rows, the server's limit; add a LIMIT or narrow the query")


def serialize(solutions, media: registry.Format, max_rows: int | None, max_bytes: int = 0) -> bytes:
    """pyoxigraph's QuerySolutions or QueryBoolean written in `media`, within the row and byte limits."""
    import pyoxigraph as ox

    fmt = registry.oxigraph_format(media)
    out = _Buffer(media, max_rows if isinstance(solutions, ox.QuerySolutions) else None, max_bytes)
    try:
        solutions.serialize(out, format=fmt)
    except (OSError, ValueError, RuntimeError) as e:  # evaluation errors surface while the rows are drawn
        raise QueryFailure(f"query failed on oxigraph: {first_line(e)}") from None
    body = out.value()
    if out.max_rows is not None:
        if sum(1 for _ in islice(ox.parse_query_results(body, fmt), max_rows + 1)) > max_rows:
            raise too_many(max_rows)
    return body
