"""F2F denoising (Ehret et al. 2019): a DnCNN trained frame-to-frame on noisy C1 videos.

`vident denoise` writes D (denoised) and N = C1 - D per recording; RAW Bayer recordings are
denoised as 4 packed RGGB planes.
"""
