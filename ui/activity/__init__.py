"""招商活动 (SPEC §10): the leads page (招商线索) and the trips page (外出招商)."""
