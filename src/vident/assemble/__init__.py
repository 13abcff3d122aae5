"""Dataset assembly: per-video groups of the Zarr dataset, then the root attributes and card."""
