"""zsdesk (招商桌面): the ledger engine. No Qt here — it runs in scripts, tests and servers."""

__version__ = "0.1.0"
