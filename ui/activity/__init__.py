"""外出招商 and 招商线索 (SPEC §10): the trips page, its form and visits grid; the leads page."""
