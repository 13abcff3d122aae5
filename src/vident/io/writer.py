"""Writing a vident dataset store (design §5): root attributes and one video group per call.

One call writes one video group, so parallel jobs can each write their own video. Every group is
first built completely in a local temp folder, then:
- local store: the folder is renamed into place (the old group, if any, is moved aside first);
- fsspec URL (``s3://``, ``memory://``...): object stores have no rename, so the old group is
  removed and the files are uploaded with the group's ``zarr.json`` last. Until that file lands
  the group is not a Zarr node, so readers never see a half-written video; a crash leaves only
  an orphan prefix that the next write of that video replaces.
Bytes are deterministic: fixed codecs (zstd level 3, no checksum), attributes in a fixed order,
and no timestamps except the root ``created`` attribute, which callers pass explicitly.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import fsspec
import numpy as np
import zarr
from zarr.codecs import ZstdCodec

from vident import __version__
from vident.errors import VidentError
from vident.io.atomic import write_bytes
from vident.io.reader import is_url, local_path
from vident.io.schema import (
    ARRAYS,
    SPLITS,
    VIDEO_ATTRS,
    check_attrs,
    check_homographies,
    check_mask,
    check_root_attrs,
    check_video,
)
from vident.io.video import replace_dir

log = logging.getLogger(__name__)

COMPRESSOR = ZstdCodec(level=3, checksum=False)


def root_attrs(
    name: str, tasks: list[str], frame_size: tuple[int, int], source: list[str],
    config_sha256: str, created: str | None = None,
) -> dict[str, Any]:
    """Root attributes in schema order; ``created`` defaults to now (UTC, ISO 8601, seconds)."""
    stamp = created or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return {
        "format": "vident/1", "name": name, "tasks": list(tasks),
        "frame_size": [int(frame_size[0]), int(frame_size[1])], "scales": 3, "created": stamp,
        "code_version": __version__, "config_sha256": config_sha256, "source": list(source),
    }


def _group_json(attrs: Mapping[str, Any]) -> bytes:
    """The bytes of a Zarr v3 group's ``zarr.json`` with these attributes, as zarr writes them."""
    with tempfile.TemporaryDirectory() as tmp:
        zarr.open_group(tmp, mode="w", attributes=dict(attrs))
        return (Path(tmp) / "zarr.json").read_bytes()


def _ensure_group_local(folder: Path) -> None:
    """Create an empty group at ``folder`` unless one exists (atomic, safe under parallel jobs)."""
    meta = folder / "zarr.json"
    if meta.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    write_bytes(meta, _group_json({}))


def write_root(
    store_url: str | os.PathLike[str], attrs: Mapping[str, Any],
    storage_options: dict[str, Any] | None = None,
) -> None:
    """Write (replace) the root attributes; video groups already in the store are kept."""
    store = str(store_url)
    check_root_attrs(attrs, store)
    data = _group_json(attrs)
    if is_url(store):
        fs, path = fsspec.core.url_to_fs(store, **(storage_options or {}))
        fs.makedirs(path, exist_ok=True)
        fs.pipe_file(f"{path}/zarr.json", data)
    else:
        root = Path(local_path(store))
        root.mkdir(parents=True, exist_ok=True)
        write_bytes(root / "zarr.json", data)


def _build_group(folder: Path, arrays: Mapping[str, np.ndarray], attrs: dict[str, Any]) -> None:
    """Write a complete video group (attributes + the six arrays) into a local folder."""
    group = zarr.open_group(folder, mode="w", attributes=attrs)
    frames, height, width = arrays["B"].shape[:3]
    for spec in ARRAYS:
        group.create_array(
            spec.name, data=np.ascontiguousarray(arrays[spec.name]),
            chunks=spec.chunks(frames, height, width), compressors=COMPRESSOR,
            dimension_names=list(spec.dims), fill_value=np.zeros((), spec.dtype).item(),
        )


def write_video(
    store_url: str | os.PathLike[str], split: str, video: str,
    arrays: Mapping[str, np.ndarray], attrs: Mapping[str, Any],
    storage_options: dict[str, Any] | None = None,
) -> None:
    """Write one video group ``split/video`` atomically (see module docstring).

    ``arrays`` holds B, R, M, H, human, frame (schema dtypes and shapes, H_0 = I, M in {0,1});
    ``attrs`` holds recording, fps, kind (``frames`` is filled in from the arrays).
    Creates the root and split groups if missing; root attributes come from ``write_root``.
    """
    store = str(store_url)
    where = f"{split}/{video}"
    if split not in SPLITS:
        raise VidentError(f"split {split!r} is not one of {', '.join(SPLITS)}", store)
    if not video or "/" in video or video.startswith("."):
        raise VidentError(f"bad video name {video!r}", store)
    arrays = {name: np.asarray(value) for name, value in arrays.items()}
    frames = check_video(arrays, store, where)
    check_homographies(arrays["H"], store, where)
    check_mask(arrays["M"], store, where)
    if "frames" in attrs and attrs["frames"] != frames:
        raise VidentError(f"{where}: attribute frames is {attrs['frames']} but arrays hold "
                          f"{frames}", store)
    check_attrs({**attrs, "frames": frames}, VIDEO_ATTRS, store, where)
    extra = {k: v for k, v in attrs.items() if k not in VIDEO_ATTRS}
    group_attrs = {"recording": attrs["recording"], "frames": int(frames), "fps": attrs["fps"],
                   "kind": attrs["kind"], **extra}
    json.dumps(group_attrs)  # fail before writing anything if attributes are not JSON

    start = time.perf_counter()
    if is_url(store):
        _write_remote(store, split, video, arrays, group_attrs, storage_options)
    else:
        _write_local(Path(local_path(store)), split, video, arrays, group_attrs)
    elapsed = time.perf_counter() - start
    log.info("wrote %s %s: %d frames in %.1f s (%.0f frames/s)", store, where, frames, elapsed,
             frames / max(elapsed, 1e-9))


def _write_local(root: Path, split: str, video: str, arrays: Mapping[str, np.ndarray],
                 attrs: dict[str, Any]) -> None:
    _ensure_group_local(root)
    _ensure_group_local(root / split)
    # The temp folder sits beside the store (same file system, outside the Zarr hierarchy).
    tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.{split}.{video}.tmp-", dir=root.parent))
    try:
        _build_group(tmp / video, arrays, attrs)
        replace_dir(tmp / video, root / split / video)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_remote(store: str, split: str, video: str, arrays: Mapping[str, np.ndarray],
                  attrs: dict[str, Any], storage_options: dict[str, Any] | None) -> None:
    fs, root = fsspec.core.url_to_fs(store, **(storage_options or {}))
    for group in (root, f"{root}/{split}"):
        if not fs.exists(f"{group}/zarr.json"):
            fs.pipe_file(f"{group}/zarr.json", _group_json({}))
    target = f"{root}/{split}/{video}"
    if fs.exists(target):
        fs.rm(target, recursive=True)
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / video
        _build_group(local, arrays, attrs)
        files = sorted(p for p in local.rglob("*") if p.is_file() and p != local / "zarr.json")
        for path in files:
            fs.pipe_file(f"{target}/{path.relative_to(local).as_posix()}", path.read_bytes())
        fs.pipe_file(f"{target}/zarr.json", (local / "zarr.json").read_bytes())
