"""Blur synthesis: B = mean of flow-interpolated sharp frames around t, plus the noise map N_t."""
