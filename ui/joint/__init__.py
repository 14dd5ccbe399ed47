"""A joint exercise's window: one seat of a hosted exercise (an agency, the controller or the
observer), connected to the host on a thread of its own.

`main.join` opens it; `app.JointApp` is the frame loop; `client_view.SeatLink` reads what the
network client last stored, in words ready to show, never waiting on it; `context` is what
the joint scenes share. The scenes themselves live in `ui.scenes` beside the solo ones.
"""
