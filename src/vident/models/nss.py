"""Neural Scale Search hooks on a MOST network's outputs (§6.2.2, eq. 6.1-6.4).

NSS couples the inner-scale output differences with (tasks x scales) gates and scores the gated
full-resolution estimate. For task i with outputs O^s at scales s = 1..S (S = 3, coarsest):

    Delta^s = u^{s,1}(O^s) - u^{s+1,1}(O^{s+1})                       (eq. 6.3)
    O_gated = u^{S,1}(O^S) + sum_{s=1}^{S-1} omega^s * Delta^s         (argument of eps^1, eq. 6.1)

u^{s,1} lifts an output from scale s to scale 1: bilinear upsampling for R and M; for H the
homography is conjugated to scale 1 and represented by the displacements of the four image
corners (MACE's own parametrisation, in which the sum is linear), then turned back into a
homography by DLT. The coarsest scale is the baseline and is never gated, so gates[:, S-1] is
ignored. Readings of the text (stated in the report): eq. 6.3 writes the difference as
coarse-minus-fine and scales the sum by 1/(S-1); here fine-minus-coarse without the factor, so
that keeping every scale (all gates 1) reproduces O^1 exactly and dropping every scale gives the
upsampled baseline; u^{s,1} o u^{s+1,s} is taken as u^{s+1,1} (exact telescoping).
"""

from __future__ import annotations

from torch import Tensor

from vident.homography import homography_to_offsets, offsets_to_homography, rescale_homography
from vident.models.blocks import resize
from vident.models.output import SCALES, MultiTaskOutput
from vident.models.structure import TASKS, HeadStructure


def nss_combine(out: MultiTaskOutput, gates: Tensor) -> dict[str, Tensor]:
    """Gated full-resolution estimate per task (eq. 6.1-6.3): {"R": (N,3,H,W), "M": (N,1,H,W),
    "H": (N,3,3)} for the tasks ``out`` predicts at every scale.

    gates: (tasks x scales) = (3, 3) weights omega, rows R, M, H; column s-1 gates Delta^s
    (typically Gumbel-softmax keep-samples during the search).
    """
    if gates.shape != (len(TASKS), SCALES):
        raise ValueError(f"gates must be ({len(TASKS)}, {SCALES}), got {tuple(gates.shape)}")
    size = next(r for r in out.R + out.M if r is not None).shape[-2:]
    h, w = int(size[0]), int(size[1])
    combined: dict[str, Tensor] = {}
    for row, task in enumerate(TASKS):
        outputs = getattr(out, task)
        if all(o is None for o in outputs):
            continue
        if any(o is None for o in outputs):
            raise ValueError(f"NSS needs task {task} at every scale (search on the full network)")
        if task == "H":
            lifted = [
                homography_to_offsets(rescale_homography(hom, s, 1), h, w)
                for s, hom in enumerate(outputs, start=1)
            ]
        else:
            lifted = [o if o.shape[-2:] == size else resize(o, (h, w)) for o in outputs]
        est = lifted[SCALES - 1]
        for s in range(SCALES - 1, 0, -1):
            est = est + gates[row, s - 1] * (lifted[s - 1] - lifted[s])
        combined[task] = offsets_to_homography(est, h, w) if task == "H" else est
    return combined


def derive_structure(keep_prob: Tensor, threshold: float = 0.5) -> HeadStructure:
    """Discrete structure from (tasks x scales) keep-probabilities: keep (task, s) when its
    probability exceeds ``threshold``; the coarsest scale, the NSS baseline, is always kept."""
    keep = (keep_prob > threshold).tolist()
    for row in keep:
        row[SCALES - 1] = True
    return HeadStructure.from_matrix(keep)
