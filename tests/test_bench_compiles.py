"""`make bench` is not run by CI; at least it must compile (a merge once broke it)."""
from __future__ import annotations

import py_compile

from conftest import ROOT


def test_every_bench_file_compiles():
    for path in sorted((ROOT / "bench").glob("*.py")):
        py_compile.compile(str(path), doraise=True)
