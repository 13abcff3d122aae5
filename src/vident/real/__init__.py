"""The Vident-real branch (§6.3.1): C1-only recordings, RAW-domain F2F, RfromR sharpening."""
