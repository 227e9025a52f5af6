"""Parts every room uses: the ledger context, errors and questions, the worker, table models and habits, completion, the period picker."""
