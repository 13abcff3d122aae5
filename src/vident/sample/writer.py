"""Write a simulated sample to disk: PNG frame folders, truth.json, truth.zarr, recordings.tsv.

Byte-reproducible: fixed PNG compression, fixed Zarr codecs, sorted JSON keys, no timestamps.
The whole sample is built in a temporary folder beside the target and renamed into place.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import zarr
from zarr.codecs import ZstdCodec

from vident.sample.simulate import Recording

PNG_LEVEL = 3
TSV_COLUMNS = ("recording", "c1", "c2", "split", "kind", "annotations")
DIMS = {
    "R": ("t", "y", "x", "c"),
    "D": ("t", "y", "x", "c"),
    "M": ("t", "y", "x"),
    "H": ("t", "row", "col"),
}


def frame_name(index: int) -> str:
    """File name of frame ``index``: six digits from 000000."""
    return f"{index:06d}.png"


def write_png(path: Path, image: np.ndarray) -> None:
    """Lossless PNG of an RGB uint8 (H, W, 3) or single-channel uint8/uint16 (H, W) image."""
    pixels = cv2.cvtColor(image, cv2.COLOR_RGB2BGR) if image.ndim == 3 else image
    if not cv2.imwrite(str(path), pixels, [cv2.IMWRITE_PNG_COMPRESSION, PNG_LEVEL]):
        raise OSError(f"could not write {path}")


def write_frames(folder: Path, frames: np.ndarray) -> None:
    """One PNG per frame, named 000000.png, 000001.png, ..."""
    folder.mkdir(parents=True)
    for k, frame in enumerate(frames):
        write_png(folder / frame_name(k), frame)


def write_truth_zarr(path: Path, rec: Recording) -> None:
    """truth.zarr: R, D, M (one chunk per frame, all in one shard: one file per array) and H,
    with dimension names and fixed codecs."""
    group = zarr.open_group(store=str(path), mode="w", zarr_format=3)
    for name in ("R", "D", "M", "H"):
        data = getattr(rec, name)
        chunks = (1, *data.shape[1:]) if name != "H" else data.shape
        group.create_array(
            name,
            data=data,
            chunks=chunks,
            shards=data.shape,
            compressors=ZstdCodec(level=3),
            dimension_names=DIMS[name],
        )


def write_recording(root: Path, rec: Recording) -> None:
    """All files of one recording under ``root / rec.name``."""
    base = root / rec.name
    write_frames(base / "c1", rec.c1)
    if rec.c2 is not None:
        write_frames(base / "c2", rec.c2)
    ann = base / "annotations"
    ann.mkdir()
    for k, mask in sorted(rec.annotations.items()):
        write_png(ann / frame_name(k), mask.astype(np.uint8))
    truth = base / "truth"
    truth.mkdir()
    (truth / "truth.json").write_text(json.dumps(rec.truth, indent=1, sort_keys=True) + "\n")
    write_truth_zarr(truth / "truth.zarr", rec)


def write_table(root: Path, rows: list[tuple[str, str, str]]) -> None:
    """recordings.tsv from (recording, split, kind) rows; paths relative to ``root``."""
    lines = ["\t".join(TSV_COLUMNS)]
    for name, split, kind in rows:
        c2 = f"{name}/c2" if kind == "phantom" else ""
        lines.append("\t".join((name, f"{name}/c1", c2, split, kind, f"{name}/annotations")))
    (root / "recordings.tsv").write_text("\n".join(lines) + "\n")


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``out``; on success it replaces ``out`` (old one removed
    only after the new one is in place), on failure it is removed and ``out`` is untouched."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the sample is an ordinary folder
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / out.name)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_sample(out: Path, recordings: Iterator[tuple[str, Callable[[], Recording]]]) -> None:
    """Simulate and write each (split, make-recording) lazily, then the table; atomically."""
    with atomic_folder(out) as tmp:
        rows = []
        for split, make in recordings:
            rec = make()
            write_recording(tmp, rec)
            rows.append((rec.name, split, rec.kind))
        write_table(tmp, rows)
