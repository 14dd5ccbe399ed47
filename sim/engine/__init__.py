"""The simulation: one exercise run in SimPy, driven by orders, writing an event log.

Offers `exercise.Exercise` (apply an order, decide, advance, snapshot a view): the one
door in, used alike by the headless runner, the window, batches and replays.

Modules: `world` (the shared state: doors, paths, sight and hearing), `agents/` (victims,
perpetrators, units as SimPy processes), `perception` (what units see, and when they
look), `referee` (when the exercise is over), `entry` (methods of entry), `conditions`
(triggers as SimPy events), `injects` (injects and decision points), `snapshot` (views
with fog of war), `rng` (named random streams), `eventlog`, `narrate` (events in words).

May import: `sim.format`. Never `sim.evaluation`, `ui` or pygame.
"""
