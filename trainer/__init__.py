"""trainer: an offline coach for the close of a job interview."""

__version__ = "0.1.0"
