"""The window layer: everything a person sees on a screen, drawn with pygame-ce and pygame_gui.

- `ui.main`: `play` and `replay`, the solo trainee's window; `ui.app.App` its frame loop.
- `ui.flow`: the one place that knows every scene; `ui.scenes`: one class per screen
  (menu, briefing, planning, execution, debrief, review, and the joint seat, controller,
  observer and joint debrief), each returning where to go next.
- `ui.joint`: a seat's, the controller's and the observer's window over the network.
- `ui.preview`: the headless floor-plan PNG of `preview`.
- `ui.style`: colours, fonts and symbols; `ui.render`: draws a snapshot of the engine.
- `ui.order_choices`: what play asks and tells about orders (a breach's method; an order
  that failed or was replaced), shared by the solo and the joint windows.
- `ui.autoplay`: plays the doctrine plan through every scene and takes screenshots.

May import every layer of `sim` (format, engine, evaluation, joint); nothing in `sim`
imports `ui`. The engine is reached only through the Exercise API, its snapshots and the
run record, never its private attributes. Importing a module here never initialises pygame
or loads assets: that happens when a window opens.
"""
