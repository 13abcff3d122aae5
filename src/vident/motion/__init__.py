"""Motion: dense optical flow (RAFT, DIS), warping, occlusion masks, homographies.

Importing the package registers every flow backend in ``vident.motion.flow.FLOW_BACKENDS``.
"""

from vident.motion import flow, raft  # noqa: F401 - imported to register the flow backends
