"""The Qt window. It calls zsdesk; zsdesk never calls it."""

from .none_guard import immortalize_none

immortalize_none()  # PySide6 6.12 on Python 3.11 drops references to None; see ui/none_guard.py
