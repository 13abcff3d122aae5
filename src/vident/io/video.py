"""Reading recordings (PNG frame folders, RAW Bayer PNG folders, video containers) and writing
lossless PNG frame folders.

A PNG folder holds frames ``NNNNNN.png`` numbered consecutively from ``000000``: either 8-bit
RGB frames (kind ``png``) or 16-bit single-channel RAW Bayer RGGB mosaics (kind ``bayer``).
RAW values use the full 16-bit range; demosaicked frames are scaled to uint8 by ``/257``.
Anything PyAV can decode (mp4, avi, mkv, ...) is a ``container``.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import struct
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from tqdm import tqdm

from vident.errors import VidentError

log = logging.getLogger(__name__)

FRAME_NAME = re.compile(r"^(\d{6})\.png$")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# OpenCV names a Bayer pattern by the 2x2 block starting at pixel (1, 1), so a sensor whose
# top-left block is R G / G B ("RGGB") is OpenCV's "BG" code (tests/io/test_video.py proves it).
RGGB_TO_RGB = cv2.COLOR_BayerBG2RGB
Kind = Literal["png", "bayer", "container"]


@dataclass(frozen=True)
class VideoInfo:
    """A recording's frame count, frame size, storage kind and frame rate (None if unknown)."""

    frames: int
    height: int
    width: int
    kind: Kind
    fps: float | None


@dataclass(frozen=True)
class _PngHeader:
    width: int
    height: int
    bit_depth: int
    colour_type: int


def demosaic_rggb(mosaic: np.ndarray) -> np.ndarray:
    """RGGB Bayer mosaic (H,W) uint16 -> (H,W,3) uint16 RGB by OpenCV bilinear demosaicking."""
    return cv2.cvtColor(np.ascontiguousarray(mosaic), RGGB_TO_RGB)


def raw_to_uint8(rgb16: np.ndarray) -> np.ndarray:
    """Full-range 16-bit values -> uint8 (rounded ``x / 257``, so 65535 -> 255 exactly)."""
    return ((rgb16.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)


def _frame_paths(folder: Path) -> list[Path]:
    """The folder's frames in order; raises on an empty folder or a gap in the numbering."""
    numbered = sorted(
        (int(m.group(1)), folder / name)
        for name in os.listdir(folder)
        if (m := FRAME_NAME.match(name))
    )
    if not numbered:
        raise VidentError("no frames (expected NNNNNN.png files numbered from 000000)", folder)
    for expected, (index, path) in enumerate(numbered):
        if index != expected:
            raise VidentError(f"frame {expected:06d}.png is missing (numbering has a gap)", path)
    return [path for _, path in numbered]


def _png_header(path: Path) -> _PngHeader:
    """Parse a PNG's IHDR chunk (33 bytes) without decoding the image."""
    try:
        with open(path, "rb") as f:
            head = f.read(33)
    except OSError as err:
        raise VidentError(f"cannot read frame ({err.strerror})", path) from None
    if len(head) < 33 or head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        raise VidentError("not a PNG image (bad signature or header)", path)
    width, height, bit_depth, colour_type = struct.unpack(">IIBB", head[16:26])
    return _PngHeader(width, height, bit_depth, colour_type)


def _kind_of(header: _PngHeader, path: Path) -> Kind:
    if header.bit_depth == 8 and header.colour_type == 2:
        return "png"
    if header.bit_depth == 16 and header.colour_type == 0:
        return "bayer"
    raise VidentError(
        f"unsupported PNG frame (bit depth {header.bit_depth}, colour type {header.colour_type}); "
        "expected 8-bit RGB or 16-bit single-channel RAW Bayer",
        path,
    )


def _check_folder(folder: Path) -> tuple[list[Path], VideoInfo]:
    """Frame paths and info; every frame's header must match the first (size, depth, channels)."""
    paths = _frame_paths(folder)
    first = _png_header(paths[0])
    kind = _kind_of(first, paths[0])
    for path in paths[1:]:
        header = _png_header(path)
        if header != first:
            raise VidentError(
                f"frame is {header.width}x{header.height} (depth {header.bit_depth}, colour type "
                f"{header.colour_type}) but {paths[0].name} is {first.width}x{first.height} "
                f"(depth {first.bit_depth}, colour type {first.colour_type})",
                path,
            )
    return paths, VideoInfo(len(paths), first.height, first.width, kind, None)


def _decode_png(path: Path, info: VideoInfo, raw: bool) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise VidentError("cannot decode frame (corrupt or truncated PNG)", path)
    if info.kind == "png":
        return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    return image if raw else raw_to_uint8(demosaic_rggb(image))


def _existing(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.exists():
        raise VidentError("no such file or folder", p)
    return p


def _open_container(path: Path):  # noqa: ANN202 - av.container.InputContainer
    import av

    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as err:
        raise VidentError(f"cannot open video ({err})", path) from None
    if not container.streams.video:
        container.close()
        raise VidentError("file holds no video stream", path)
    return container


def _decode_container(path: Path, keep: set[int] | None = None) -> tuple[list[np.ndarray], float]:
    """Decode a container's frames as RGB (only the indices in ``keep`` when given)."""
    import av

    frames: list[np.ndarray] = []
    with _open_container(path) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate) if stream.average_rate else 0.0
        try:
            for i, frame in enumerate(container.decode(stream)):
                if keep is None or i in keep:
                    frames.append(frame.to_ndarray(format="rgb24"))
                if keep is not None and len(frames) == len(keep):
                    break
        except av.error.FFmpegError as err:
            raise VidentError(f"cannot decode video ({err})", path) from None
    if not frames and keep is None:
        raise VidentError("video has no decodable frames", path)
    return frames, fps


def probe(path: str | os.PathLike[str]) -> VideoInfo:
    """Frame count, size, kind and fps of a recording, reading only PNG headers for folders."""
    p = _existing(path)
    if p.is_dir():
        return _check_folder(p)[1]
    with _open_container(p) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate) if stream.average_rate else None
        height, width = stream.codec_context.height, stream.codec_context.width
        count = stream.frames
    if count <= 0:  # container without a frame count in its header: count by decoding
        frames, _ = _decode_container(p)
        count, (height, width) = len(frames), frames[0].shape[:2]
    return VideoInfo(count, height, width, "container", fps)


