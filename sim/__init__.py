"""The rescue-exercise engine. Never imports pygame: the window lives in `ui/`."""
__version__ = "0.2.0"
