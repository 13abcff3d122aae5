"""Beam-splitter synchronisation: which C2 frame each C1 frame shows, by banded DTW (§5.3.1).

``signals`` builds per-frame descriptors, ``alignment`` runs the DTW and reads the path,
``geometry`` estimates the cameras' static offset, ``synchronise`` ties them together and
``table`` reads and writes ``sync.parquet``.
"""
