"""Head structures: JSON round trip and errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vident.errors import VidentError
from vident.models.structure import ALL_SCALES, NSS_FOUND, HeadStructure


def test_json_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "structure.json"
    NSS_FOUND.to_json(path)
    assert json.loads(path.read_text()) == {
        "R": [True, False, True],
        "M": [False, True, True],
        "H": [False, False, True],
    }
    assert HeadStructure.from_json(path) == NSS_FOUND
    assert HeadStructure.from_matrix(NSS_FOUND.matrix()) == NSS_FOUND


def test_lower_finds_the_nearest_coarser_head() -> None:
    assert NSS_FOUND.lower("M", 1) == 2
    assert NSS_FOUND.lower("R", 1) == 3
    assert NSS_FOUND.lower("H", 3) is None
    assert ALL_SCALES.has("H", 1) and not NSS_FOUND.has("H", 1)


@pytest.mark.parametrize(
    "text", ['{"R": [true, false]}', '{"X": [true, true, true]}', '{"M": [1, 0, 1]}', "not json"]
)
def test_bad_structure_names_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(VidentError, match="bad.json"):
        HeadStructure.from_json(path)
