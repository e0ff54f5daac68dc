"""The query guard: what an ad-hoc query may not do, decided before any engine sees it.

Three checks, cheapest first:

1. Depth. A cheap lexical scan counts bracket depth (`{`, `(`, `[`) outside comments, strings and IRIs;
   a query nested deeper than MAX_DEPTH is refused before any parser runs: Oxigraph's recursive parser
   overflows its stack on a few thousand nested groups (the process dies with SIGSEGV) and rdflib's
   raises RecursionError on a few dozen.
2. Parsing. The query is parsed with rdflib's SPARQL grammar and the parse tree walked for
   ServiceGraphPattern: federation (SERVICE) is refused whatever spelling hides it from a pattern match
   (an escaped `\\#` in a prefixed name, a keyword in odd case). A text that parses as an update instead
   (INSERT, LOAD <remote>, DROP...) is refused as an update; a text that parses as neither is a syntax
   error. A query rdflib cannot parse is therefore refused even if another engine would accept it.
3. A backstop on the tokens: a bare SERVICE keyword anywhere outside strings, IRIs and comments is refused
   too, so an engine that reads the text differently from rdflib (escapes, say) still cannot be led out.

The server's query workers also run without a network (minekg/server/worker.py), so a query that got past
all three still could not open a connection.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
from dataclasses import dataclass

from minekg.errors import QueryFailure

MAX_DEPTH = 200  # far above any real query (the catalogue's deepest is 13), far below a crash
_PARSE_STACK = 64 * 2**20  # rdflib's parser recurses ~40 Python frames per nesting level (16 MiB is enough)
_PARSE_RECURSION = 100_000
_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "AskQuery": "ASK", "DescribeQuery": "DESCRIBE"}

# SPARQL's lexical terms that can hide a bracket or a keyword: comments, the four string forms, IRI refs.
_HIDING = (
    r"(?P<comment>#[^\n\r]*)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<open>[{(\[])|(?P<close>[})\]])"
)
# One token per match: the above, then words and single characters. A backslash outside strings escapes
# the next character of a prefixed name (PN_LOCAL_ESC, e.g. `ex:a\#`), so `\#` is part of a word, never
# a comment.
_TOKEN = re.compile(_HIDING + r"|(?P<word>(?:[^\s{}()\[\]<>\"'#,;=!&|*/+^\\]|\\.)+)|(?P<other>\S)", re.S)
# For depth alone only the above and escapes are matched, so the scan is cheap enough for every query.
_STRUCTURE = re.compile(_HIDING + r"|(?P<escape>\\.)", re.S)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})")


class QueryRefused(QueryFailure):
    """A query the guard will not let run; `status` is the HTTP status the server answers with (403 for an
    update, 400 for SERVICE, too deep a nesting or a syntax error)."""

    def __init__(self, message: str, status: int = 400, service: bool = False) -> None:
        super().__init__(message, status)
        self.service = service  # refused for SERVICE: the command line can say how to allow it


SERVICE_REFUSED = "SERVICE (federated query) is refused: minekg makes no outgoing requests"
UPDATE_REFUSED = "SPARQL Update (INSERT, DELETE, LOAD, ...) is refused: queries here are read-only"


@dataclass(frozen=True)
class Scan:
    depth: int  # the deepest bracket nesting
    keywords: frozenset[str]  # bare words, upper-cased, \u escapes decoded


def scan(text: str) -> Scan:
    """One lexical pass for the bare words, after the depth check (which refuses over-deep text early)."""
    deepest = check_depth(text)
    words = {_decode_escapes(m.group()).upper() for m in _TOKEN.finditer(text) if m.lastgroup == "word"}
    return Scan(deepest, frozenset(words))


def _decode_escapes(word: str) -> str:
    # SPARQL allows \u escapes anywhere; rdflib decodes them before parsing, so `SER\u0056ICE` is SERVICE.
    def decode(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 else m.group()

    return _UNICODE_ESCAPE.sub(decode, word)


def check_depth(text: str) -> int:
    """The deepest bracket nesting; refuses a query nested deeper than MAX_DEPTH (cheap; before any parser
    sees it)."""
    depth = deepest = 0
    for m in _STRUCTURE.finditer(text):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryRefused(f"the query nests brackets deeper than {MAX_DEPTH} levels, the limit")
            deepest = max(deepest, depth)
        elif kind == "close":
            depth -= 1
    return deepest


def has_dataset_clause(text: str) -> bool:
    """Whether the query names its own dataset (FROM or FROM NAMED), which then replaces the union default."""
    # Most queries never say "from": they skip the scan.
    return re.search("from", text, re.I) is not None and "FROM" in scan(text).keywords


def dataset(text: str) -> tuple[list[str], list[str]]:
    """The query's own FROM and FROM NAMED graphs, prefixes resolved (empty lists: it names none).
    Parsed, since an IRI there may be a prefixed name; only called for a text that mentions FROM."""
    if not has_dataset_clause(text):
        return [], []
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery

    try:
        clauses = translateQuery(_parse_query(text)).algebra.datasetClause or []
    except (ParseException, RecursionError, ValueError) as e:
        raise QueryRefused(f"SPARQL syntax error: {_one_line(e)}") from None
    # a missing attribute of a CompValue is None
    return [str(c.default) for c in clauses if c.default], [str(c.named) for c in clauses if c.named]


@dataclass(frozen=True)
class Inspection:
    form: str  # SELECT | CONSTRUCT | ASK | DESCRIBE
    service: bool  # it uses SERVICE


def inspect(text: str, allow_service: bool = False) -> Inspection:
    """Check an ad-hoc query and tell its form; raise QueryRefused for what may not run."""
    tokens = scan(text)
    try:
        found = _inspect_parsed(text)
    except QueryRefused:
        if "SERVICE" in tokens.keywords and not allow_service:
            raise QueryRefused(SERVICE_REFUSED, service=True) from None  # the clearer reason of the two
        raise
    service = found.service or "SERVICE" in tokens.keywords
    if service and not allow_service:
        raise QueryRefused(SERVICE_REFUSED, service=True)
    return Inspection(found.form, service)


@functools.lru_cache(maxsize=256)
def _inspect_parsed(text: str) -> Inspection:
    # Cached by text: the server sees the same few queries again and again, and parsing is the slow part.
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = _parse_query(text)
    except ParseException as e:
        try:
            _deep(parseUpdate, text)
        except (ParseException, RecursionError, ValueError):
            raise QueryRefused(f"SPARQL syntax error: {_one_line(e)}") from None
        raise QueryRefused(UPDATE_REFUSED, 403) from None
    except (RecursionError, ValueError) as e:
        raise QueryRefused(f"SPARQL syntax error: {_one_line(e)}") from None
    return Inspection(_FORMS.get(parsed[1].name, "SELECT"), _has_service(parsed))


@functools.lru_cache(maxsize=64)
def _parse_query(text: str):
    from rdflib.plugins.sparql.parser import parseQuery

    return _deep(parseQuery, text)


def _has_service(node) -> bool:
    """Walk a parse tree (CompValues, lists and parse results, nested) for a ServiceGraphPattern."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, CompValue):
            if n.name == "ServiceGraphPattern":
                return True
            stack.extend(n.values())
        elif isinstance(n, list | tuple | ParseResults):
            stack.extend(n)
    return False


_LOCK = threading.Lock()  # pyparsing's parser state is shared: one parse at a time


def _deep(fn, text: str):
    """Run a recursive parser in a thread of its own with a large stack, so a query nested up to
    MAX_DEPTH parses instead of overflowing the default recursion limit."""
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = fn(text)
        except BaseException as e:  # handed to the caller's thread, raised there
            out["error"] = e

    with _LOCK:
        old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
        sys.setrecursionlimit(max(old_limit, _PARSE_RECURSION))
        try:
            threading.stack_size(_PARSE_STACK)
            worker = threading.Thread(target=run, name="minekg-query-parse")
            worker.start()
        finally:
            threading.stack_size(old_stack)
        worker.join()
        sys.setrecursionlimit(old_limit)
    if "error" in out:
        raise out["error"]
    return out["value"]


def _one_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
