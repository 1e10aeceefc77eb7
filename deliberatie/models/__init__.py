"""Shared models: the municipality, its wijken, accounts and trajecten.

Components keep their own models in their package (``wijkbudget/models.py``)
and hang them off :class:`Traject`.
"""

from .audit import AuditEntry
from .job import Job, JobStatus
from .gemeente import Gemeente, Wijk, WijkPopulatie
from .traject import LadderRung, Terugkoppeling, Traject, TrajectFase, TrajectStatus
from .user import Role, User

__all__ = [
    "AuditEntry",
    "Gemeente",
    "Job",
    "JobStatus",
    "LadderRung",
    "Role",
    "Terugkoppeling",
    "Traject",
    "TrajectFase",
    "TrajectStatus",
    "User",
    "Wijk",
    "WijkPopulatie",
]
