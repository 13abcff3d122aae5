"""Teeth masks M (design §4, thesis §5.3.1): an HRNet segmenter fine-tuned on the human-annotated
frames of a dataset, then applied to every frame of R. Submodules: ``network`` (HRNet backbone +
fused head), ``augment``, ``train``, ``predict`` (pure), ``annotations``, ``store`` and
``checkpoint`` (I/O), ``cli``."""
