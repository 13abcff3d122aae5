"""Opening a vident dataset store (Zarr v3) read-only from a local path or an fsspec URL
(``memory://``, ``s3://``, ...) and reading its splits, videos and arrays."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import zarr
from zarr.errors import GroupNotFoundError, NodeTypeValidationError

from vident.errors import VidentError


def is_url(store_url: str | os.PathLike[str]) -> bool:
    """True for fsspec URLs (``proto://...``), False for local paths (and ``file://`` URLs)."""
    text = str(store_url)
    return "://" in text and not text.startswith("file://")


def local_path(store_url: str | os.PathLike[str]) -> str:
    """A local store path without a ``file://`` prefix."""
    text = os.fspath(store_url)
    return text[len("file://"):] if text.startswith("file://") else text


def open_store(
    store_url: str | os.PathLike[str], storage_options: dict[str, Any] | None = None
) -> zarr.Group:
    """The store's root group, read-only. Local paths and fsspec URLs open the same way."""
    url = str(store_url) if is_url(store_url) else local_path(store_url)
    if not is_url(url) and not os.path.isdir(url):
        raise VidentError("no such dataset store", url)
    try:
        return zarr.open_group(store=url, mode="r", storage_options=storage_options)
    except (FileNotFoundError, GroupNotFoundError, NodeTypeValidationError, ValueError) as err:
        raise VidentError(f"not a Zarr v3 group ({type(err).__name__}: {err})", url) from None


def list_videos(root: zarr.Group) -> dict[str, list[str]]:
    """Video names per split group in the store, e.g. ``{"train": ["rec01"], "val": [...]}``."""
    return {split: sorted(root[split].group_keys()) for split in sorted(root.group_keys())}


def video_group(root: zarr.Group, split: str, video: str) -> zarr.Group:
    """The group of one video; a missing split/video is a VidentError naming the store."""
    try:
        group = root[f"{split}/{video}"]
    except KeyError:
        raise VidentError(f"no video {split}/{video}", str(root.store)) from None
    if not isinstance(group, zarr.Group):
        raise VidentError(f"{split}/{video} is not a group", str(root.store))
    return group


def read_arrays(
    root: zarr.Group, split: str, video: str, names: tuple[str, ...] = ("B", "R", "M", "H"),
    frames: slice = slice(None),
) -> dict[str, np.ndarray]:
    """The named arrays of one video (rows ``frames`` of each) as numpy arrays."""
    group = video_group(root, split, video)
    return {name: np.asarray(group[name][frames]) for name in names}
