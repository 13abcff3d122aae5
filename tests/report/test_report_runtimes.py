"""Per-stage runtimes from benchmark TSVs: grouping, sums, peak RSS, Markdown and the CLI."""

from __future__ import annotations

from pathlib import Path, PurePath

import pandas as pd
import pytest

from vident.cli import main
from vident.errors import VidentError
from vident.report.runtimes import runtime_markdown, runtime_table, stage_of

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def _bench(s: float, rss: str, cpu: float) -> str:
    return f"{s}\t0:00:00\t{rss}\t1\t1\t1\t0\t0\t50\t{cpu}\n"


def _frame(*rows: tuple[float, float, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["s", "max_rss", "cpu_time"])


def test_stage_of_uses_top_folder_or_file_name() -> None:
    assert stage_of(PurePath("motion/vident-lab/phantom-00.tsv")) == "motion"
    assert stage_of(PurePath("denoise/vident-lab.train.tsv")) == "denoise"
    assert stage_of(PurePath("sample.tsv")) == "sample"


def test_runtime_table_sums_time_and_keeps_peak_rss() -> None:
    table = runtime_table({
        PurePath("sync/a.tsv"): _frame((2.0, 100.0, 1.0)),
        PurePath("sync/b.tsv"): _frame((3.0, 300.0, 2.5)),
        PurePath("motion/lab/a.tsv"): _frame((10.0, 50.0, 8.0), (20.0, 70.0, 12.0)),  # repeat
        PurePath("sample.tsv"): _frame((1.0, float("nan"), 0.5)),
    })
    assert list(table.index) == ["motion", "sync", "sample", "total"]
    assert table.loc["motion"].tolist() == [1, 15.0, 10.0, 70.0]
    assert table.loc["sync"].tolist() == [2, 5.0, 3.5, 300.0]
    assert table.loc["total"].tolist() == [4, 21.0, 14.0, 300.0]
    text = runtime_markdown(table)
    assert "| sync | 2 | 5.0 | 3.5 | 300 |" in text and "| sample | 1 | 1.0 | 0.5 | – |" in text
    assert "| **total** | 4 | 21.0 | 14.0 | 300 |" in text


def test_runtimes_cli_writes_table_and_plot(tmp_path: Path) -> None:
    bench = tmp_path / "benchmarks"
    (bench / "blur").mkdir(parents=True)
    (bench / "blur" / "r1.tsv").write_text(HEADER + _bench(4.0, "200.5", 3.0))
    (bench / "blur" / "r2.tsv").write_text(HEADER + _bench(6.0, "NA", 5.0))
    (bench / "sample.tsv").write_text(HEADER + _bench(1.5, "80", 1.0))
    md, svg = tmp_path / "out" / "runtimes.md", tmp_path / "out" / "runtimes.svg"
    main(["report", "runtimes", "--benchmarks", str(bench), "--markdown", str(md),
          "--plot", str(svg)])
    assert "| blur | 2 | 10.0 | 8.0 | 200 |" in md.read_text()
    first = svg.read_bytes()
    assert first.startswith(b"<?xml") and b"<dc:date>" not in first
    main(["report", "runtimes", "--benchmarks", str(bench), "--markdown", str(md),
          "--plot", str(svg)])
    assert svg.read_bytes() == first
    with pytest.raises(VidentError, match="no benchmark files"):
        from vident.report import cli

        cli.run(cli.argparse.Namespace(action="runtimes", benchmarks=tmp_path / "out",
                                       markdown=md, plot=svg))
