"""The one exception type for problems a user can fix (bad input, bad config, bad store)."""

from __future__ import annotations

from os import PathLike


class VidentError(Exception):
    """A user-facing problem. The message names the file (when there is one) and what is wrong.

    The CLI prints it as one line on stderr and exits with status 2, without a traceback.
    """

    def __init__(self, problem: str, path: str | PathLike[str] | None = None) -> None:
        self.problem = problem
        self.path = None if path is None else str(path)
        super().__init__(problem if self.path is None else f"{self.path}: {problem}")
