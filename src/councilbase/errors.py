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
