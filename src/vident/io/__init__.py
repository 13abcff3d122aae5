"""Video reading/writing, the Zarr v3 dataset store (schema, writer, reader) and the PyTorch
Dataset over it. Import the submodules (``vident.io.video``, ``.schema``, ``.writer``,
``.reader``, ``.scales``, ``.dataset``); this package imports nothing heavy by itself."""
