"""The Qt window. It calls zsdesk; zsdesk never calls it."""
