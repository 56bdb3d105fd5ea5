"""The guidance as data and what it decides: the YAML reader, the structure and meaning
checks, the guidance model, the answers contract and the engine.

    guidance = load_guidance()            # guidance/*.yaml, checked, or GuidanceError
    answers = parse_answers(document, guidance)
    result = Engine(guidance).assess(answers)   # an Assessment: level, reasons, actions
"""

from greenlight.policy.answers import (
    FIELD_NAMES,
    FIELDS,
    Answers,
    AnswersError,
    Field,
    answers_key,
    answers_part,
    build_document,
    document_of,
    parse_answers,
    plain_text_column,
    stored_answers,
    with_text,
    without_text,
)
from greenlight.policy.answers_text import dump_answers, load_answers
from greenlight.policy.conditions import questions_of
from greenlight.policy.engine import Assessment, Engine, Reason
from greenlight.policy.links import LINK_NAMES, OTHER_TOOL
from greenlight.policy.loading import DEFAULT_DIR, GUIDANCE_ENV, guidance_dir, load_guidance
from greenlight.policy.meaning import check_meaning
from greenlight.policy.model import (
    PRINCIPLES_GROUP,
    Guidance,
    GuidanceError,
    Level,
    MatrixRow,
    Question,
    Reading,
    Rule,
    Section,
)
from greenlight.policy.registry import Fact, Resolution, resolve
from greenlight.policy.structure import did_you_mean
from greenlight.policy.yaml_reader import YamlError, read_yaml

__all__ = [
    "DEFAULT_DIR",
    "PRINCIPLES_GROUP",
    "check_meaning",
    "FIELDS",
    "FIELD_NAMES",
    "LINK_NAMES",
    "OTHER_TOOL",
    "Fact",
    "Resolution",
    "resolve",
    "GUIDANCE_ENV",
    "Answers",
    "AnswersError",
    "Assessment",
    "Engine",
    "Field",
    "Guidance",
    "GuidanceError",
    "Level",
    "MatrixRow",
    "Question",
    "Reading",
    "Reason",
    "Rule",
    "Section",
    "YamlError",
    "answers_key",
    "answers_part",
    "build_document",
    "did_you_mean",
    "document_of",
    "dump_answers",
    "guidance_dir",
    "load_answers",
    "load_guidance",
    "parse_answers",
    "questions_of",
    "plain_text_column",
    "read_yaml",
    "stored_answers",
    "with_text",
    "without_text",
]
