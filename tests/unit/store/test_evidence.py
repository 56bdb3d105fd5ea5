"""The evidence store on SQLite and PostgreSQL: files typed by their content, held to a size
limit while they are read, known by their SHA-256, never replaced, their names display text
only, every read recorded, and readable only by those who see what they belong to."""

from __future__ import annotations

import hashlib
import io
import tracemalloc

import pytest
import sqlalchemy as sa

from greenlight.store import EVIDENCE_MAX_MB_ENV, NotFound, NotPermitted, StoreError, UseCaseStore
from greenlight.store.evidence_files import CHUNK, display_name
from greenlight.store.talent.tables import evidence_files, evidence_links, evidence_views
from tests.unit.store import test_access
from tests.unit.store.test_access import ADA, BEA, ENGINE, LEE, MIA, RITA, ROB, answers

studio = test_access.studio  # the fixture: productions A and B and their people

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n\xe2\xe3\xcf\xd3\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(40))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(40))
TEXT = "Approved by Studio Legal — ref WA-7\n".encode()
MB = 1024 * 1024


@pytest.fixture
def local(store: UseCaseStore) -> tuple[UseCaseStore, str]:
    """A local log with production SM and one use in it."""
    store.create_production("SM", "Saltmarsh", actor="lead")
    use = store.log_use("SM", answers(), ENGINE, actor="Sam")
    return store, use.id


def counts(store: UseCaseStore) -> tuple[int, int]:
    with store.engine.connect() as conn:
        return tuple(
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (evidence_files, evidence_links)
        )


@pytest.mark.parametrize(
    "content, name, media_type",
    [
        (PDF, "rider.png", "application/pdf"),  # a PDF renamed .png is stored as a PDF
        (PNG, "scan.pdf", "image/png"),
        (JPEG, "photo.txt", "image/jpeg"),
        (TEXT, "note.jpg", "text/plain"),
    ],
)
def test_a_file_is_typed_by_its_content_and_known_by_its_digest(local, content, name, media_type):
    store, use_id = local
    added = store.add_evidence("use", use_id, name, io.BytesIO(content), actor="Sam")
    assert (added.media_type, added.size, added.name) == (media_type, len(content), name)
    assert added.sha256 == hashlib.sha256(content).hexdigest()
    meta, read = store.read_evidence(added.id, viewer="Sam")
    assert read == content and meta == added
    assert store.evidence_of("use", use_id, viewer="Sam") == [added]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04\x14\x00\x00\x00word/document.xml", "is not a PDF, PNG, JPEG or plain-text"),
        (b"plain text with a \x00 NUL", "is not a PDF, PNG, JPEG or plain-text"),
        (b"latin-1 caf\xe9 text", "is not a PDF, PNG, JPEG or plain-text"),
        (b"", "is empty"),
    ],
    ids=["zip", "nul", "not utf-8", "empty"],
)
def test_other_content_is_refused_whatever_its_name(local, content, message):
    store, use_id = local
    with pytest.raises(StoreError, match=f"^rider.pdf {message}.*nothing was stored"):
        store.add_evidence("use", use_id, "rider.pdf", content, actor="Sam")
    assert counts(store) == (0, 0)


def test_a_character_cut_at_a_chunk_boundary_is_still_text(local):
    store, use_id = local
    content = b"a" * (CHUNK - 1) + "é".encode() + b"b"  # é's two bytes straddle the chunk
    added = store.add_evidence("use", use_id, "long.txt", content, actor="Sam")
    assert added.media_type == "text/plain"


