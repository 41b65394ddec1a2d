from .helpers import timesheet  # noqa: F401 - a shared fixture
