"""The vident dataset schema (design §5) as data, and its validator.

```
<name>.zarr/   attrs: ROOT_ATTRS (format "vident/1")
  train|val|test/<video>/   attrs: VIDEO_ATTRS
    B, R, M, H, human, frame   (ARRAYS: dtype, dimension names, chunking)
```
``check_video`` checks arrays in memory (the writer calls it before writing anything);
``validate_store`` checks a whole store and names the store, the group/array and the problem.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from vident.errors import VidentError

FORMAT = "vident/1"
SPLITS = ("train", "val", "test")
ROOT_ATTRS = (
    "format", "name", "tasks", "frame_size", "scales", "created", "code_version",
    "config_sha256", "source",
)
VIDEO_ATTRS = ("recording", "frames", "fps", "kind")
# Sizes of the named dimensions other than t, y, x (which come from the video).
FIXED_DIMS = {"c": 3, "i": 3, "j": 3}
VALUE_BLOCK = 64  # frames of M read at a time when checking values


@dataclass(frozen=True)
class ArraySpec:
    """One array of a video group: dtype, named dimensions, and whether chunks hold one frame."""

    name: str
    dtype: str
    dims: tuple[str, ...]
    frame_chunks: bool
    doc: str

    def shape(self, frames: int, height: int, width: int) -> tuple[int, ...]:
        sizes = {"t": frames, "y": height, "x": width, **FIXED_DIMS}
        return tuple(sizes[d] for d in self.dims)

    def chunks(self, frames: int, height: int, width: int) -> tuple[int, ...]:
        shape = self.shape(frames, height, width)
        return (1, *shape[1:]) if self.frame_chunks else shape


ARRAYS = (
    ArraySpec("B", "uint8", ("t", "y", "x", "c"), True, "input frames (RGB)"),
    ArraySpec("R", "uint8", ("t", "y", "x", "c"), True, "restoration target (RGB)"),
    ArraySpec("M", "uint8", ("t", "y", "x"), True, "teeth mask, 0/1"),
    ArraySpec("H", "float32", ("t", "i", "j"), False,
              "x_t = H_t x_{t-1} in full-resolution pixels; H_0 = I"),
    ArraySpec("human", "bool", ("t",), False, "True where M is a human annotation"),
    ArraySpec("frame", "int32", ("t",), False, "index of the source C1 frame"),
)
SPECS = {spec.name: spec for spec in ARRAYS}


class ArrayLike(Protocol):
    shape: tuple[int, ...]
    dtype: Any


def _fail(store: str, where: str, problem: str) -> VidentError:
    return VidentError(f"{where}: {problem}", store)


def check_attrs(
    attrs: Mapping[str, Any], required: tuple[str, ...], store: str, where: str
) -> None:
    """Every required attribute is present."""
    missing = [key for key in required if key not in attrs]
    if missing:
        raise _fail(store, where, f"missing attribute(s) {', '.join(missing)}")


def check_root_attrs(attrs: Mapping[str, Any], store: str) -> tuple[int, int]:
    """Root attributes are complete and well-formed; returns frame_size (H, W)."""
    check_attrs(attrs, ROOT_ATTRS, store, "root")
    if attrs["format"] != FORMAT:
        raise _fail(store, "root", f"attribute format is {attrs['format']!r}, expected {FORMAT!r}")
    size = attrs["frame_size"]
    if not (isinstance(size, list | tuple) and len(size) == 2
            and all(isinstance(v, int) and v > 0 for v in size)):
        raise _fail(store, "root", f"attribute frame_size is {size!r}, expected [H, W]")
    if attrs["scales"] != 3:
        raise _fail(store, "root", f"attribute scales is {attrs['scales']!r}, expected 3")
    return int(size[0]), int(size[1])


def check_video(
    arrays: Mapping[str, ArrayLike], store: str, where: str,
    frame_size: tuple[int, int] | None = None,
) -> int:
    """Arrays of one video: all present, right dtype and shape, one length T. Returns T."""
    missing = [spec.name for spec in ARRAYS if spec.name not in arrays]
    if missing:
        raise _fail(store, where, f"missing array(s) {', '.join(missing)}")
    first = arrays["B"].shape
    if len(first) != 4:
        raise _fail(store, f"{where}/B", f"has {len(first)} dimensions, expected 4 (t,y,x,c)")
    frames, height, width = first[0], first[1], first[2]
    if frame_size is not None and (height, width) != tuple(frame_size):
        raise _fail(store, f"{where}/B",
                    f"frame size {height}x{width} differs from the store's {frame_size[0]}x"
                    f"{frame_size[1]}")
    if frames < 1:
        raise _fail(store, f"{where}/B", "has no frames")
    for spec in ARRAYS:
        array = arrays[spec.name]
        if np.dtype(array.dtype) != np.dtype(spec.dtype):
            raise _fail(store, f"{where}/{spec.name}",
                        f"dtype {np.dtype(array.dtype)}, expected {spec.dtype}")
        expected = spec.shape(frames, height, width)
        if tuple(array.shape) != expected:
            raise _fail(store, f"{where}/{spec.name}",
                        f"shape {tuple(array.shape)}, expected {expected} "
                        f"({','.join(spec.dims)}; T must match B)")
    return frames


def check_homographies(h: np.ndarray, store: str, where: str) -> None:
    """Every H_t is finite and H_0 is the identity."""
    if not np.all(np.isfinite(h)):
        raise _fail(store, f"{where}/H", "holds non-finite values")
    if not np.allclose(h[0], np.eye(3), atol=1e-6):
        raise _fail(store, f"{where}/H", f"H_0 is {h[0].tolist()}, expected the identity")


def check_mask(m: np.ndarray, store: str, where: str) -> None:
    """M holds only 0 and 1."""
    bad = np.setdiff1d(np.unique(m), [0, 1])
    if bad.size:
        raise _fail(store, f"{where}/M", f"holds value {int(bad[0])}; masks must be 0/1")


def _check_layout(group: Any, store: str, where: str, shape: tuple[int, int, int]) -> None:
    """Dimension names and chunking of a stored video's arrays."""
    for spec in ARRAYS:
        array = group[spec.name]
        names = tuple(array.metadata.dimension_names or ())
        if names != spec.dims:
            raise _fail(store, f"{where}/{spec.name}",
                        f"dimension_names {list(names)}, expected {list(spec.dims)}")
        if spec.frame_chunks and tuple(array.chunks) != spec.chunks(*shape):
            raise _fail(store, f"{where}/{spec.name}",
                        f"chunks {tuple(array.chunks)}, expected {spec.chunks(*shape)}")


