"""Multi-task video models (MOST-NET family): per-task, per-scale outputs from frame pairs.

Build one by name with ``vident.models.zoo.build_model``; ``vident models`` lists them.
"""