class Endless(io.RawIOBase):
    """A stream that never ends, counting what was read from it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.read_bytes += size
        return b"%PDF-" + b"x" * (size - 5) if self.read_bytes == size else b"x" * size


def test_the_size_limit_stops_reading_one_chunk_past_it(local, monkeypatch):
    store, use_id = local
    monkeypatch.setenv(EVIDENCE_MAX_MB_ENV, "2")
    exact = b"%PDF-" + b"x" * (2 * MB - 5)
    assert store.add_evidence("use", use_id, "exact.pdf", exact, actor="Sam").size == 2 * MB
    endless = Endless()
    with pytest.raises(StoreError, match=r"^big\.pdf is larger than the 2\.0 MB .*stored$"):
        store.add_evidence("use", use_id, "big.pdf", endless, actor="Sam")
    assert endless.read_bytes == 3 * CHUNK
    assert counts(store) == (1, 1)


@pytest.mark.parametrize("value", ["0", "-1", "twenty", "2000"])
def test_a_wrong_limit_is_a_configuration_error(local, monkeypatch, value):
    store, use_id = local
    monkeypatch.setenv(EVIDENCE_MAX_MB_ENV, value)
    with pytest.raises(Exception, match=f"^{EVIDENCE_MAX_MB_ENV} is '{value}': give 0.1 to 1024"):
        store.add_evidence("use", use_id, "a.txt", b"text", actor="Sam")


def test_a_20_mb_upload_is_read_in_chunks_within_memory_bounds(local):
    store, use_id = local
    size = 20 * MB
    chunk = b"%PDF-" + bytes(1000 - 5)

    class Upload(io.RawIOBase):  # 20 MB made as it is read: the test holds none of it
        sent = 0

        def readable(self):
            return True

        def read(self, want=-1):
            want = min(want, size - self.sent)
            self.sent += want
            return (chunk * (want // 1000 + 1))[:want]

    tracemalloc.start()
    try:
        added = store.add_evidence("use", use_id, "rider.pdf", Upload(), actor="Sam")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert added.size == size and added.media_type == "application/pdf"
    # The bytes held once as read, once as stored, plus a chunk: never a copy per step.
    assert peak < 2.5 * size, f"peak {peak / MB:.1f} MB for a 20 MB file"


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../x", "x"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("/etc/passwd", "passwd"),
        ("..", "evidence"),
        ("rider\u202efdp.exe", "riderfdp.exe"),
        ("a\nb\tc.pdf", "a b c.pdf"),
        ("", "evidence"),
    ],
)
def test_a_name_is_display_text_never_a_path(local, tmp_path, name, shown):
    store, use_id = local
    before = sorted(p.name for p in tmp_path.parent.rglob("*"))
    added = store.add_evidence("use", use_id, name, PDF, actor="Sam")
    assert added.name == shown == display_name(name)
    assert sorted(p.name for p in tmp_path.parent.rglob("*")) == before  # no file written


def test_a_file_is_never_replaced_a_new_version_is_a_new_file(local):
    store, use_id = local
    first = store.add_evidence("use", use_id, "rider.pdf", PDF, actor="Sam")
    again = store.add_evidence("use", use_id, "rider.pdf", PDF, actor="Kim")
    newer = store.add_evidence("use", use_id, "rider.pdf", PDF + b"v2", actor="Kim")
    assert counts(store) == (2, 3)  # the same bytes are stored once
    assert [e.id for e in store.evidence_of("use", use_id, viewer="Sam")] == [
        first.id, again.id, newer.id,
    ]  # fmt: skip
    assert store.read_evidence(first.id, viewer="Sam")[1] == PDF
    assert store.read_evidence(newer.id, viewer="Sam")[1] == PDF + b"v2"
    assert again.added_by == "Kim" and first.sha256 == again.sha256 != newer.sha256
    with store.engine.connect() as conn:
        stored_by = conn.execute(
            sa.select(evidence_files.c.first_stored_by).where(
                evidence_files.c.sha256 == first.sha256
            )
        ).scalar_one()
    assert stored_by == "Sam"


def test_unknown_owners_and_files_are_refused(local):
    store, use_id = local
    with pytest.raises(StoreError, match="^evidence is kept for consent, tool, use, not 'pitch'"):
        store.add_evidence("pitch", use_id, "a.pdf", PDF, actor="Sam")
    with pytest.raises(NotFound, match="^no logged use with id 'nope'"):
        store.add_evidence("use", "nope", "a.pdf", PDF, actor="Sam")
    with pytest.raises(NotFound, match="^no evidence file with id 99"):
        store.read_evidence(99, viewer="Sam")
    with pytest.raises(NotFound, match="^no evidence file with id '../x'"):
        store.read_evidence("../x", viewer="Sam")
    assert counts(store) == (0, 0)


def test_only_those_who_see_the_use_attach_and_read_and_every_read_is_recorded(studio):
    use = studio.log_use("A", answers(), ENGINE, actor=MIA)
    letter = studio.add_evidence("use", use.id, "approval.pdf", PDF, actor=RITA)
    for outsider in (ROB, BEA):
        with pytest.raises(NotPermitted, match="may not see the uses of A"):
            studio.read_evidence(letter.id, viewer=outsider)
        with pytest.raises(NotPermitted, match="may not see the uses of A"):
            studio.evidence_of("use", use.id, viewer=outsider)
        with pytest.raises(NotPermitted, match="may not see the uses of A"):
            studio.add_evidence("use", use.id, "x.pdf", PDF, actor=outsider)
    for reader in (MIA, LEE, ADA, MIA):
        assert studio.read_evidence(letter.id, viewer=reader)[1] == PDF
    views = studio.evidence_views(letter.id, viewer=ADA)
    assert [(v.link_id, v.viewer) for v in views] == [
        (letter.id, "Mia"), (letter.id, "Lee"), (letter.id, "Ada"), (letter.id, "Mia"),
    ]  # fmt: skip
    with studio.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(evidence_views)).scalar() == 4
    assert counts(studio) == (1, 1)
