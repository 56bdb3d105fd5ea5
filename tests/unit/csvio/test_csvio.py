"""CSV export and import, and the export/import/history commands, on real databases."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from greenlight import csvio
from greenlight.csvio import IGNORED_COLUMNS, CsvImportError, export_columns, import_csv, iter_csv
from greenlight.demo import seed_demo
from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import NewUse, UseCaseStore, UseFilter
from greenlight.store.tables import metadata
from tests.unit.samples import CLEAR

ROOT = Path(__file__).resolve().parents[3]
GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)

HEADER = (
    "title,level,level_label,status,status_label,department,production,production_n"
    "ame,id,description,tool,vendor,requested_by,scene,reasons,reason_sentences,mat"
    "rix_row,use_case_type,principles.outputs_original,principles.no_training_on_in"
    "puts,principles.enterprise_environment,principles.temporary_only,principles.no"
    "_performance_replacement,involves.proprietary_material_input,involves.personal"
    "_data_input,involves.unowned_training_data,involves.key_creative_element,invol"
    "ves.copyrighted_reference,involves.public_figure_likeness,involves.digital_rep"
    "lica,involves.performance_alteration,involves.talent_model_reuse,involves.misl"
    "eading_content,involves.union_work_impact,context.final_deliverable,context.on"
    "_screen,context.human_input,context.tool_tier,context.tool_not_allowed,context"
    ".talent_consent,context.replica_exception,context.alteration_kind,context.harm"
    "_to_talent,context.vendor_pipeline,context.pipeline_meets_principles,performer"
    "s,tools,approval_ref,archived,guidance_id,guidance_version,created_at,created_"
    "by,updated_at,updated_by"
)
# u2 and u3 leave questions open: each counts as its riskiest answer, and their sentences
# say so. Answers are written as their labels, times to the second. Performers and tools
# (ids a use names) come after the answers.
EXPECTED_CSV = "\r\n".join(
    [
        HEADER,
        (
            "Moodboards for the cottage,low,Low risk,approved,Approved,Art,SM,Saltmarsh,u1,"
            ',Studio image tool,,,,,,ideation,"Ideation only: moodboards, reference images"'
            ",Yes,Yes,Yes,Yes,Yes,,,,,,,,,,,,No,,,Studio enterprise agreement,,,,,,No,,,,,N"
            "o,netflix-genai-production,2026.12.1,2026-01-05T09:30:00Z,ana,2026-01-05T09:30"
            ":00Z,ana"
        ),
        (
            '"\'=HYPERLINK(""http://x"")",approval,Written approval,approved,Approved,VFX,SM'
            ',Saltmarsh,u2,"Line one\nline two, with ""quotes""",,Nørthlight,,\'-12,principle'
            "-1-no;principle-5-no;key-creative-element;final-deliverable;principle-2-no;pri"
            "nciple-3-no;prominent-without-human-input;tool-terms-unknown;pipeline-no;vendo"
            'r-pipeline,"Principle 1 is not answered yet, so it counts as no: output that r'
            "ecreates material the production does not own is third-party IP, which needs w"
            "ritten approval.\nPrinciple 5 is not answered yet, so it counts as no: replacin"
            "g or creating a performance or union-covered work without consent needs writte"
            "n approval.\nThe use generates a key creative element (a main character, a key "
            "visual, a final character design or a setting central to the story), which can"
            " affect legal rights, audience perception and union roles, and needs written a"
            "pproval.\nWhether generated material reaches a final deliverable is not answere"
            "d yet, so it counts as yes: a final deliverable needs written approval.\nPrinci"
            "ple 2 is not answered yet, so it counts as no: a tool may keep, reuse or train"
            " on the production's inputs or outputs.\nPrinciple 3 is not answered yet, so it"
            " counts as no: a tool may be used outside an enterprise-secured environment.\nW"
            "hether the final version of this prominent element gets meaningful human input"
            " is not answered yet, so it counts as no: the guidance expects it, along with "
            "legal review.\nThe terms of a tool in the workflow are unknown or consumer-grad"
            "e, so it may capture or train on what you give it.\nWhether every step of the w"
            "orkflow meets the principles is not answered yet, so it counts as no; each ste"
            "p must meet them.\nSeveral tools are chained, so every step of the pipeline mus"
            't meet these principles on its own.",key_visual,Final character designs or key'
            " visuals,,,,,,,,,Yes,,,,,,,,,,,,,,,,,,,,,WA-2026-01,No,netflix-genai-productio"
            "n,2026.12.1,2026-01-06T14:00:00Z,ana,2026-01-06T14:00:00Z,ana"
        ),
        (
            "''Til dawn,approval,Written approval,submitted,Submitted,,SM,Saltmarsh,u3,,,,'"
            "@editor,,digital-replica;harm-to-talent;final-deliverable;principle-5-unsure;p"
            'rominent-without-human-input;tool-terms-unknown;pipeline-no;vendor-pipeline,"T'
            "he use creates or uses a digital replica of real talent, which needs consent, "
            "legal review and written approval.\nWhether the result could harm the performer"
            "'s reputation, dignity or personal image is not answered yet, so it counts as "
            "yes, which needs written approval.\nYou said generated material will be seen or"
            " heard in a final deliverable, which needs written approval (only incidental b"
            "ackground elements are escalated instead).\nYou are not sure that the use avoid"
            "s replacing or creating a performance or union-covered work without consent (p"
            "rinciple 5).\nWhether the final version of this prominent element gets meaningf"
            "ul human input is not answered yet, so it counts as no: the guidance expects i"
            "t, along with legal review.\nThe terms of a tool in the workflow are unknown or"
            " consumer-grade, so it may capture or train on what you give it.\nWhether every"
            " step of the workflow meets the principles is not answered yet, so it counts a"
            "s no; each step must meet them.\nSeveral tools are chained, so every step of th"
            'e pipeline must meet these principles on its own.",talent_replication,"Talent '
            'replication: re-ageing, synthetic voices",Yes,Yes,Yes,Yes,Unsure,,,,,,,Yes,,,,'
            ',Yes,"Story-relevant: prominent, read out or part of the plot",,,,Yes,"Stays s'
            'ubstantially as scripted, performed or recorded",,,,,,,,No,netflix-genai-produ'
            "ction,2026.12.1,2026-01-07T08:00:00Z,ana,2026-01-07T08:00:00Z,ana"
        ),
        "",
    ]
)


