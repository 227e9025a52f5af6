"""The record pages: funding entries, units/persons/dictionaries, targets, the operation log."""
