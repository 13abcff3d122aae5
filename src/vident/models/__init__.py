"""Multi-task video models (MOST-NET family): per-task, per-scale outputs from frame pairs.

Build one by name with ``vident.models.zoo.build_model``; ``vident models`` lists them.
"""

# The §3/§4 models and the ESTRNN / MHN baselines register on import.
from vident.models import estrnn, mhn, mtl_ad, r2d4  # noqa: E402,F401
