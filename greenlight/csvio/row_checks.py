"""The import's checks of a file's header and of each row, which find and report every problem
by row and column (the column reading in csvio.columns gives the same uses faster, for a file
whose every cell passes)."""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from greenlight.csvio.cells import (
    NOT_UTF8,
    NUL,
    NUL_MESSAGE,
    CsvProblem,
    check_cells,
    encoding_message,
    shorten,
)
from greenlight.csvio.format import (
    ESCAPE,
    LINK_COLUMNS,
    MAX_CELL_CHARS,
    READER_COLUMNS,
    answer_list,
    answer_words,
    export_columns,
    header_key,
    link_ids,
    parse_time,
    restore,
)
from greenlight.policy import (
    FIELD_NAMES,
    Answers,
    AnswersError,
    did_you_mean,
    stored_answers,
    with_text,
)
from greenlight.store import USE_ID_PATTERN, NewUse

if TYPE_CHECKING:
    from greenlight.policy import Assessment, Engine, Guidance, Question

# Joins a row's cells to test them all at once: any text may hold it, which at worst sends a
# row down the slower restoring of every cell.
CELL_BREAK = "\x1f"


@dataclass(frozen=True)
class Start:
    """How every use of an import starts: in which production, status, and with what note
    on its "created" history row."""

    production: str
    status: str
    note: str


def check_header(header: list[str], guidance: Guidance, problems: list[CsvProblem]) -> list[str]:
    """The header's column names (restored, and matched to the format's columns whatever
    their case: "Title" is title); every unknown, repeated or unreadable one and a missing
    title go to `problems`."""
    known = export_columns(guidance)
    by_key = {header_key(name): name for name in known}
    names = []
    seen: set[str] = set()
    for index, cell in enumerate(header):
        name = restore(cell.strip())
        if NOT_UTF8.search(name) or NUL in name:
            message = encoding_message(name) if NOT_UTF8.search(name) else "holds a NUL (0x00)"
            problems.append(CsvProblem(1, f"{index + 1}", message))
            names.append(name)
            continue
        shown = shorten(name)
        name = by_key.get(header_key(name), name)
        names.append(name)
        if name in seen:
            problems.append(CsvProblem(1, shown, "appears twice in the header; keep one"))
        seen.add(name)
        if name not in known:
            hint = did_you_mean(shown, known)
            problems.append(
                CsvProblem(
                    1,
                    shown or "(empty)",
                    f"unknown column{hint}; the columns are {', '.join(known)}",
                )
            )
    if "title" not in names:
        problems.append(CsvProblem(1, "title", "missing: every file needs a title column"))
    return names


def blank_reader_columns(names: list[str], rows: list[list[str]]) -> None:
    """Empty the cells of the columns written for readers (READER_COLUMNS) in every row of
    the header's width: an import ignores them, however a person edited them."""
    at = [index for index, name in enumerate(names) if name in READER_COLUMNS]
    if not at:
        return
    width = len(names)
    for row in rows:
        if len(row) == width:
            for index in at:
                row[index] = ""