def validate_store(
    store_url: str | os.PathLike[str], *, values: bool = True,
    storage_options: dict[str, Any] | None = None,
) -> None:
    """Raise VidentError naming the store, group/array and problem if it breaks the schema.

    ``values=False`` skips reading M and H (metadata only; cheap enough for every open).
    """
    import zarr

    from vident.io.reader import open_store

    root = open_store(store_url, storage_options)
    store = str(store_url)
    frame_size = check_root_attrs(dict(root.attrs), store)
    for split in sorted(root.group_keys()):
        if split not in SPLITS:
            raise _fail(store, split, f"unexpected group; splits are {', '.join(SPLITS)}")
        for video in sorted(root[split].group_keys()):
            where = f"{split}/{video}"
            group = root[where]
            check_attrs(dict(group.attrs), VIDEO_ATTRS, store, where)
            arrays = {name: node for name, node in group.members() if isinstance(node, zarr.Array)}
            frames = check_video(arrays, store, where, frame_size)
            if group.attrs["frames"] != frames:
                raise _fail(store, where, f"attribute frames is {group.attrs['frames']!r} "
                                          f"but arrays hold {frames}")
            _check_layout(group, store, where, (frames, *frame_size))
            if values:
                check_homographies(np.asarray(group["H"][:]), store, where)
                for start in range(0, frames, VALUE_BLOCK):
                    check_mask(np.asarray(group["M"][start:start + VALUE_BLOCK]), store, where)
