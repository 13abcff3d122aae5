"""Registration of each synchronised C2 frame onto its C1 frame with elastix (§5.3.1).

``affine`` converts elastix transforms to OpenCV 2x3 matrices (C2 px -> C1 px), ``elastix``
runs the registrations, ``resample`` brings C2 frames into C1 geometry, ``register`` ties them
together over a recording and ``store`` writes the outputs.
"""
