"""招商活动 (SPEC §10): the work before the signing — trips, visits, leads — counted per unit and district.

- ``compute_activity(session, period, unit_ids=None) -> Activity`` — the figures of any ``Period``
  (``Activity.district``, ``Activity.units``: ``UnitActivity(unit_id, unit, short_name, figures)``).
- ``activity_to_json(activity) -> dict`` — ``zsdesk activity --period P --json``, exactly SPEC §10's shape.
- ``FIGURES`` (the JSON keys in order) and ``FIGURE_LABELS`` (their Chinese column heads).
- ``write_activity_xlsx(activity, path)`` in ``zsdesk.activity.export``; the notice section in
  ``zsdesk.activity.notice_section``.
"""

from .figures import FIGURE_LABELS, FIGURES, Activity, ActivityFigures, UnitActivity, activity_to_json, compute_activity

__all__ = ["FIGURES", "FIGURE_LABELS", "Activity", "ActivityFigures", "UnitActivity", "activity_to_json",
           "compute_activity"]