@pytest.fixture
def store(db_url: str) -> UseCaseStore:
    store = UseCaseStore(db_url)
    store.create_production("SM", "Saltmarsh", actor="lead")
    return store


def new_use(use_id, document, status="draft", ref="", when=None) -> NewUse:
    parsed = parse_answers(document, GUIDANCE)
    return NewUse(
        answers=parsed,
        assessment=ENGINE.assess(parsed),
        id=use_id,
        status=status,
        approval_ref=ref,
        created_at=when,
        updated_at=when,
    )


def fixture_log(store: UseCaseStore) -> None:
    """Three uses with fixed ids and times: text that needs quoting, escaping and Unicode."""
    store.insert_uses(
        "SM",
        [
            new_use(
                "u1",
                {
                    "title": "Moodboards for the cottage",
                    "department": "Art",
                    "tool": "Studio image tool",
                    "use_case_type": "ideation",
                    "principles": CLEAR,
                    "context": {
                        "tool_tier": "enterprise",
                        "final_deliverable": False,
                        "vendor_pipeline": False,
                    },
                },
                "approved",
                "",
                datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
            ),
            new_use(
                "u2",
                {
                    "title": '=HYPERLINK("http://x")',
                    "description": 'Line one\nline two, with "quotes"',
                    "department": "VFX",
                    "vendor": "Nørthlight",
                    "scene": "-12",
                    "use_case_type": "key_visual",
                    "involves": {"key_creative_element": True},
                },
                "approved",
                "WA-2026-01",
                datetime(2026, 1, 6, 14, 0, 0, 123456, tzinfo=UTC),
            ),
            new_use(
                "u3",
                {
                    "title": "'Til dawn",
                    "requested_by": "@editor",
                    "use_case_type": "talent_replication",
                    "principles": {**CLEAR, "no_performance_replacement": "unsure"},
                    "involves": {"digital_replica": True},
                    "context": {
                        "talent_consent": True,
                        "replica_exception": "as_scripted",
                        "final_deliverable": True,
                        "on_screen": "story_relevant",
                    },
                },
                "submitted",
                "",
                datetime(2026, 1, 7, 8, 0, tzinfo=UTC),
            ),
        ],
        GUIDANCE,
        actor="ana",
    )


EVERYTHING = UseFilter()


def export(store: UseCaseStore, f: UseFilter = EVERYTHING) -> str:
    return "".join(iter_csv(store, GUIDANCE, f))


def rows_of(text: str) -> list[dict[str, str]]:
    """An export read back with the csv module, a dict per row."""
    return list(csv.DictReader(io.StringIO(text, newline="")))


