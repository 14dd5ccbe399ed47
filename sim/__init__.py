"""The rescue-exercise simulator's core, in three layers; never imports pygame or `ui/`.

- `sim.format`: the scenario format (YAML in, a validated immutable Scenario out).
- `sim.engine`: the simulation (an Exercise driven by orders, giving an event log).
- `sim.evaluation`: what is made of runs (metrics, records, store, batches, report).
- `sim.joint`: the joint exercise over the network (a host, seats, a controller).

Each layer imports only those above it in this list; `tests/test_layers.py` holds them
to it.
"""
__version__ = "0.5.0"
