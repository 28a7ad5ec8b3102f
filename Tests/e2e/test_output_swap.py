"""A build killed at any moment leaves the previous output whole, and the next build removes
what the killed one left beside it (issue 13 §4)."""
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time

from conftest import ROOT, TEBIKI


def test_kill_at_any_moment_keeps_an_output_and_leftovers_are_cleaned():
    tmp = tempfile.mkdtemp(prefix="tebiki-swap-")
    try:
        out = os.path.join(tmp, "_site")
        tebiki = os.path.abspath(TEBIKI)
        subprocess.run([tebiki, "build", "--source", ROOT, "--output", out], check=True, capture_output=True, timeout=120)
        rng = random.Random(13)
        for i in range(8):
            p = subprocess.Popen([tebiki, "build", "--no-cache", "--source", ROOT, "--output", out],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 0.6))
            p.send_signal(signal.SIGKILL if i % 2 == 0 else signal.SIGINT)
            p.wait()
            # Whatever the moment: a complete output is there.
            assert os.path.exists(os.path.join(out, ".tebiki-output")), i
            assert os.path.exists(os.path.join(out, "index.html")), i
        r = subprocess.run([tebiki, "build", "--no-cache", "--source", ROOT, "--output", out], capture_output=True, timeout=120)
        assert r.returncode == 0, r.stderr
        left = [n for n in os.listdir(tmp) if ".tebiki-new-" in n or ".tebiki-old-" in n]
        assert left == []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
