"""The dataset card: a Markdown summary in the shape of the dissertation's Tables 5.1 / 6.1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vident.io.schema import SPLITS


def _split_rows(summaries: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    rows = {}
    for split in SPLITS:
        parts = [s for s in summaries if s["split"] == split]
        if not parts:
            continue
        frames = sum(s["frames"] for s in parts)
        pairs = sum(s["frames"] - 1 for s in parts)
        base = {k: sum(s["baseline"][k] for s in parts) for k in ("psnr", "ssim", "mace", "iou")}
        rows[split] = {
            "Videos": len(parts), "Frames": frames,
            "Masks (human)": sum(s["human"] for s in parts),
            "Masks (network)": frames - sum(s["human"] for s in parts),
            "PSNR": base["psnr"] / frames, "SSIM": base["ssim"] / frames,
            "MACE": base["mace"] / max(pairs, 1), "IoU": base["iou"] / frames,
        }
    return rows


def _fmt(value: float, key: str) -> str:
    if key in ("Videos", "Frames") or key.startswith("Masks"):
        return f"{int(value):,}"
    return f"{value:.3f}" if key in ("SSIM", "IoU") else f"{value:.2f}"


def render_card(name: str, attrs: dict[str, Any], summaries: Sequence[dict[str, Any]]) -> str:
    """Markdown card: per-split sizes and baseline metrics, then label quality vs ground truth
    for recordings that have it."""
    rows = _split_rows(summaries)
    splits = list(rows)
    keys = list(next(iter(rows.values()))) if rows else []
    h, w = attrs["frame_size"]
    lines = [
        f"# {name}", "",
        f"Format `{attrs['format']}`, frames {h}×{w}, tasks {', '.join(attrs['tasks'])}, "
        f"{attrs['scales']} scales; vident {attrs['code_version']}, "
        f"config sha256 `{attrs['config_sha256'][:12]}`, created {attrs['created']}.", "",
        "Baseline rows compare the inputs with the labels: PSNR/SSIM of B vs R, MACE (px) of the "
        "identity homography vs H, IoU of an all-teeth mask vs M.", "",
        "| Data | " + " | ".join(s.capitalize() for s in splits) + " |",
        "|---|" + "---|" * len(splits),
    ]
    lines += [f"| {k} | " + " | ".join(_fmt(rows[s][k], k) for s in splits) + " |" for k in keys]
    truth = [s for s in summaries if s.get("truth")]
    if truth:
        lines += [
            "", "## Labels against ground truth", "",
            "Recordings with `truth/` (the phantom sample): how close the generated labels are.",
            "", "| Recording | Split | PSNR(B, R*) | PSNR(R, R*) | IoU(M, M*) | MACE(H, H*) px |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {s['video']} | {s['split']} | {s['truth']['psnr_B']:.2f} | "
            f"{s['truth']['psnr_R']:.2f} | {s['truth']['iou_M']:.3f} | {s['truth']['mace_H']:.3f} |"
            for s in sorted(truth, key=lambda s: s["video"])
        ]
    return "\n".join(lines) + "\n"
