"""The builders moved to tests/rankings/support.py; this name stays while test_street_matrix.py imports it."""

from tests.rankings.support import Versions, add_inspection, add_photo, local

__all__ = ["Versions", "add_inspection", "add_photo", "local"]
