"""The escalation request: one structure (model), rendered as text that is also safe
Markdown (text) and as a PDF (pdf, which loads fpdf2 on first use).

    request = build_request(answers, result, guidance, production=(name, code), ...)
    request = request_for_use(record, guidance, engine, requested_by="Ana Ortiz")
    request_markdown(request)  # str
    request_pdf(request)       # bytes
"""

from __future__ import annotations

from greenlight.present.request.model import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    EscalationRequest,
    base_url,
    build_request,
    record_assessment,
    request_for_use,
    use_link,
)
from greenlight.present.request.text import request_markdown

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "EscalationRequest",
    "base_url",
    "build_request",
    "record_assessment",
    "request_for_use",
    "request_markdown",
    "request_pdf",
    "use_link",
]


def request_pdf(request: EscalationRequest) -> bytes:
    """The request as a PDF (fpdf2 is imported here, on first use, not with the app)."""
    from greenlight.present.request.pdf import request_pdf as render

    return render(request)
