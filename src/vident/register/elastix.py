"""elastix (through SimpleITK-SimpleElastix) registrations of one grey frame pair.

The fixed image is the C1 frame, the moving image the C2 frame; the metric is Mattes mutual
information (the cameras' colours differ). elastix writes files and prints to stdout, so every
call runs in a private scratch folder with stdout silenced.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from vident.errors import VidentError
from vident.register.affine import elastix_to_matrix, matrix_to_elastix

FIX = "pip uninstall -y SimpleITK SimpleITK-SimpleElastix && pip install SimpleITK-SimpleElastix"


def require_elastix() -> ModuleType:
    """The SimpleITK module, checked to carry elastix (plain SimpleITK silently replaces it)."""
    try:
        import SimpleITK as sitk
    except ImportError:
        raise VidentError(f"SimpleITK is not installed; install elastix with `{FIX}`") from None
    if not hasattr(sitk, "ElastixImageFilter"):
        raise VidentError("the installed SimpleITK has no elastix (SimpleITK.ElastixImageFilter "
                          f"is missing: plain SimpleITK replaced SimpleITK-SimpleElastix); fix "
                          f"with `{FIX}`")
    return sitk


@dataclass(frozen=True)
class ElastixSettings:
    """Registration settings: a full multi-resolution run for the first frame, a shorter one for
    frames initialised from their predecessor; B-spline control points ``grid`` px apart."""

    iterations: int = 256
    resolutions: int = 4
    tracking_iterations: int = 64
    tracking_resolutions: int = 1
    samples: int = 2048
    bins: int = 32
    grid: float = 16.0
    seed: int = 0
    threads: int = 1


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence writes to file descriptor 1 (elastix prints from C++)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


class Elastix:
    """Runs elastix registrations of (H,W) float32 grey frames in the scratch folder ``work``."""

    def __init__(self, settings: ElastixSettings, work: Path) -> None:
        self.sitk = require_elastix()
        self.settings = settings
        self.work = Path(work)
        self.work.mkdir(parents=True, exist_ok=True)

    def affine(self, fixed: np.ndarray, moving: np.ndarray, init: np.ndarray | None
               ) -> np.ndarray:
        """3x3 affine mapping C1 (fixed) px to C2 (moving) px; starts from ``init`` (3x3) when
        given, otherwise from the identity with a full multi-resolution run."""
        s = self.settings
        tracking = init is not None
        pm = self._map("affine", s.tracking_iterations if tracking else s.iterations,
                       s.tracking_resolutions if tracking else s.resolutions)
        result = self._run(fixed, moving, [pm], init)
        found = result[0]
        matrix = elastix_to_matrix([float(v) for v in found["TransformParameters"]],
                                   [float(v) for v in found["CenterOfRotationPoint"]])
        # elastix composes: point -> initial transform -> the transform it found.
        return matrix @ init if tracking else matrix

    def bspline_positions(self, fixed: np.ndarray, moving: np.ndarray, init: np.ndarray
                          ) -> np.ndarray:
        """(H,W,2) C2 (moving) position of every C1 (fixed) pixel after a B-spline registration
        on top of the affine ``init`` (3x3, C1 -> C2)."""
        s = self.settings
        pm = self._map("bspline", s.iterations, s.tracking_resolutions)
        pm["FinalGridSpacingInPhysicalUnits"] = [str(s.grid)]
        pm["GridSpacingSchedule"] = [str(2.0**k) for k in range(s.tracking_resolutions)][::-1]
        result = self._run(fixed, moving, [pm], init)
        transformix = self.sitk.TransformixImageFilter()
        transformix.LogToConsoleOff()
        transformix.LogToFileOff()
        transformix.SetOutputDirectory(str(self.work))
        transformix.SetTransformParameterMaps(result)
        transformix.ComputeDeformationFieldOn()
        transformix.SetMovingImage(self.sitk.GetImageFromArray(moving.astype(np.float32)))
        with _quiet_stdout():
            transformix.Execute()
        field = self.sitk.GetArrayFromImage(transformix.GetDeformationField()).astype(np.float32)
        h, w = fixed.shape
        grid = np.stack(np.meshgrid(np.arange(w, dtype=np.float32),
                                    np.arange(h, dtype=np.float32)), axis=-1)
        return grid + field

    def _map(self, kind: str, iterations: int, resolutions: int):  # noqa: ANN202 - ParameterMap
        s = self.settings
        pm = self.sitk.GetDefaultParameterMap(kind)
        pm["Metric"] = ["AdvancedMattesMutualInformation"]
        pm["Registration"] = ["MultiResolutionRegistration"]
        pm["NumberOfHistogramBins"] = [str(s.bins)]
        pm["NumberOfSpatialSamples"] = [str(s.samples)]
        pm["MaximumNumberOfIterations"] = [str(iterations)]
        pm["NumberOfResolutions"] = [str(resolutions)]
        pm["RandomSeed"] = [str(s.seed)]
        pm["WriteResultImage"] = ["false"]
        return pm

    def _run(self, fixed: np.ndarray, moving: np.ndarray, maps: list, init: np.ndarray | None
             ) -> list:
        sitk = self.sitk
        f = sitk.ElastixImageFilter()
        f.LogToConsoleOff()
        f.LogToFileOff()
        f.SetOutputDirectory(str(self.work))
        f.SetNumberOfThreads(self.settings.threads)
        f.SetFixedImage(sitk.GetImageFromArray(fixed.astype(np.float32)))
        f.SetMovingImage(sitk.GetImageFromArray(moving.astype(np.float32)))
        f.SetParameterMaps(maps)
        if init is not None:
            f.SetInitialTransformParameterFileName(self._write_initial(init, fixed.shape))
        try:
            with _quiet_stdout():
                f.Execute()
        except RuntimeError as err:
            raise VidentError(f"elastix failed: {str(err).strip().splitlines()[-1]}") from None
        return list(f.GetTransformParameterMap())

    def _write_initial(self, matrix: np.ndarray, shape: tuple[int, int]) -> str:
        """An elastix transform parameter file holding the affine ``matrix`` (C1 -> C2)."""
        h, w = shape
        centre = [(w - 1) / 2.0, (h - 1) / 2.0]
        pm = self.sitk.GetDefaultParameterMap("affine")
        entries = {
            "Transform": ["AffineTransform"],
            "NumberOfParameters": ["6"],
            "TransformParameters": [repr(float(v)) for v in matrix_to_elastix(matrix, centre)],
            "CenterOfRotationPoint": [repr(c) for c in centre],
            "InitialTransformParameterFileName": ["NoInitialTransform"],
            "HowToCombineTransforms": ["Compose"],
            "FixedImageDimension": ["2"],
            "MovingImageDimension": ["2"],
            "FixedInternalImagePixelType": ["float"],
            "MovingInternalImagePixelType": ["float"],
            "Size": [str(w), str(h)],
            "Index": ["0", "0"],
            "Spacing": ["1", "1"],
            "Origin": ["0", "0"],
            "Direction": ["1", "0", "0", "1"],
            "UseDirectionCosines": ["true"],
        }
        for key, value in entries.items():
            pm[key] = value
        path = self.work / "initial.txt"
        self.sitk.WriteParameterFile(pm, str(path))
        return str(path)
