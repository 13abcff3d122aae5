"""Read a recording's human annotations: ``NNNNNN.png`` teeth masks (0/255) for C1 frame NNNNNN."""

from __future__ import annotations

import os
import re
from pathlib import Path

import cv2
import numpy as np

from vident.errors import VidentError

ANNOTATION_NAME = re.compile(r"^(\d{6})\.png$")


def read_annotations(
    folder: str | os.PathLike[str], frames: int, size: tuple[int, int], *, required: bool = True
) -> dict[int, np.ndarray]:
    """Annotated frame index -> 0/1 uint8 mask (H,W), checked against the recording.

    Raises a VidentError naming the file for an annotation of a frame past ``frames``, one whose
    size is not ``size`` (H,W), an unreadable one, or (when ``required``) a missing or empty folder.
    """
    path = Path(folder)
    names = sorted(os.listdir(path)) if path.is_dir() else []
    found = {int(m.group(1)): path / n for n in names if (m := ANNOTATION_NAME.match(n))}
    if required and not found:
        raise VidentError(
            "no annotations (expected NNNNNN.png teeth masks); this split needs at least one", path
        )
    out: dict[int, np.ndarray] = {}
    for index, file in sorted(found.items()):
        if index >= frames:
            raise VidentError(
                f"annotation for frame {index}, but the recording has {frames} frames", file
            )
        image = cv2.imread(str(file), cv2.IMREAD_GRAYSCALE)
        if image is None:
            raise VidentError("cannot decode annotation (not a readable PNG)", file)
        if image.shape != tuple(size):
            raise VidentError(
                f"annotation is {image.shape[1]}x{image.shape[0]} "
                f"but frames are {size[1]}x{size[0]}",
                file,
            )
        out[index] = (image > 127).astype(np.uint8)
    return out
