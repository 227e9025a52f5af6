"""招商活动 (SPEC §10): the leads page (招商线索: table, form, follow-ups, 转为项目) and the trips page
(外出招商: table, trip form with its visits grid)."""
