"""The project ledger: the table page and its model, the project form and its tabs."""
