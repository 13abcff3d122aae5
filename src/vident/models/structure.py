"""Which (task, scale) output heads a MOST network has: the scales-to-tasks structure that
Neural Scale Search derives (§6.2.2), saved and loaded as JSON ``{"R": [s1, s2, s3], ...}``."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from vident.errors import VidentError
from vident.io.atomic import write_text
from vident.models.output import SCALES

TASKS: tuple[str, ...] = ("R", "M", "H")

Keep = tuple[bool, bool, bool]


@dataclass(frozen=True)
class HeadStructure:
    """Per task, whether a head exists at scales 1, 2, 3 (index s-1)."""

    R: Keep = (True, True, True)
    M: Keep = (True, True, True)
    H: Keep = (True, True, True)

    def has(self, task: str, s: int) -> bool:
        """True when ``task`` has a head at scale ``s`` (1..3)."""
        return getattr(self, task)[s - 1]

    def lower(self, task: str, s: int) -> int | None:
        """The nearest scale below ``s`` (coarser, larger index) where ``task`` has a head."""
        return next((q for q in range(s + 1, SCALES + 1) if self.has(task, q)), None)

    def matrix(self) -> list[list[bool]]:
        """The (tasks x scales) keep-matrix, rows in TASKS order."""
        return [list(getattr(self, t)) for t in TASKS]

    @classmethod
    def from_matrix(cls, keep: list[list[bool]]) -> HeadStructure:
        """Build from a (tasks x scales) keep-matrix, rows in TASKS order."""
        return cls(**{t: tuple(bool(v) for v in row) for t, row in zip(TASKS, keep, strict=True)})

    @classmethod
    def from_mapping(
        cls, data: object, path: str | os.PathLike[str] | None = None
    ) -> HeadStructure:
        """Validate ``{"R": [bool]*3, ...}`` (missing tasks keep every scale)."""
        if not isinstance(data, dict) or not set(data) <= set(TASKS):
            raise VidentError(f"a head structure maps tasks {list(TASKS)} to 3 booleans", path)
        fields = {}
        for task, keep in data.items():
            if not (
                isinstance(keep, list)
                and len(keep) == SCALES
                and all(isinstance(k, bool) for k in keep)
            ):
                raise VidentError(
                    f"task {task!r} needs a list of {SCALES} booleans, got {keep!r}", path
                )
            fields[task] = tuple(keep)
        return cls(**fields)

    @classmethod
    def from_json(cls, path: str | os.PathLike[str]) -> HeadStructure:
        """Load a structure saved by ``to_json`` (or written by hand)."""
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise VidentError(f"cannot read head structure: {err}", path) from None
        return cls.from_mapping(data, path)

    def to_json(self, path: str | os.PathLike[str]) -> None:
        """Write ``{"R": [...], "M": [...], "H": [...]}`` atomically."""
        write_text(path, json.dumps({t: list(getattr(self, t)) for t in TASKS}))


ALL_SCALES = HeadStructure()
# The structure NSS found (§6.3.3, Fig. 6.6): every task at scale 3, M also at 2, R also at 1.
NSS_FOUND = HeadStructure(R=(True, False, True), M=(False, True, True), H=(False, False, True))
