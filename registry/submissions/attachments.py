"""Files attached to a submission: the note verbale (PDF) a State sent to the Secretary-General.

Only PDF is accepted (recognised by its ``%PDF-`` signature, never by the name or the browser's
claimed type), up to :data:`MAX_BYTES`, with its SHA-256 kept so that the copy served later can be
shown to be the one received. Who may attach and who may read follow the workflow's rules
(:func:`service.is_owner`, :func:`service.get`).

>>> safe_filename("C:\\\\scans\\\\NV 2026/03.pdf"), safe_filename("\\x00.pdf"), safe_filename("")
('03.pdf', '_.pdf', 'attachment.pdf')
"""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from registry.accounts.principal import Principal
from registry.audit import chain
from registry.errors import (
    N_,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
    field_error,
)
from registry.submissions import service
from registry.submissions.models import Attachment

MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
PDF_TYPE = "application/pdf"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|]")


def safe_filename(name: str) -> str:
    """The last path component, without characters that break headers or file systems."""
    base = re.split(r"[\\/]", name)[-1].strip()
    base = _UNSAFE.sub("_", base)[-200:]
    return base or "attachment.pdf"


def _rejected(message: str, **values: str) -> ValidationFailed:
    finding = field_error("attachment", "attachment.invalid", message, "error", **values)
    return ValidationFailed(finding["message"], [finding])


async def add_pdf(
    session: AsyncSession,
    principal: Principal,
    submission_id: int,
    filename: str,
    content: bytes,
) -> Attachment:
    """Attach a PDF to a draft or returned submission of the caller's."""
    sub = await service.get_for_update(session, principal, submission_id)
    if not service.is_owner(principal, sub):
        raise Forbidden("only the submitter attaches files to a submission")
    if sub.status not in service.EDITABLE:
        raise InvalidTransition(f"a {sub.status} submission takes no new attachment")
    name = safe_filename(filename)
    if not content:
        raise _rejected(N_("%(file)s: the file is empty"), file=name)
    if len(content) > MAX_BYTES:
        raise _rejected(
            N_("%(file)s: %(size)s bytes, more than the %(limit)s MB limit"),
            file=name,
            size=str(len(content)),
            limit=str(MAX_BYTES // 2**20),
        )
    if not content.startswith(PDF_MAGIC):
        raise _rejected(N_("%(file)s: not a PDF (a PDF file starts with %%PDF-)"), file=name)
    digest = hashlib.sha256(content).hexdigest()
    attachment = Attachment(
        submission_id=sub.id or 0,
        filename=name,
        content_type=PDF_TYPE,
        size=len(content),
        sha256=digest,
        content=content,
    )
    session.add(attachment)
    await session.flush()
    await chain.append(
        session,
        actor=principal.ref,
        role=principal.role,
        action="submission.attach",
        entity="submission",
        entity_id=sub.id or 0,
        state_code=sub.state_code,
        details={
            "attachment": attachment.id,
            "filename": name,
            "size": len(content),
            "sha256": digest,
        },
    )
    return attachment


async def list_for(
    session: AsyncSession, principal: Principal, submission_id: int
) -> list[Attachment]:
    """The submission's attachments (without their content) for those who may see it."""
    await service.get(session, principal, submission_id)
    rows = await session.execute(
        sa.select(Attachment)
        .options(defer(Attachment.content))  # type: ignore[arg-type]
        .where(Attachment.submission_id == submission_id)
        .order_by(Attachment.id)
    )
    return list(rows.scalars())


async def get(
    session: AsyncSession, principal: Principal, submission_id: int, attachment_id: int
) -> Attachment:
    await service.get(session, principal, submission_id)
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None or attachment.submission_id != submission_id:
        raise NotFound(f"no attachment {attachment_id} on submission {submission_id}")
    return attachment
