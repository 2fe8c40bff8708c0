"""Every table, imported in one place so that the metadata is complete for Alembic."""

from sqlmodel import SQLModel

from registry.accounts.models import ApiKey, User
from registry.audit.models import AuditEntry
from registry.compliance_store.models import ComplianceScore, ObjectLifetime, QuestionnaireAnswer  # noqa: F401
from registry.documents.models import Document
from registry.elementsets.models import ElementSetRow, SatcatEntry
from registry.jobs.models import ConjunctionEvent, Job, ReentryForecast, ReentryRun, ScreeningRun
from registry.objects.models import ObjectVersion, Registration, SpaceObject
from registry.ratelimit import RateBucket  # noqa: F401
from registry.states.models import State
from registry.submissions.models import Attachment, Submission, SubmissionItem
from registry.webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: F401

metadata = SQLModel.metadata

__all__ = [
    "ApiKey",
    "Attachment",
    "AuditEntry",
    "ConjunctionEvent",
    "Document",
    "ElementSetRow",
    "Job",
    "ObjectVersion",
    "ReentryForecast",
    "ReentryRun",
    "Registration",
    "SatcatEntry",
    "ScreeningRun",
    "SpaceObject",
    "State",
    "Submission",
    "SubmissionItem",
    "User",
    "metadata",
]
