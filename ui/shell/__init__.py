"""The frame: application start, the main window, the start dialog, the page registry."""
