"""Background work that must not slow the live turn on a two-core machine."""

from __future__ import annotations

import os
import threading

BACKGROUND_NICE = 10


def yield_cpu() -> None:
    """Lower the calling thread's priority (a thread pool's initializer). Linux gives each thread
    its own nice value, and threads it starts (onnxruntime's, CTranslate2's) inherit it; elsewhere,
    or when not allowed, the work runs at normal priority."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
    except (AttributeError, OSError):
        pass
