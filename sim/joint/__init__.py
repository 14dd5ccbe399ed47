"""The joint exercise over the network: one authoritative host, a seat per agency, a
controller's seat for the trainer and an observer's for the evaluator.

Modules: `protocol` (the messages, as typed models, and their version), `host` (the
WebSocket server that runs the exercise and journals every input), `client` (a seat's
connection, on a thread of its own so a window never waits for the network), `tokens`,
`admission` (connections that have not said hello wait apart from the seats).

May import: `sim.format`, `sim.engine` and `sim.evaluation`. Never `ui` or pygame.
"""
