"""The one error type the CLI turns into a one-line message and an exit code."""


class MinekgError(Exception):
    """An error in the user's input or environment: printed as one line, exit status `code`."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def first_line(e: BaseException) -> str:
    """An exception's message on one line (its first), or its type's name when it has none."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


class QueryFailure(MinekgError):
    """A query that could not be answered. Each kind carries the HTTP status the server answers with, so
    the status is decided where the failure happens and never read back from the message."""

    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class QuerySyntaxError(QueryFailure):
    """The query text is not SPARQL the engine accepts."""

    status = 400


class QueryTimedOut(QueryFailure):
    """The query ran past the time limit (the server's own, or an upstream endpoint's)."""

    status = 503


class TooManyRows(QueryFailure):
    """An answer larger than the row limit the caller set."""

    status = 422


class OutOfMemory(QueryFailure):
    """The query needed more memory than a query worker may use."""

    status = 422


class WorkersUnavailable(QueryFailure):
    """No query worker could take the query (none running, or all busy for too long)."""

    status = 503


class UpstreamRejected(QueryFailure):
    """The endpoint behind the server refused the request (an HTTP 4xx): the query is the client's to fix."""

    status = 400


class UpstreamUnavailable(QueryFailure):
    """The endpoint behind the server could not be reached, failed (HTTP 5xx) or answered nonsense."""

    status = 502


class UpstreamTimedOut(QueryTimedOut):
    """The endpoint behind the server did not answer within the time limit."""
