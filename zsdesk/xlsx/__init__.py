"""Spreadsheets in and out (SPEC §5): exports for superiors, import templates, validated imports."""