def ids(text: str) -> list[str]:
    return [row["id"] for row in rows_of(text)]


def dump(store: UseCaseStore) -> dict[str, list[str]]:
    """Every row of every table, as sortable text: equal dumps mean an unchanged database."""
    with store.engine.connect() as conn:
        return {
            table.name: sorted(repr(tuple(row)) for row in conn.execute(sa.select(table)))
            for table in metadata.sorted_tables
        }


# --- export -------------------------------------------------------------------------------------


def test_export_of_a_small_log_is_exactly_this_file(store):
    fixture_log(store)
    assert export(store) == EXPECTED_CSV
    assert export_columns(GUIDANCE) == HEADER.split(",")


def test_export_streams_in_chunks_and_filters(saltmarsh):
    fixture_log(saltmarsh)
    chunks = list(iter_csv(saltmarsh, GUIDANCE, chunk_rows=2))
    assert len(chunks) == 2 and chunks[0].startswith(HEADER)
    assert "".join(chunks) == EXPECTED_CSV
    out = io.StringIO(newline="")
    csvio.write_csv(saltmarsh, GUIDANCE, out)
    assert out.getvalue() == EXPECTED_CSV
    assert ids(export(saltmarsh, UseFilter(levels=("low",)))) == ["u1"]
    saltmarsh.archive_use("u1", actor="ana")
    assert ids(export(saltmarsh)) == ["u2", "u3"]
    assert export(saltmarsh, UseFilter(productions=("NONE",))) == HEADER + "\r\n"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_every_formula_prefix_is_neutralised_and_restored(saltmarsh, prefix):
    title = f"{prefix}SUM(A1:A9)"
    document = {
        "title": title,
        "description": f"{prefix}cmd|' /C calc'!A0",
        "tool": prefix,
        "use_case_type": "ideation",
    }
    saltmarsh.insert_uses("SM", [new_use("x1", document)], GUIDANCE, actor="ana")
    text = export(saltmarsh)
    [header, row] = list(csv.reader(io.StringIO(text, newline="")))
    cells = dict(zip(header, row, strict=True))
    assert cells["title"] == "'" + title
    assert cells["tool"] == "'" + prefix
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    other = UseCaseStore(saltmarsh.url.replace("greenlight.db", "other.db"))
    other.create_production("SM", "Saltmarsh", actor="lead")
    import_csv(other, text.encode(), "SM", ENGINE, actor="bob")
    back = other.get_use("x1")
    assert (back.title, back.description, back.tool) == (
        title,
        document["description"],
        prefix,
    )


# --- round trip ------------------------------------------------------------------------------------


def test_export_then_import_is_lossless_field_by_field(store, sqlite_url):
    fixture_log(store)
    seed_demo(store, ENGINE)
    text = export(store)
    target = UseCaseStore(sqlite_url.replace("greenlight.db", "target.db"))
    target.create_production("SM", "Saltmarsh", actor="lead")
    target.create_production("DEMO", "Demo", actor="lead")
    originals = store.list_uses(limit=1000).rows
    started = datetime.now(UTC).replace(microsecond=0)
    for code in ("SM", "DEMO"):
        part = export(store, UseFilter(productions=(code,)))
        result = import_csv(target, part.encode(), code, ENGINE, actor="importer")
        assert result.relevelled == 0 and result.status == "draft"
        assert result.ignored == IGNORED_COLUMNS
    assert len(export(target).splitlines()) == len(text.splitlines())
    # A report that imports back: what was assessed, and when the use was made; its place in
    # the workflow starts afresh, by the importer, now (a backup keeps those).
    afresh = {"production_name", "status", "approval_ref", "created_by", "updated_at", "updated_by"}
    afresh |= {"version", "decided_version"}  # a new use starts at version 1, undecided
    afresh |= {"awaiting_since"}  # it awaits a decision from its import on, if at all
    for summary in originals:
        before, after = store.get_use(summary.id), target.get_use(summary.id)
        for field in dataclasses.fields(before):
            if field.name not in afresh | {"created_at"}:
                assert getattr(after, field.name) == getattr(before, field.name), field.name
        # The file gives times to the second.
        assert after.created_at == before.created_at.replace(microsecond=0)
        assert (after.status, after.approval_ref, after.created_by) == ("draft", "", "importer")
        assert after.updated_at >= started
        [created] = target.history(summary.id)
        assert (created.field, created.new, created.actor) == ("created", "draft", "importer")
        assert created.at >= started  # the time of the import, never the file's created_at
        assert created.note.startswith("imported from a CSV file on ")


