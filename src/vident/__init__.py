"""vident: multi-task dental video datasets and the models trained on them."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vident")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"
