"""The section chief's board: the page, its models, charts, drill-down, export, and the rules editor."""