def _document(cells: dict[str, str], guidance: Guidance, words: dict[str, dict]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for name in FIELD_NAMES:
        if name in cells:
            doc[name] = cells[name]
    for q in guidance.questions:
        raw = cells.get(q.id, "")
        if raw == "":
            continue
        # A word it does not know goes as it is, for parse_answers to report.
        value: Any = words[q.id].get(raw.strip().lower(), raw)
        target = doc
        for part in q.path[:-1]:
            target = target.setdefault(part, {})
        target[q.path[-1]] = value
    for name in LINK_COLUMNS:
        ids = link_ids(cells.get(name, ""))
        if ids:
            doc[name] = ids
    return doc


class KnownAnswers:
    """The rows' answers read and assessed once per distinct set of answer cells.

    A log holds many uses with the same answers; each row then only has its free text
    checked (answers.with_text). A row whose text is not plain goes through stored_answers
    whole, so its problems are reported as for any document.
    """

    def __init__(self, engine: Engine, names: list[str]):
        self._engine = engine
        self._guidance = engine.guidance
        self._text = [name for name in FIELD_NAMES if name in names]
        asked = self.asked = [q.id for q in self._guidance.questions if q.id in names]
        asked += [name for name in LINK_COLUMNS if name in names]
        self._key = (
            itemgetter(*asked) if len(asked) > 1 else lambda cells: tuple(map(cells.get, asked))
        )
        self._seen: dict[Any, tuple[Answers, Assessment]] = {}
        self.words = {q.id: answer_words(q) for q in self._guidance.questions}

    def question(self, question_id: str) -> Question:
        """The question of an answer column."""
        return self._guidance.question(question_id)

    def assess(self, cells: dict[str, str]) -> tuple[Answers, Assessment]:
        """The row's answers and their assessment; AnswersError if they are not valid."""
        key = self._key(cells)
        seen = self._seen.get(key)
        if seen is not None:
            answers = with_text(seen[0], {name: cells[name] for name in self._text})
            if answers is not None:
                return answers, seen[1]
        # The fast path for a valid document; parse_answers' own problems for any other.
        answers = stored_answers(_document(cells, self._guidance, self.words), self._guidance)
        seen = self._seen[key] = (answers, self._engine.assess(answers))
        return seen


class Checked:
    """What the row checks found in a file: the uses, each one's file level, the rows that
    name an id, and every problem."""

    def __init__(self) -> None:
        self.items: list[NewUse] = []
        self.relevelled = 0
        self.id_rows: list[tuple[int, str]] = []
        self.problems: list[CsvProblem] = []


def _cells_of(
    row: int, names: list[str], record: list[str], has_bad_bytes: bool, problems
) -> dict[str, str] | None:
    """A row's cells by column name, restored; None (its problems reported) if any is bad."""
    joined = CELL_BREAK.join(record)
    if has_bad_bytes or NUL in joined or max(map(len, record)) > MAX_CELL_CHARS:
        cells: dict[str, str] = {}
        return None if check_cells(row, names, record, has_bad_bytes, cells, problems) else cells
    # Every cell is fine as it is (the usual case): restore them in one pass, and only when a
    # cell may start with the escape.
    if joined[:1] == ESCAPE or CELL_BREAK + ESCAPE in joined:
        pairs = zip(names, record, strict=True)
        return {name: raw[1:] if raw[:1] == ESCAPE else raw for name, raw in pairs}
    return dict(zip(names, record, strict=True))


def checked_uses(
    rows: list[list[str]],
    numbers: list[int],
    names: list[str],
    known: KnownAnswers,
    start: Start,
    has_bad_bytes: bool,
    progress,
) -> Checked:
    """Every row checked: its uses, and every problem of every row by row and column."""
    found = Checked()
    problems = found.problems
    first_row_of: dict[str, int] = {}
    file_productions: set[str] = set()  # the production cell of every row checked
    total = len(rows)
    for index, (row, record) in enumerate(zip(numbers, rows, strict=True)):
        if progress and index % 1000 == 0:
            progress(index, 2 * total)
        if NUL in CELL_BREAK.join(record):  # a damaged file: named before its width
            problems += [
                CsvProblem(row, names[i] if i < len(names) else f"{i + 1}", NUL_MESSAGE)
                for i, cell in enumerate(record)
                if NUL in cell
            ]
            continue
        if len(record) != len(names):
            problems.append(
                CsvProblem(row, "", f"has {len(record)} cells; the header has {len(names)}")
            )
            continue
        cells = _cells_of(row, names, record, has_bad_bytes, problems)
        if cells is None:
            continue
        # A repeated id is reported whatever else is wrong with either row.
        use_id = cells.get("id", "").strip()
        first = first_row_of.setdefault(use_id, row) if use_id else row
        if first != row:
            problems.append(
                CsvProblem(row, "id", f"the same id as row {first}; each use appears once")
            )
        file_productions.add(cells.get("production", "").strip())
        item = _check_row(row, cells, known, start, problems)
        if item is None or first != row:
            continue
        use, file_level = item
        if use.id:
            found.id_rows.append((row, use.id))
        found.relevelled += bool(file_level) and file_level != use.assessment.level
        found.items.append(use)
    if problems:
        found.problems = _one_production_problem(problems, file_productions, start.production)
    return found


def _one_production_problem(
    problems: list[CsvProblem], file_productions: set[str], production: str
) -> list[CsvProblem]:
    """A file whose every row names the same other production (an export of another
    production's log) is one problem, not one per row."""
    wrong = [p for p in problems if p.column == "production"]
    if len(wrong) < 2 or len(file_productions) != 1:
        return problems
    (other,) = file_productions
    message = (
        f"every row belongs to production {shorten(other)!r}, not {production!r}: import the "
        "file there, or clear the production column"
    )
    return [p for p in problems if p.column != "production"] + [
        CsvProblem(1, "production", message)
    ]


def _check_row(
    row: int,
    cells: dict[str, str],
    known: KnownAnswers,
    start: Start,
    problems: list[CsvProblem],
) -> tuple[NewUse, str] | None:
    before = len(problems)
    use_id = cells.get("id", "").strip()
    if use_id and not USE_ID_PATTERN.fullmatch(use_id):
        problems.append(CsvProblem(row, "id", "use 1 to 40 letters, digits, - or _"))
    production = start.production
    file_production = cells.get("production", "").strip()
    if file_production and file_production != production:
        problems.append(
            CsvProblem(
                row,
                "production",
                f"this row belongs to production {shorten(file_production)!r}, not "
                f"{production!r}; import it there or clear the cell",
            )
        )
    created_at = None
    value = cells.get("created_at", "").strip()
    if value:
        try:
            created_at = parse_time(value)
        except ValueError:
            message = f"{shorten(value, 40)!r} is not a time like 2026-01-31T09:30:00Z"
            problems.append(CsvProblem(row, "created_at", message))
    try:
        answers, assessment = known.assess(cells)
    except AnswersError as exc:
        for problem in exc.problems:
            problems.append(CsvProblem(row, problem.path, _answer_message(problem, cells, known)))
        return None
    if len(problems) > before:
        return None
    item = NewUse(
        answers=answers,
        assessment=assessment,
        id=use_id or None,
        status=start.status,
        created_at=created_at,
        note=start.note,
    )
    return item, cells.get("level", "").strip()


def _answer_message(problem, cells: dict[str, str], known: KnownAnswers) -> str:
    """An answers problem as the import says it: a word it does not read as an answer names
    the words it does (the labels the export writes; ids work too)."""
    words = known.words.get(problem.path)
    cell = cells.get(problem.path, "").strip()
    if words is None or not cell or cell.lower() in words:
        return problem.message
    question = known.question(problem.path)
    return f"{shorten(cell, 40)!r} is not an answer here; write {answer_list(question)}"
