"""The Qt window. It calls zsdesk; zsdesk never calls it; it runs no SQL of its own.

Rooms (see docs/architecture.md): ``shell`` (start, main window, page registry), ``common`` (what every
room uses), ``ledger``, ``records``, ``board``, ``notice``, ``files``. A room imports ``common``,
``ui.strings`` and ``zsdesk`` only; ``shell`` alone knows every room. ``launcher.py`` is the entry point.
"""