# --- import ------------------------------------------------------------------------------------------


def test_minimal_form_is_assessed_and_levels_in_the_file_are_never_trusted(store):
    minimal = (
        "title,use_case_type,involves.digital_replica,principles.outputs_original,level\r\n"
        "Synthetic voice,talent_replication,TRUE,yes,low\r\n"
        "Moodboard,ideation,,,\r\n"
        ",,,,\r\n"
        "\r\n"
    )
    seen: list[tuple[int, int]] = []
    result = import_csv(
        store,
        minimal.encode("utf-8-sig"),
        "SM",
        ENGINE,
        actor="ana",
        source_name="uses.csv",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert (result.imported, result.relevelled, result.production) == (2, 1, "SM")
    assert seen[-1] == (4, 4) and seen == sorted(seen)
    voice, mood = (store.get_use(use_id) for use_id in result.ids)
    assert (voice.title, voice.level, voice.status, voice.created_by) == (
        "Synthetic voice",
        "approval",
        "draft",
        "ana",
    )
    assert voice.answers == {
        "title": "Synthetic voice",
        "use_case_type": "talent_replication",
        "principles": {"outputs_original": "yes"},
        "involves": {"digital_replica": True},
    }
    # Every principle left open counts as no (guidance 2026.12): principle 1 no needs approval.
    assert (mood.title, mood.level, mood.answers) == (
        "Moodboard",
        "approval",
        {"title": "Moodboard", "use_case_type": "ideation"},
    )
    assert store.history(voice.id)[0].note.startswith("imported from uses.csv on ")


def full_row(**cells: str) -> str:
    """A header and one row of the full format, with the given cells filled in."""
    names = HEADER.split(",")
    values = {"title": "A use", **cells}
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerow([values.get(name, "") for name in names])
    return buffer.getvalue()


# What an import error lists as the answers to use_case_type: the labels the export writes.
KINDS = (
    '"Ideation only: moodboards, reference images", "Background elements seen on camera: '
    'signage, posters", "Final character designs or key visuals", "Talent replication: '
    're-ageing, synthetic voices", "Training on data we do not own: famous faces, copyrighted '
    'art", "Working with the studio\'s proprietary material" or "Other"'
)
BAD_FILES = [
    pytest.param(
        b"", ["row 1: the file is empty: expected a header row with at least title"], id="empty"
    ),
    pytest.param(
        b"titel,use_case_type\r\nx,ideation\r\n",
        [
            "row 1, column titel: unknown column (did you mean 'title'?); the columns are "
            + ", ".join(HEADER.split(",")),
            "row 1, column title: missing: every file needs a title column",
        ],
        id="wrong-header",
    ),
    pytest.param(
        b"title,title\r\nx,y\r\n",
        ["row 1, column title: appears twice in the header; keep one"],
        id="duplicate-column",
    ),
    pytest.param(
        b"title,principles.outputs_original\r\nfine,yes\r\nbad,maybe\r\n",
        [
            'row 3, column principles.outputs_original: \'maybe\' is not an answer here; write "Yes", "Unsure" or "No"',
        ],
        id="bad-value",
    ),
    pytest.param(
        b"title,use_case_type\r\nx,hologram\r\n",
        [
            "row 2, column use_case_type: 'hologram' is not an answer here; write " + KINDS,
        ],
        id="unknown-type",
    ),
    pytest.param(
        b"title,involves.digital_replica\r\nx,perhaps\r\n",
        [
            'row 2, column involves.digital_replica: \'perhaps\' is not an answer here; write "No" or "Yes"'
        ],
        id="bad-boolean",
    ),
    pytest.param(
        "title,description\r\nfine,ok\r\nbad,caf\xe9\r\n".encode("latin-1"),
        ["row 3, column description: not UTF-8 text (byte 0xe9); save the file as CSV UTF-8"],
        id="not-utf8",
    ),
    pytest.param(
        ("title,description\r\nx," + "d" * 20_000 + "\r\n").encode(),
        ["row 2, column description: is 20000 characters; the limit is 10000"],
        id="huge-field",
    ),
    pytest.param(
        ("title\r\n" + "t" * 201 + "\r\n").encode(),
        ["row 2, column title: is 201 characters; the limit is 200"],
        id="long-title",
    ),
    pytest.param(
        b"title,description\r\nx\r\n",
        ["row 2: has 1 cells; the header has 2"],
        id="short-row",
    ),
    pytest.param(
        b'title,description\r\nx,"never closed\r\n',
        ["row 2: not valid CSV (unexpected end of data); check for a quote that is never closed"],
        id="open-quote",
    ),
    pytest.param(
        b"id,title\r\nsame,one\r\nsame,two\r\nbad id!,three\r\n",
        [
            "row 3, column id: the same id as row 2; each use appears once",
            "row 4, column id: use 1 to 40 letters, digits, - or _",
        ],
        id="ids",
    ),
    pytest.param(
        b"production,title\r\nP00007,one\r\n P00007,two\r\nP00007,\r\n",
        [
            "row 1, column production: every row belongs to production 'P00007', not 'SM': "
            "import the file there, or clear the production column",
            "row 4, column title: is required; give the use a short title",
        ],
        id="another-production-s-export",
    ),
    pytest.param(
        b"production,title\r\nP00007,one\r\n,two\r\nOTHER,three\r\n",
        [
            "row 2, column production: this row belongs to production 'P00007', not 'SM'; "
            "import it there or clear the cell",
            "row 4, column production: this row belongs to production 'OTHER', not 'SM'; "
            "import it there or clear the cell",
        ],
        id="rows-of-other-productions",
    ),
    pytest.param(
        b"id,title,use_case_type\r\nsame,,ideation\r\nsame,two,maybe\r\n",
        [
            "row 2, column title: is required; give the use a short title",
            "row 3, column id: the same id as row 2; each use appears once",
            "row 3, column use_case_type: 'maybe' is not an answer here; write " + KINDS,
        ],
        id="same-id-on-rows-with-other-problems",
    ),
    pytest.param(
        full_row(status="finished", created_at="yesterday", production="OTHER").encode(),
        [
            "row 2, column production: this row belongs to production 'OTHER', not 'SM'; "
            "import it there or clear the cell",
            "row 2, column created_at: 'yesterday' is not a time like 2026-01-31T09:30:00Z",
        ],
        id="bad-full-row",
    ),
    pytest.param(
        b"title,use_case_type,unknown\r\n,hologram,1\r\n",
        [
            "row 1, column unknown: unknown column; the columns are "
            + ", ".join(HEADER.split(",")),
        ],
        id="header-first",
    ),
    pytest.param(
        b"title,use_case_type,involves.digital_replica\r\n,hologram,1\r\nok,ideation,no\r\n"
        b"x,,maybe\r\n",
        [
            "row 2, column title: is required; give the use a short title",
            "row 2, column use_case_type: 'hologram' is not an answer here; write " + KINDS,
            'row 2, column involves.digital_replica: \'1\' is not an answer here; write "No" or "Yes"',
            'row 4, column involves.digital_replica: \'maybe\' is not an answer here; write "No" or "Yes"',
        ],
        id="every-problem",
    ),
]


@pytest.mark.parametrize(("data", "problems"), BAD_FILES)
def test_bad_files_name_row_and_column_and_write_nothing(saltmarsh, data, problems):
    fixture_log(saltmarsh)
    before = dump(saltmarsh)
    with pytest.raises(CsvImportError) as caught:
        import_csv(saltmarsh, data, "SM", ENGINE, actor="ana")
    assert [str(p) for p in caught.value.problems] == problems
    assert str(caught.value) == "\n".join(problems)
    assert dump(saltmarsh) == before


def test_bad_file_on_postgresql_writes_nothing(store):
    fixture_log(store)
    before = dump(store)
    good = "title,tool\r\n" + "fine,x\r\n" * 50
    with pytest.raises(CsvImportError, match="row 52, column title: is required"):
        import_csv(store, (good + " ,x\r\n").encode(), "SM", ENGINE, actor="ana")
    assert dump(store) == before


def test_ids_already_logged_are_reported_not_doubled(store):
    fixture_log(store)
    text = export(store)
    before = dump(store)
    with pytest.raises(CsvImportError) as caught:
        import_csv(store, text, "SM", ENGINE, actor="ana")
    assert [str(p) for p in caught.value.problems] == [
        f"row {n}, column id: use u{n - 1} is already logged; remove the row or its id"
        for n in (2, 3, 4)
    ]
    assert dump(store) == before


def test_import_into_an_unknown_production_is_refused(saltmarsh):
    with pytest.raises(CsvImportError, match="row 1: no production with code 'NOPE'"):
        import_csv(saltmarsh, b"title\r\nx\r\n", "NOPE", ENGINE, actor="ana")


# --- the commands ----------------------------------------------------------------------------------