def frame_count(path: str | os.PathLike[str]) -> int:
    """Number of frames in a recording."""
    return probe(path).frames


def read_frames(
    path: str | os.PathLike[str], indices: Sequence[int], *, raw: bool = False
) -> np.ndarray:
    """Frames at ``indices`` (in that order) as (N,H,W,3) uint8 RGB, or (N,H,W) uint16 if raw.

    PNG folders decode only the frames asked for; containers decode up to the last one asked for.
    """
    p = _existing(path)
    index = [int(i) for i in indices]
    if p.is_dir():
        paths, info = _check_folder(p)
        _check_indices(index, info.frames, p)
        _check_raw(raw, info, p)
        if not index:
            return _empty(info, raw)
        return np.stack([_decode_png(paths[i], info, raw) for i in index])
    _check_raw(raw, None, p)
    _check_indices(index, None, p)
    wanted = sorted(set(index))
    decoded, _ = _decode_container(p, set(wanted))
    if len(decoded) < len(wanted):
        raise VidentError(f"frame index {wanted[len(decoded)]} out of range", p)
    by_index = dict(zip(wanted, decoded, strict=True))
    return np.stack([by_index[i] for i in index]) if index else np.zeros((0, 0, 0, 3), np.uint8)


def read_video(path: str | os.PathLike[str], *, raw: bool = False) -> np.ndarray:
    """All frames of a recording: (T,H,W,3) uint8 RGB, or (T,H,W) uint16 mosaics if ``raw``."""
    p = _existing(path)
    start = time.perf_counter()
    if p.is_dir():
        paths, info = _check_folder(p)
        _check_raw(raw, info, p)
        template = _empty(info, raw)
        out = np.empty((info.frames, *template.shape[1:]), template.dtype)
        for i, frame_path in enumerate(tqdm(paths, desc=f"read {p.name}", leave=False)):
            out[i] = _decode_png(frame_path, info, raw)
    else:
        _check_raw(raw, None, p)
        out = np.stack(_decode_container(p)[0])
    elapsed = time.perf_counter() - start
    log.debug("read %s: %d frames in %.2f s (%.0f frames/s)", p, len(out), elapsed,
              len(out) / max(elapsed, 1e-9))
    return out


def _empty(info: VideoInfo, raw: bool) -> np.ndarray:
    if raw:
        return np.zeros((0, info.height, info.width), np.uint16)
    return np.zeros((0, info.height, info.width, 3), np.uint8)


def _check_raw(raw: bool, info: VideoInfo | None, path: Path) -> None:
    if raw and (info is None or info.kind != "bayer"):
        raise VidentError("raw=True needs a folder of 16-bit RAW Bayer PNG frames", path)


def _check_indices(index: list[int], count: int | None, path: Path) -> None:
    bad = [i for i in index if i < 0 or (count is not None and i >= count)]
    if bad:
        total = "" if count is None else f" (recording has {count} frames)"
        raise VidentError(f"frame index {bad[0]} out of range{total}", path)


def write_png_frames(folder: str | os.PathLike[str], frames: np.ndarray) -> Path:
    """Write frames losslessly as ``folder/NNNNNN.png``, atomically (temp folder, then rename).

    ``frames`` is (T,H,W,3) uint8 RGB or (T,H,W) uint16 RAW Bayer. Same frames -> same bytes.
    An existing folder is replaced only once the new one is complete.
    """
    out = Path(folder)
    frames = np.asarray(frames)
    rgb = frames.ndim == 4 and frames.shape[-1] == 3 and frames.dtype == np.uint8
    bayer = frames.ndim == 3 and frames.dtype == np.uint16
    if not (rgb or bayer):
        raise ValueError(
            f"frames must be (T,H,W,3) uint8 or (T,H,W) uint16, got {frames.shape} {frames.dtype}"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        for i, frame in enumerate(tqdm(frames, desc=f"write {out.name}", leave=False)):
            image = cv2.cvtColor(frame, cv2.COLOR_RGB2BGR) if rgb else frame
            if not cv2.imwrite(str(tmp / f"{i:06d}.png"), image, [cv2.IMWRITE_PNG_COMPRESSION, 6]):
                raise VidentError("cannot write PNG frame", tmp / f"{i:06d}.png")
        os.chmod(tmp, 0o755)
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def replace_dir(new: Path, target: Path) -> None:
    """Move the complete folder ``new`` to ``target``, replacing an existing ``target``.

    The old folder is renamed aside first and removed last, so ``target`` is never half-written.
    """
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, old / target.name)
        os.rename(new, target)
        shutil.rmtree(old)
    else:
        os.rename(new, target)
