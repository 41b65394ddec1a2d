"""Background execution only: RQ jobs and the periodic schedule.

Imports ``addon``; ``addon`` never imports it (jobs are enqueued by dotted path).
"""
