"""recordings.tsv loading: valid tables resolve, each kind of bad row names the table and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from vident.errors import VidentError
from vident.recordings import load_recordings

SCHEMA = Path(__file__).parents[1] / "workflow" / "schemas" / "recordings.schema.yaml"
HEADER = "recording\tc1\tc2\tsplit\tkind\tannotations\n"


@pytest.fixture()
def table(tmp_path: Path) -> Path:
    for sub in ("lab/c1", "lab/c2", "lab/ann", "real/c1", "real/ann"):
        (tmp_path / sub).mkdir(parents=True)
    path = tmp_path / "recordings.tsv"
    path.write_text(
        HEADER
        + "lab\tlab/c1\tlab/c2\ttrain\tphantom\tlab/ann\n"
        + "real\treal/c1\t\ttest\treal\treal/ann\n"
    )
    return path


def test_valid_table_resolves_paths(table: Path) -> None:
    df = load_recordings(table, SCHEMA)
    assert list(df.index) == ["lab", "real"]
    assert df.loc["lab", "c1"] == str(table.parent.resolve() / "lab" / "c1")
    assert df.loc["real", "c2"] == ""
    assert df.loc["real", "kind"] == "real"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("annotations\n", "annotations\tfps\n").replace("ann\n", "ann\t30\n"),
         "unknown column(s) fps"),
        (lambda t: t.replace("lab/c1\t", "lab/missing\t"), "line 2 (lab): c1 path"),
        (lambda t: t.replace("train", "training"), "line 2 (lab): split"),
        (lambda t: t.replace("lab/c2", ""), "line 2 (lab): c2"),
        (lambda t: t.replace("real\treal/c1\t\t", "real\treal/c1\tlab/c2\t"), "line 3 (real): c2"),
        (lambda t: t.replace("real\treal/c1", "lab\treal/c1"), "listed twice: lab"),
        (lambda t: HEADER, "no recordings listed"),
    ],
)
def test_bad_rows_name_table_and_line(table: Path, edit, message: str) -> None:
    table.write_text(edit(table.read_text()))
    with pytest.raises(VidentError, match=r"recordings\.tsv: ") as err:
        load_recordings(table, SCHEMA)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_table(tmp_path: Path) -> None:
    with pytest.raises(VidentError, match="recordings table not found"):
        load_recordings(tmp_path / "nope.tsv", SCHEMA)
