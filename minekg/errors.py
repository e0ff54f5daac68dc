"""The one error type the CLI turns into a one-line message and an exit code."""


class MinekgError(Exception):
    """An error in the user's input or environment: printed as one line, exit status `code`."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code
