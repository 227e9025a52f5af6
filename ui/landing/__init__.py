"""待办 and 项目落地 in the window (SPEC §9): what needs a call this week."""
