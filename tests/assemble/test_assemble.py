"""Assembly: stage stores of the sample (here: its truth) become a valid dataset and a card."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from vident.cli import main
from vident.errors import VidentError
from vident.io.reader import open_store, read_arrays
from vident.io.schema import validate_store
from vident.io.stage import read_stage, write_stage


def _stages(sample: Path, rec: str, out: Path) -> dict[str, Path]:
    truth = read_stage(sample / rec / "truth" / "truth.zarr", ["R", "D", "M", "H"])
    human = np.zeros(len(truth["M"]), bool)
    human[[int(p.stem) for p in (sample / rec / "annotations").glob("*.png")]] = True
    return {
        "blur": write_stage(out / rec / "blur.zarr", {"B": truth["D"]}),
        "colour": write_stage(out / rec / "colour.zarr", {"R": truth["R"]}),
        "masks": write_stage(out / rec / "masks.zarr", {"M": truth["M"], "human": human}),
        "motion": write_stage(out / rec / "motion.zarr", {"H": truth["H"]}),
    }


def _assemble_video(sample: Path, out: Path, rec: str, split: str, truth: bool = True) -> Path:
    s = _stages(sample, rec, out)
    summary = out / "parts" / f"{rec}.json"
    with_truth = ["--truth", str(sample / rec / "truth" / "truth.zarr")] if truth else []
    main(["assemble", "video", "--store", str(out / "lab.zarr"), "--split", split,
          "--video", rec, "--kind", "phantom", "--inputs", f"{s['blur']}:B",
          "--labels", f"{s['colour']}:R", "--masks", str(s["masks"]),
          "--motion", str(s["motion"]), *with_truth, "--summary", str(summary)])
    return summary


def test_assemble_dataset_and_card(sample_dir: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    parts = [_assemble_video(sample_dir, tmp_path, rec, split, truth)
             for rec, split, truth in (("phantom-00", "train", True), ("phantom-02", "val", True),
                                       ("phantom-03", "test", False))]
    card = tmp_path / "lab.card.md"
    main(["assemble", "dataset", "--store", str(tmp_path / "lab.zarr"), "--name", "vident-lab",
          "--summaries", *map(str, parts), "--config-sha256", "ab" * 32, "--card", str(card)])
    validate_store(tmp_path / "lab.zarr")
    root = open_store(tmp_path / "lab.zarr")
    assert root.attrs["created"] == "1970-01-01T00:00:00+00:00"
    assert root.attrs["source"] == ["phantom-00", "phantom-02", "phantom-03"]
    truth = read_stage(sample_dir / "phantom-02" / "truth" / "truth.zarr", ["R", "H"])
    back = read_arrays(root, "val", "phantom-02", ("R", "H", "human", "frame"))
    assert np.array_equal(back["R"], truth["R"]) and np.array_equal(back["H"], truth["H"])
    assert back["human"].sum() == 4 and back["frame"][-1] == len(truth["R"]) - 1
    text = card.read_text()
    assert "| Videos | 1 | 1 | 1 |" in text and "| Masks (human) | 1 | 4 | 4 |" in text
    # A recording without truth/ is assembled and carded, just without the truth row.
    assert "| phantom-02 | val |" in text and "| phantom-03 |" not in text
    summary = json.loads(parts[1].read_text())
    # Labels equal to the truth: infinite-PSNR guard, perfect IoU and zero MACE.
    assert summary["truth"]["iou_M"] == 1.0 and summary["truth"]["mace_H"] < 1e-6
    # Baselines are real measurements: noisy-free D vs R differ in colour only.
    assert 10 < summary["baseline"]["psnr"] / summary["frames"] < 40
    assert 0 < summary["baseline"]["iou"] / summary["frames"] < 0.9


def test_mismatched_stage_outputs_are_refused(sample_dir: Path, tmp_path: Path) -> None:
    s = _stages(sample_dir, "phantom-00", tmp_path)
    short = write_stage(tmp_path / "short.zarr", {"R": read_stage(s["colour"], ["R"])["R"][:-1]})
    with pytest.raises(VidentError, match="stage outputs disagree"):
        from vident.assemble import cli

        cli._video(cli.argparse.Namespace(
            store=str(tmp_path / "lab.zarr"), split="train", video="phantom-00", kind="phantom",
            inputs=f"{s['blur']}:B", labels=f"{short}:R", masks=s["masks"], motion=s["motion"],
            truth=None, fps=30.0, summary=tmp_path / "x.json"))
    assert not (tmp_path / "lab.zarr").exists() and not (tmp_path / "x.json").exists()
