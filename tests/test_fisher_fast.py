"""Fisher's exact p without importing scipy.stats (cjtool/stats/exact.py): the very floats
scipy.stats.fisher_exact gives, on random tables small and large, near the mode and not;
and a table map of the example does not load scipy.stats (0.4 CPU s of its 0.7 s)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from scipy.stats import fisher_exact

from cjtool.stats.exact import _hypergeom, fisher_p

REPO = Path(__file__).resolve().parent.parent


def test_fisher_p_is_scipys_float_exactly():
    assert _hypergeom() is not None  # the fast path is the one tested
    rng = random.Random(11)
    tables = [[[3, 1], [1, 3]], [[0, 5], [5, 0]], [[10, 2], [3, 15]], [[1, 0], [0, 0]], [[0, 0], [0, 0]]]
    for _ in range(3000):
        s = rng.choice([2, 5, 20, 100, 1000, 10**5, 10**6])
        a, b, c, d = (rng.randint(0, s) for _ in range(4))
        if rng.random() < 0.3:  # proportional rows: p near or at 1
            c, d = a * rng.randint(1, 3), b * rng.randint(1, 3)
        tables.append([[a, b], [c, d]])
    for t in tables:
        (a, b), (c, d) = t
        assert fisher_p(a, b, c, d) == min(float(fisher_exact(t).pvalue), 1.0), t


def test_table_map_of_the_example_does_not_import_scipy_stats():
    code = (
        "import sys, io, contextlib\n"
        "sys.argv = ['cjtool', 'map', 'examples/aipl_events.csv', '-m', 'examples/aipl.yaml']\n"
        "from cjtool.cli.app import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main()\n    except SystemExit:\n        pass\n"
        "print('scipy.stats' in sys.modules)"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
