"""The tool and vendor registry in the log (schema 12): tools and their reviewed data terms,
vendors' workflows, who may change them, the uses that name them re-assessed when they
change, the review desk's due reviews, the review-due sweep and the overview's counts.

UseCaseStore takes RegistryMixin (ToolsMixin and ToolReadsMixin); their records are
exported here.
"""

from greenlight.store.tools.reads import ToolReadsMixin
from greenlight.store.tools.records import (
    REVIEW_DUE_DAYS_ENV,
    REVIEW_MONTHS_ENV,
    RegistryChoice,
    ToolChange,
    ToolRecord,
    ToolUses,
    review_due_days,
    review_months,
)
from greenlight.store.tools.registry import ToolReview, ToolsMixin


class RegistryMixin(ToolsMixin, ToolReadsMixin):
    """The tool and vendor registry's part of UseCaseStore."""


__all__ = [
    "REVIEW_DUE_DAYS_ENV",
    "REVIEW_MONTHS_ENV",
    "RegistryChoice",
    "RegistryMixin",
    "ToolChange",
    "ToolRecord",
    "ToolReadsMixin",
    "ToolReview",
    "ToolUses",
    "ToolsMixin",
    "review_due_days",
    "review_months",
]
