"""Uploads nobody attached are deleted after KEEP_DAYS days (个人信息保护法 第十九条), attached ones never, and a
file that a submission is attaching at that very moment is never deleted under it
(kuaiban.platform.upload_retention). SQLite and PostgreSQL (``world``); the shared store in the database, and one
test with the directory store."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kuaiban.platform import audit, jobs, material_files, storage, upload_retention
from kuaiban.platform.errors import Invalid
from kuaiban.platform.material_files import FileOwner
from kuaiban.platform.models import AuditEntry
from kuaiban.services import cases
from kuaiban.web.uploads import stored_file
from tests.materials import pdf, uploaded

from .conftest import FORM, SHARED

ITEMS = ["1.1.5", "4.1.1"]
OLD = dt.timedelta(days=upload_retention.KEEP_DAYS, hours=1)


def _digest(reference: str) -> str:
    return reference.partition(":")[0]


def _age(world, reference: str, by: dt.timedelta = OLD) -> None:
    """As if the file had been uploaded ``by`` ago."""
    with world.session() as s:
        s.execute(update(FileOwner).where(FileOwner.digest == _digest(reference))
                  .values(uploaded_at=audit.now() - by))


def _upload(world, user, name: str) -> str:
    with world.session() as s:
        return uploaded(s, user, {name: name + ".pdf"})[name]


def _owners(world, reference: str) -> set[int]:
    with world.session() as s:
        return set(s.scalars(select(FileOwner.applicant_id).where(FileOwner.digest == _digest(reference))))


def _stored(world, reference: str) -> bool:
    with world.session() as s:
        return storage.exists(s, _digest(reference))


def test_an_old_unattached_upload_goes_and_an_attached_or_recent_one_stays(world):
    attached, forgotten, recent = (_upload(world, world.citizen, n) for n in ("attached", "forgotten", "recent"))
    with world.session() as s:
        number = cases.submit(s, world.citizen, "企业招用员工", FORM, items=ITEMS, materials={SHARED: attached}).number
    _age(world, attached)
    _age(world, forgotten)
    _age(world, recent, dt.timedelta(days=upload_retention.KEEP_DAYS - 1))

    dry = upload_retention.prune(world.engine, dry_run=True)
    assert dry.as_dict() == {"owners": 1, "files": 1, "kept_in_use": 1, "skipped_busy": 0}
    assert _stored(world, forgotten) and _owners(world, forgotten)  # a dry run changes nothing

    report = upload_retention.prune(world.engine)
    assert report.as_dict() == {"owners": 1, "files": 1, "kept_in_use": 1, "skipped_busy": 0}
    assert not _stored(world, forgotten) and not _owners(world, forgotten)
    assert _stored(world, recent) and _owners(world, recent)
    with world.session() as s:
        case = cases.get_case(s, world.citizen, number)
        material = next(m for m in case.materials if m.name == SHARED)
        assert stored_file(s, material.reference, case.applicant_id) is not None  # still served
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "prune_uploads"))
        assert entry.detail == {"owners_removed": 1, "files_deleted": 1,
                                "older_than_days": upload_retention.KEEP_DAYS}
    assert upload_retention.prune(world.engine).owners == 0  # nothing left to do


def test_the_same_bytes_of_another_applicant_stay_and_a_repeat_upload_starts_the_clock_again(world):
    label = "shared-bytes"
    with world.session() as s:
        mine = material_files.keep(s, world.citizen, "a.pdf", pdf(label))
        theirs = material_files.keep(s, world.neighbour, "b.pdf", pdf(label))
    assert _digest(mine) == _digest(theirs)
    _age(world, mine)
    with world.session() as s:  # the neighbour's row was made just now: set it back only for the citizen
        s.execute(update(FileOwner).where(FileOwner.applicant_id == world.neighbour.applicant_id)
                  .values(uploaded_at=audit.now()))
    report = upload_retention.prune(world.engine)
    assert (report.owners, report.files) == (1, 0)  # the citizen's claim goes, the bytes are the neighbour's too
    assert _owners(world, mine) == {world.neighbour.applicant_id} and _stored(world, mine)

    _age(world, theirs)
    with world.session() as s:  # the neighbour chooses the same file again today
        material_files.keep(s, world.neighbour, "b-again.pdf", pdf(label))
    assert upload_retention.prune(world.engine).owners == 0 and _stored(world, theirs)


def test_bytes_a_background_job_holds_are_kept(world):
    jobs.register("s21-test", lambda data, meta, progress: (data, meta))
    try:
        forgotten = _upload(world, world.citizen, "job-bytes")
        with world.session() as s:
            data = storage.get(s, _digest(forgotten))
            jobs.submit(s, "s21-test", data, {}, user=world.citizen)
        _age(world, forgotten)
        report = upload_retention.prune(world.engine)
        assert (report.owners, report.files) == (1, 0) and _stored(world, forgotten)
    finally:
        jobs._handlers.pop("s21-test", None)


def test_a_submission_attaching_the_file_at_that_moment_keeps_it(world):
    reference = _upload(world, world.citizen, "racing")
    _age(world, reference)
    submission = Session(world.engine, expire_on_commit=False)
    number = cases.submit(submission, world.citizen, "企业招用员工", FORM, items=ITEMS,
                          materials={SHARED: reference}).number  # checked and written, not yet committed
    done: dict = {}
    pruning = threading.Thread(target=lambda: done.update(report=upload_retention.prune(world.engine)))
    pruning.start()
    pruning.join(1.5)  # PostgreSQL: passes the held row by at once; SQLite: waits for the write lock
    submission.commit()
    submission.close()
    pruning.join(30)
    report = done["report"]
    assert report.owners == 0 and report.files == 0
    if world.engine.dialect.name == "postgresql":
        assert report.skipped_busy == 1  # left for the next run, which will find it attached
    else:
        assert report.kept_in_use == 1  # ran after the submission's commit and saw the material
    assert upload_retention.prune(world.engine).kept_in_use == 1
    with world.session() as s:
        case = cases.get_case(s, world.citizen, number)
        material = next(m for m in case.materials if m.name == SHARED)
        assert stored_file(s, material.reference, case.applicant_id) is not None


def test_a_submission_arriving_while_the_prune_holds_the_file_is_refused_not_left_pointing_at_nothing(world):
    reference = _upload(world, world.citizen, "late")
    _age(world, reference)
    pruning = Session(world.engine, expire_on_commit=False)
    report = upload_retention.PruneReport()
    cutoff = audit.now() - dt.timedelta(days=upload_retention.KEEP_DAYS)
    upload_retention._one_batch(pruning, cutoff, None, 100, False, report, upload_retention.KEEP_DAYS)
    assert report.owners == 1  # deleted in the prune's transaction, not committed yet
    answer: dict = {}

    def submit() -> None:
        try:
            with world.session() as s:
                answer["case"] = cases.submit(s, world.citizen, "企业招用员工", FORM, items=ITEMS,
                                              materials={SHARED: reference}).number
        except Invalid as refused:
            answer["refused"] = refused

    submitting = threading.Thread(target=submit)
    submitting.start()
    submitting.join(1.5)
    assert submitting.is_alive()  # waits on the rows the prune holds
    pruning.commit()
    pruning.close()
    submitting.join(30)
    assert "case" not in answer and answer["refused"].field == f"materials.{SHARED}"
    with world.session() as s:
        assert s.scalar(select(cases.Case.id)) is None


def test_without_a_pillar_saying_what_uses_files_nothing_is_pruned(world, monkeypatch):
    forgotten = _upload(world, world.citizen, "unsure")
    _age(world, forgotten)
    monkeypatch.setattr(upload_retention, "_uses", {})
    with pytest.raises(upload_retention.NoUsesKnown):
        upload_retention.prune(world.engine)
    upload_retention._periodic(world.engine)  # the job queue's run: skipped, not a failure
    assert _stored(world, forgotten) and _owners(world, forgotten)


def test_in_a_directory_store_the_file_itself_is_unlinked(sqlite_world, monkeypatch, tmp_path):
    monkeypatch.setenv("KUAIBAN_STORAGE", "directory")
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    forgotten = _upload(sqlite_world, sqlite_world.citizen, "on-disk")
    path = storage.directory() / _digest(forgotten)
    assert path.is_file()
    _age(sqlite_world, forgotten)
    assert upload_retention.prune(sqlite_world.engine).files == 1
    assert not path.exists()


def test_a_prune_that_dies_before_its_commit_is_finished_by_the_next_run(sqlite_world, monkeypatch, tmp_path):
    """The order is rows, files, commit: a run that dies after unlinking leaves rows naming missing files (never
    files that no row names, which no later run could find), and the next run removes those rows."""
    monkeypatch.setenv("KUAIBAN_STORAGE", "directory")
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    forgotten = _upload(sqlite_world, sqlite_world.citizen, "half-done")
    _age(sqlite_world, forgotten)

    def dies(*_args, **_kw):
        raise SystemExit("进程在提交前终止（测试）")

    with monkeypatch.context() as m:
        m.setattr(upload_retention.audit, "record", dies)
        with pytest.raises(SystemExit):
            upload_retention.prune(sqlite_world.engine)
    assert not (storage.directory() / _digest(forgotten)).exists()  # unlinked before the commit …
    assert _owners(sqlite_world, forgotten)  # … whose rollback kept the row
    report = upload_retention.prune(sqlite_world.engine)
    assert report.owners == 1 and not _owners(sqlite_world, forgotten)
