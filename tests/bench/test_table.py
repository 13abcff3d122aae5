"""Benchmark tables: rows, bold best values, the balancer table; `vident bench table` end to end."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from vident.bench.cli import read_rows
from vident.bench.table import COLUMNS, balancers_table, models_table, scales_table
from vident.cli import main
from vident.errors import VidentError

NAN = math.nan


def _row(
    model: str,
    balancer: str,
    scale: int,
    psnr: float,
    mace: float,
    iou: float,
    params: float,
    fps: float,
    **sources: int,
) -> dict:
    return {
        "model": model,
        "balancer": balancer,
        "scale": scale,
        "dataset": "lab",
        "split": "test",
        "pairs": 10,
        "psnr": psnr,
        "ssim": psnr / 40,
        "mace": mace,
        "iou": iou,
        "ew": 0.02 if not math.isnan(psnr) else NAN,
        "r_source": sources.get("r", scale) if not math.isnan(psnr) else None,
        "m_source": sources.get("m", scale) if not math.isnan(iou) else None,
        "h_source": sources.get("h", scale) if not math.isnan(mace) else None,
        "params": params,
        "gflops": params / 1e6,
        "fps": fps,
        "device": "cpu",
        "size": "320x416",
        "fps_size": "320x416",
    }


def _rows() -> pd.DataFrame:
    rows = []
    for s in (1, 2, 3):
        k = s - 1
        rows += [
            _row("baseline", "", s, 40.0, 9.0, 0.2, NAN, NAN),  # better PSNR, but never bold
            _row("most-net++", "ls", s, 30.0 - k, 5.5, 0.64, 8.9e6, 5.0),
            _row("most-net++", "atb", s, 31.0 - k, 5.9, 0.60, 8.9e6, 5.0),
            _row("mimo-unet", "atb", s, 29.0 - k, NAN, NAN, 6.8e6, 4.6),
            _row("most-nss++", "atb", s, 32.0 - k, 4.9, 0.61, 6.8e6, 6.4, m=2, h=3),
        ]
    return pd.DataFrame(rows)[COLUMNS]


def _lines(text: str) -> dict[str, list[str]]:
    return {
        cells[0]: cells[1:]
        for cells in (
            [c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()[2:]
        )
    }


def test_models_table_rows_and_bold_best() -> None:
    text = models_table(_rows(), "atb")
    header = text.splitlines()[0]
    for name in ("PSNR", "SSIM", "MACE", "IoU", "E(W)", "#P(M)", "GFLOPs", "FPS"):
        assert name in header
    lines = _lines(text)
    assert list(lines) == ["BASELINE", "most-net++", "mimo-unet", "most-nss++"]
    assert lines["BASELINE"][:4] == ["40.00", "1.000", "9.00", "0.200"]
    assert lines["BASELINE"][5:] == ["–", "–", "–"]
    assert lines["most-net++"][0] == "31.00"  # the ATB run represents the model
    # IoU: the best is most-nss++'s 0.610; LS's 0.640 is not the run that represents most-net++
    assert lines["most-nss++"][:4] == ["**32.00**", "**0.800**", "**4.90**", "**0.610**"]
    assert lines["most-net++"][3] == "0.600"
    assert lines["mimo-unet"][2:4] == ["–", "–"]
    assert lines["most-nss++"][5:] == ["**6.8**", "**6.8**", "**6.4**"]
    assert lines["mimo-unet"][5] == "**6.8**"  # ties bold together
    assert lines["most-net++"][4] == "**0.0200**"  # every E(W) equal


def test_balancers_table_only_models_with_several_balancers() -> None:
    text = balancers_table(_rows())
    body = [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()[2:]]
    assert [r[:2] for r in body] == [["most-net++", "LS"], ["most-net++", "ATB"]]
    assert body[0][2] == "30.00" and body[1][2] == "**31.00**"
    assert body[0][4] == "**5.50**" and body[0][5] == "**0.640**"
    assert balancers_table(_rows()[lambda f: f["balancer"] != "ls"]) == ""


def test_scales_table_marks_resampled_values() -> None:
    lines = scales_table(_rows(), "atb").splitlines()[2:]
    nss = [
        [c.strip() for c in line.strip("|").split("|")] for line in lines if "most-nss++" in line
    ]
    assert [r[1] for r in nss] == ["1", "2", "3"]
    assert nss[0][2] == "32.00" and nss[0][4] == "4.90*" and nss[0][5] == "0.610*"
    assert nss[1][5] == "0.610" and nss[2][4] == "4.90"


@pytest.fixture()
def evaluated(trained: Path, tiny_store: Path, tmp_path: Path) -> list[Path]:
    model, base = tmp_path / "tiny.parquet", tmp_path / "baseline.parquet"
    common = [
        "--store",
        str(tiny_store),
        "--device",
        "cpu",
        "--size",
        "48",
        "64",
        "--warmup",
        "1",
        "--fps-iters",
        "2",
        "--dataset",
        "lab",
    ]
    main(["bench", "evaluate", "--model", str(trained), "--out", str(model), *common])
    main(["bench", "evaluate", "--baseline", "--out", str(base), *common])
    return [model, base]


def test_table_cli_writes_parquet_markdown_and_plots(evaluated: list[Path], tmp_path: Path):
    out, md = tmp_path / "bench" / "lab.parquet", tmp_path / "bench" / "lab.md"
    plots = tmp_path / "p"
    args = ["bench", "table", "--inputs", *map(str, evaluated), "--dataset", "lab",
            "--out", str(out), "--markdown", str(md), "--plots", str(plots)]
    main(args)
    rows = pd.read_parquet(out)
    assert len(rows) == 6 and set(rows["model"]) == {"baseline", "bench-tiny"}
    text = md.read_text()
    assert text.startswith("# Benchmark: lab (test split)")
    lines = _lines(text.split("## Models")[1].split("\n\n")[1])
    assert list(lines) == ["BASELINE", "bench-tiny"]
    assert lines["bench-tiny"][5:8] != ["–", "–", "–"] and "**" in lines["bench-tiny"][0]
    assert "## Task balancers" not in text
    for name in ("accuracy_fps.svg", "scales.svg", "balancers.svg"):
        svg = (plots / name).read_text()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    first = (plots / "scales.svg").read_bytes()
    main(args)
    assert (plots / "scales.svg").read_bytes() == first  # no dates or random ids


def test_table_rejects_other_datasets_and_duplicates(
    evaluated: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(VidentError, match="dataset 'lab', expected 'other'"):
        read_rows(evaluated[:1], "other")
    with pytest.raises(VidentError, match="more than one input"):
        read_rows([evaluated[0], evaluated[0]], "lab")
    md = tmp_path / "x.md"
    with pytest.raises(SystemExit) as stop:
        main(
            [
                "bench",
                "table",
                "--inputs",
                str(md),
                "--dataset",
                "lab",
                "--out",
                str(tmp_path / "x.parquet"),
                "--markdown",
                str(md),
                "--plots",
                str(tmp_path),
            ]
        )
    assert stop.value.code == 2 and "x.md: cannot read benchmark rows" in capsys.readouterr().err
    assert not md.exists()
