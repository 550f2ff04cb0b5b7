"""Shared helpers of the benchmark scripts."""

from __future__ import annotations

import json
import subprocess
import sys
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


def run_child(script: str, *args: str) -> dict:
    """Run ``script`` again in a fresh Python process (for its own memory peak)
    and return the JSON object it prints on its last line."""
    out = subprocess.run(
        [sys.executable, script, *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
