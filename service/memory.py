"""Large allocations straight from the kernel, in the processes that recognise scanned pages.

A page image and the text detector's tensors are tens of megabytes each. glibc raises its mmap threshold
after such blocks are freed (up to 32 MB), so later ones come from its heap, which it keeps: a worker that
had recognised a page held 450–550 MB between pages and peaked at ~900 MB on the next, and each of a
bundle's workers does so at once. With the threshold fixed at 128 KB every such block is mmapped and given
back when freed (measured: ~190 MB between pages). Small objects are unaffected.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
MMAP_THRESHOLD = 128 * 1024


def return_large_blocks() -> bool:
    """Have this process's (and its later children's) large blocks mmapped and returned when freed; False
    where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):
        log.info("mallopt unavailable: large blocks stay in the C library's heap")
        return False
