"""vident.io.video: PNG folders, RAW Bayer demosaicking, containers, and bad input."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from vident.errors import VidentError
from vident.io.video import (
    frame_count,
    probe,
    raw_to_uint8,
    read_frames,
    read_video,
    write_png_frames,
)


def psnr(a: np.ndarray, b: np.ndarray, peak: float = 255.0) -> float:
    err = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float(10 * np.log10(peak**2 / err))


def smooth_colour(h: int, w: int) -> np.ndarray:
    """A smooth colour image in [0,1] whose channels differ (so a wrong pattern shows)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    return np.stack([
        0.5 + 0.35 * np.sin(x / 9.0),
        0.5 + 0.35 * np.cos(y / 7.0),
        0.3 + 0.4 * (x + y) / (h + w),
    ], axis=-1)


def rggb_mosaic(rgb: np.ndarray) -> np.ndarray:
    """Sample an RGB image on an RGGB Bayer grid (R at (0,0), B at (1,1))."""
    mosaic = np.empty(rgb.shape[:2], rgb.dtype)
    mosaic[0::2, 0::2] = rgb[0::2, 0::2, 0]
    mosaic[0::2, 1::2] = rgb[0::2, 1::2, 1]
    mosaic[1::2, 0::2] = rgb[1::2, 0::2, 1]
    mosaic[1::2, 1::2] = rgb[1::2, 1::2, 2]
    return mosaic


@pytest.fixture(scope="module")
def frames() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (5, 12, 16, 3), dtype=np.uint8)


def one_line(err: pytest.ExceptionInfo[VidentError], path: Path) -> str:
    message = str(err.value)
    assert "\n" not in message and str(path) in message
    return message


def test_png_folder_round_trip_is_exact_and_deterministic(tmp_path: Path, frames: np.ndarray):
    a = write_png_frames(tmp_path / "a", frames)
    b = write_png_frames(tmp_path / "b", frames)
    assert sorted(p.name for p in a.iterdir()) == [f"{i:06d}.png" for i in range(5)]
    np.testing.assert_array_equal(read_video(a), frames)
    np.testing.assert_array_equal(read_frames(a, [3, 0, 3]), frames[[3, 0, 3]])
    assert probe(a) == probe(b)
    info = probe(a)
    assert (info.frames, info.height, info.width, info.kind) == (5, 12, 16, "png")
    assert frame_count(a) == 5
    for name in ("000000.png", "000004.png"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left behind


def test_png_folder_is_replaced_whole(tmp_path: Path, frames: np.ndarray):
    write_png_frames(tmp_path / "a", frames)
    write_png_frames(tmp_path / "a", frames[:2])
    assert frame_count(tmp_path / "a") == 2


def test_opencv_bg_code_demosaicks_rggb(tmp_path: Path):
    truth = smooth_colour(48, 64)
    mosaic16 = np.round(rggb_mosaic(truth) * 65535).astype(np.uint16)
    folder = write_png_frames(tmp_path / "raw", np.stack([mosaic16, mosaic16]))
    assert probe(folder).kind == "bayer"
    np.testing.assert_array_equal(read_video(folder, raw=True)[1], mosaic16)
    rgb = read_video(folder)
    assert rgb.shape == (2, 48, 64, 3) and rgb.dtype == np.uint8
    truth8 = np.round(truth * 255)
    inner = (slice(2, -2), slice(2, -2))
    assert psnr(rgb[0][inner], truth8[inner]) > 30
    # The "usual" name for this pattern, RG, demosaicks as if R and B sat elsewhere: it fails.
    wrong = raw_to_uint8(cv2.cvtColor(mosaic16, cv2.COLOR_BayerRG2RGB))
    assert psnr(wrong[inner], truth8[inner]) < 25


def test_raw_to_uint8_endpoints():
    np.testing.assert_array_equal(raw_to_uint8(np.array([0, 128, 257, 65535], np.uint16)),
                                  [0, 0, 1, 255])


def test_mp4_reads_back_within_codec_tolerance(tmp_path: Path):
    truth = (smooth_colour(64, 80) * 255).astype(np.uint8)
    clip = np.stack([np.roll(truth, 2 * t, axis=1) for t in range(6)])
    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 80, 64, "yuv444p"
        stream.options = {"crf": "10"}
        for frame in clip:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    info = probe(path)
    assert (info.frames, info.height, info.width, info.kind) == (6, 64, 80, "container")
    assert info.fps == pytest.approx(25)
    video = read_video(path)
    assert video.shape == clip.shape
    assert psnr(video, clip) > 35
    np.testing.assert_array_equal(read_frames(path, [4, 1]), video[[4, 1]])


def test_missing_path(tmp_path: Path):
    with pytest.raises(VidentError, match="no such file") as err:
        read_video(tmp_path / "nope")
    one_line(err, tmp_path / "nope")


def test_empty_folder(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(VidentError, match="no frames") as err:
        probe(tmp_path / "empty")
    one_line(err, tmp_path / "empty")


def test_truncated_png_names_the_frame(tmp_path: Path, frames: np.ndarray):
    folder = write_png_frames(tmp_path / "a", frames)
    bad = folder / "000002.png"
    bad.write_bytes(bad.read_bytes()[:60])
    with pytest.raises(VidentError, match="corrupt or truncated") as err:
        read_video(folder)
    one_line(err, bad)


def test_garbage_mp4(tmp_path: Path):
    path = tmp_path / "broken.mp4"
    path.write_bytes(b"this is not a video" * 50)
    with pytest.raises(VidentError, match="cannot open video") as err:
        read_video(path)
    one_line(err, path)


def test_inconsistent_frame_size_names_the_frame(tmp_path: Path, frames: np.ndarray):
    folder = write_png_frames(tmp_path / "a", frames)
    cv2.imwrite(str(folder / "000003.png"), np.zeros((10, 16, 3), np.uint8))
    with pytest.raises(VidentError, match="16x10") as err:
        read_video(folder)
    one_line(err, folder / "000003.png")


def test_inconsistent_channels_names_the_frame(tmp_path: Path, frames: np.ndarray):
    folder = write_png_frames(tmp_path / "a", frames)
    cv2.imwrite(str(folder / "000001.png"), np.zeros((12, 16), np.uint16))
    with pytest.raises(VidentError, match="colour type 0") as err:
        read_frames(folder, [0])
    one_line(err, folder / "000001.png")


def test_gap_in_numbering(tmp_path: Path, frames: np.ndarray):
    folder = write_png_frames(tmp_path / "a", frames)
    (folder / "000002.png").unlink()
    with pytest.raises(VidentError, match="000002.png is missing") as err:
        frame_count(folder)
    one_line(err, folder / "000003.png")
