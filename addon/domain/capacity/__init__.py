"""Capacity planning: schedules (workload − holidays − absences), plans, teams, the capacity
board and utilization. Dates are calendar days in each person's own time zone; ranges are
inclusive at both ends."""
