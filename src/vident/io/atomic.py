"""Atomic single-file writes: write a temp file beside the target, then rename it into place.

Readers (and parallel workflow jobs) see either the old file or the complete new one, never a
half-written file, and a failed write leaves the old file untouched and no temp file behind.
Whole-folder swaps are a different pattern (``vident.io.video.replace_dir``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def _create_temp(path: Path) -> Path:
    """Create an empty, unique, hidden temp file beside ``path`` that keeps its suffix (some
    writers pick the format from it). Mode 0o666 less the umask, as a plain ``open`` gives,
    unlike ``tempfile.mkstemp``'s 0o600 that would hide outputs from other readers."""
    while True:
        tmp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}{path.suffix}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temp path to write instead of ``path``; on success rename it onto ``path``.

    Creates ``path``'s parent folders. The temp file lies in the same folder (so the rename is
    atomic) and is removed if the block raises, leaving any old ``path`` as it was."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _create_temp(target)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; return ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_parquet(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``table`` (without its index) to ``path`` atomically; return ``path``."""
    with atomic_path(path) as tmp:
        table.to_parquet(tmp, index=False)
    return Path(path)
