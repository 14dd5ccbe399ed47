"""The engine never imports pygame: a headless run, a batch and the UI share one engine."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

CHECK = """
import sys
import sim, sim.format.scenario, sim.format.floorplan, sim.format.placement
loaded = sorted(name for name in sys.modules if name.split('.')[0] in ('pygame', 'pygame_gui'))
print('loaded:', loaded)
assert 'pygame' not in sys.modules, loaded
assert not loaded, loaded
"""


def test_sim_imports_without_pygame():
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "loaded: []" in result.stdout


def test_loading_a_scenario_does_not_import_pygame():
    code = CHECK + "\nfrom sim.format.scenario import load\nload('scenarios/kowloon_flat.yaml')\n" \
        "assert 'pygame' not in sys.modules\n"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
