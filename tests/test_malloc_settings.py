"""`lieux serve` tunes glibc's malloc (lieux/serving.py): a big block freed is given back, and
the next one gets its own mapping again, not a piece of the heap that the process then keeps."""

import os
import subprocess
import sys

import pytest

# In a fresh interpreter: a 1 MB block allocated and freed, then another; how many of the
# second's kind are mappings of their own (mallinfo2's hblks, one or none).
PROBE = """
import ctypes, sys
from lieux.serving import _tune_malloc
class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "tuned":
    _tune_malloc()
libc.free(libc.malloc(1 << 20))
before = libc.mallinfo2().hblks
block = libc.malloc(1 << 20)
print(libc.mallinfo2().hblks - before)
"""


def mapped_after_a_free(how: str, **env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    found = subprocess.run(
        [sys.executable, "-c", PROBE, how],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=30,
    )
    assert found.returncode == 0, found.stderr
    return int(found.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_a_big_block_keeps_its_own_mapping_after_another_was_freed():
    assert mapped_after_a_free("glibc's default") == 0  # the threshold rose: from the heap
    assert mapped_after_a_free("tuned") == 1
    # the environment's setting wins
    assert mapped_after_a_free("tuned", MALLOC_MMAP_THRESHOLD_=str(4 << 20)) == 0
