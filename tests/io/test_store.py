"""vident.io writer/reader/schema: round trip, determinism, fsspec URLs, schema violations."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import numpy as np
import pytest
import zarr

from vident.errors import VidentError
from vident.io.reader import list_videos, open_store, read_arrays
from vident.io.schema import ARRAYS, validate_store
from vident.io.writer import write_video

ATTRS = {"recording": "r", "fps": 30.0, "kind": "phantom"}


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def one_line_error(store, match: str) -> str:
    with pytest.raises(VidentError, match=match) as err:
        validate_store(store)
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(store))
    return message


def test_round_trip_is_exact(small_store: Path, small_videos):
    validate_store(small_store)
    root = open_store(small_store)
    assert list_videos(root) == {"train": ["v0", "v1"], "val": ["v2"]}
    assert root.attrs["format"] == "vident/1" and root.attrs["frame_size"] == [16, 24]
    group = root["train/v0"]
    assert dict(group.attrs) == {"recording": "v0", "frames": 6, "fps": 30.0, "kind": "phantom"}
    for spec in ARRAYS:
        assert group[spec.name].metadata.dimension_names == spec.dims
    assert group["B"].chunks == (1, 16, 24, 3) and group["M"].chunks == (1, 16, 24)
    names = tuple(spec.name for spec in ARRAYS)
    for (split, video), arrays in small_videos.items():
        back = read_arrays(root, split, video, names)
        for name in names:
            np.testing.assert_array_equal(back[name], arrays[name])
            assert back[name].dtype == arrays[name].dtype


def test_same_input_same_bytes(tmp_path: Path, make_store):
    a, b = make_store(str(tmp_path / "a.zarr")), make_store(str(tmp_path / "b.zarr"))
    bytes_a, bytes_b = tree_bytes(Path(a)), tree_bytes(Path(b))
    assert bytes_a == bytes_b and "train/v0/B/c/0/0/0/0" in bytes_a
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folders left


def test_rewriting_a_video_replaces_it_whole(tmp_path: Path, make_store, small_videos):
    store = make_store(str(tmp_path / "s.zarr"))
    shorter = {k: v[:3] for k, v in small_videos[("train", "v0")].items()}
    write_video(store, "train", "v0", shorter, ATTRS)
    validate_store(store)
    assert open_store(store)["train/v0/B"].shape == (3, 16, 24, 3)


def test_failed_write_keeps_the_old_video(tmp_path: Path, make_store, small_videos):
    store = make_store(str(tmp_path / "s.zarr"))
    before = tree_bytes(Path(store))
    bad = dict(small_videos[("train", "v0")], B=small_videos[("train", "v0")]["B"].astype(np.int16))
    with pytest.raises(VidentError, match="train/v0/B: dtype int16, expected uint8"):
        write_video(store, "train", "v0", bad, ATTRS)
    assert tree_bytes(Path(store)) == before


def test_memory_url_opens_like_a_local_store(make_store, small_videos):
    url = make_store(f"memory://vident-{uuid.uuid4().hex}/small.zarr")
    validate_store(url)
    root = open_store(url)
    assert list_videos(root) == {"train": ["v0", "v1"], "val": ["v2"]}
    np.testing.assert_array_equal(read_arrays(root, "val", "v2", ("R",))["R"],
                                  small_videos[("val", "v2")]["R"])


def test_missing_store(tmp_path: Path):
    one_line_error(tmp_path / "none.zarr", "no such dataset store")


@pytest.fixture
def store_copy(tmp_path: Path, small_store: Path) -> Path:
    copy = tmp_path / "copy.zarr"
    shutil.copytree(small_store, copy)
    return copy


def test_wrong_dtype_names_the_array(store_copy: Path):
    group = zarr.open_group(store_copy / "train" / "v1", mode="a")
    group.create_array("M", shape=(5, 16, 24), chunks=(1, 16, 24), dtype="float32",
                       dimension_names=["t", "y", "x"], overwrite=True)
    one_line_error(store_copy, "train/v1/M: dtype float32, expected uint8")


def test_missing_array_names_it(store_copy: Path):
    shutil.rmtree(store_copy / "val" / "v2" / "H")
    one_line_error(store_copy, r"val/v2: missing array\(s\) H")


def test_missing_attribute_names_it(store_copy: Path):
    meta = json.loads((store_copy / "zarr.json").read_text())
    del meta["attributes"]["config_sha256"]
    (store_copy / "zarr.json").write_text(json.dumps(meta))
    one_line_error(store_copy, r"root: missing attribute\(s\) config_sha256")


def test_missing_video_attribute_names_it(store_copy: Path):
    meta = json.loads((store_copy / "train" / "v0" / "zarr.json").read_text())
    del meta["attributes"]["fps"]
    (store_copy / "train" / "v0" / "zarr.json").write_text(json.dumps(meta))
    one_line_error(store_copy, r"train/v0: missing attribute\(s\) fps")


def test_bad_format_string(store_copy: Path):
    meta = json.loads((store_copy / "zarr.json").read_text())
    meta["attributes"]["format"] = "vident/0"
    (store_copy / "zarr.json").write_text(json.dumps(meta))
    one_line_error(store_copy, "format is 'vident/0', expected 'vident/1'")


def test_mismatched_length_names_the_array(store_copy: Path):
    group = zarr.open_group(store_copy / "train" / "v0", mode="a")
    group.create_array("human", shape=(5,), dtype="bool", dimension_names=["t"], overwrite=True)
    one_line_error(store_copy, r"train/v0/human: shape \(5,\), expected \(6,\)")


def test_values_h0_and_mask(store_copy: Path):
    group = zarr.open_group(store_copy / "train" / "v0", mode="a")
    group["M"][2, 3, 4] = 7
    one_line_error(store_copy, "train/v0/M: holds value 7")
    group["M"][2, 3, 4] = 1
    group["H"][0, 0, 2] = 3.0
    one_line_error(store_copy, "train/v0/H: H_0 is")
    validate_store(store_copy, values=False)  # metadata-only check does not read values


def test_missing_dimension_names(store_copy: Path):
    group = zarr.open_group(store_copy / "train" / "v0", mode="a")
    group.create_array("frame", shape=(6,), dtype="int32", overwrite=True)
    one_line_error(store_copy, r"train/v0/frame: dimension_names \[\], expected \['t'\]")


def test_writer_rejects_bad_values_before_writing(tmp_path: Path, small_videos):
    arrays = small_videos[("train", "v0")]
    store = tmp_path / "s.zarr"
    with pytest.raises(VidentError, match="H_0 is"):
        write_video(store, "train", "v0", dict(arrays, H=arrays["H"][::-1].copy()), ATTRS)
    with pytest.raises(VidentError, match=r"missing attribute\(s\) kind"):
        write_video(store, "train", "v0", arrays, {"recording": "r", "fps": 30.0})
    with pytest.raises(VidentError, match="split 'dev'"):
        write_video(store, "dev", "v0", arrays, ATTRS)
    assert not store.exists()
