"""A unit of work that runs outside the web request (see :mod:`deliberatie.jobs`)."""

from __future__ import annotations

import enum
import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, enum_column, utcnow


class JobStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """One queued or finished job: its kind, JSON parameters, progress and JSON result.

    ``subject`` names what the job is about (``"burgerraad:3"``) so a page can
    find its latest job; ``error`` holds a JSON error (code and parameters)
    for bad input, or a short text for an unexpected failure.
    """

    __tablename__ = "job"
    __table_args__ = (sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(80))
    subject: Mapped[str] = mapped_column(sa.String(80), default="", index=True)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus, "job_status"), default=JobStatus.QUEUED)
    progress: Mapped[int] = mapped_column(sa.Integer, default=0)  # percent
    params_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    result_json: Mapped[str | None] = mapped_column(sa.Text)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def params(self) -> dict:
        return json.loads(self.params_json or "{}")

    @property
    def result(self):
        return None if self.result_json is None else json.loads(self.result_json)

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
