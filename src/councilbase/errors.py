"""Errors a user can act on: which file, and what is wrong with it."""

from __future__ import annotations


class RecordError(Exception):
    """A file that cannot be read as a record, with the reason in one line."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message

    def __reduce__(self) -> tuple[type[RecordError], tuple[str, str]]:
        return (RecordError, (self.path, self.message))


class QueryError(ValueError):
    """A search query, filter or option value that cannot be used, with what to write
    instead (one line, for the command line and the web app alike)."""


class NoMatch(QueryError):
    """A name (a person, a state, a topic) that matches nothing, with the nearest names."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        self.suggestions = list(suggestions or [])
        if self.suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)


def safe_path(path: object) -> str:
    """A file's path as text that can be stored and printed: bytes a file name holds that
    are not UTF-8 (``b\\xff.pdf``) become ``\\xff``, never a crash."""
    import os

    text = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
