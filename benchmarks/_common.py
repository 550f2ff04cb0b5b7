"""Shared helpers of the benchmark scripts."""

from __future__ import annotations

from pathlib import Path


def peak_kb() -> int:
    """Peak resident memory of this process (VmHWM, kB).

    Not ``ru_maxrss``: on Linux that survives fork and exec, so a child would
    report its parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
