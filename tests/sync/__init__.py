import pytest

# The shared comparisons assert in helpers.py: let pytest explain their failures too.
pytest.register_assert_rewrite("tests.sync.helpers")
