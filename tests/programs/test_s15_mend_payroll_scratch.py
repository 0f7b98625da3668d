"""A payment file's scratch copies: whose they are, and when another node may clear them (payroll.py).

Two app nodes may share the payroll directory under one hostname (a fixed container ``hostname``), each in its
own PID namespace, so a PID may be another's live writer, or even equal to our own. Each process names its
scratch with a random token, and a scratch file goes only when it is a dead writer's of this host and untouched
for an hour (s15 review, S6).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from kuaiban.programs import payroll

DEAD = 999_999_999  # no such process


def _file(folder: Path, tag: str, *, age: float) -> Path:
    scratch = folder / f"2020-10-批次1.csv.{tag}.tmp"
    scratch.write_text("半个文件")
    then = time.time() - age
    os.utime(scratch, (then, then))
    return scratch


def test_each_export_writes_its_own_scratch_named_for_the_process_token(tmp_path) -> None:
    target = tmp_path / "2020-10-批次1.csv"
    first, second = payroll._scratch(target), payroll._scratch(target)
    assert first != second  # two threads of one process exporting the same batch
    assert f"~{os.getpid()}~{payroll._TOKEN}-" in first.name and first.name.endswith(".tmp")
    assert payroll._writer(first.name[len(target.name) + 1:-4]) == (payroll._HOST, os.getpid(), payroll._TOKEN)


def test_another_replicas_live_file_under_the_same_hostname_is_kept(tmp_path) -> None:
    """Replica A (another PID namespace, its PID dead or equal to ours here) is still writing: not touched."""
    host = payroll._HOST
    fresh_dead_pid = _file(tmp_path, f"{host}~{DEAD}~aaaaaaaaaaaa-1", age=60)
    same_pid = _file(tmp_path, f"{host}~{os.getpid()}~bbbbbbbbbbbb-1", age=7200)
    payroll._clear_dead_scratch(tmp_path / "2020-10-批次1.csv")
    assert fresh_dead_pid.exists() and same_pid.exists()


def test_a_dead_writers_scratch_an_hour_old_is_cleared_in_every_form(tmp_path) -> None:
    host = payroll._HOST
    files = [_file(tmp_path, f"{host}~{DEAD}~cccccccccccc-2", age=3700),
             _file(tmp_path, f"{host}~{DEAD}", age=3700),  # the form before the token
             _file(tmp_path, f"{DEAD}", age=3700)]  # the form before the hostname
    payroll._clear_dead_scratch(tmp_path / "2020-10-批次1.csv")
    assert not any(f.exists() for f in files)


def test_another_hosts_and_this_processs_files_are_never_cleared(tmp_path) -> None:
    other_host = _file(tmp_path, f"other-node~{DEAD}~dddddddddddd-1", age=86400)
    ours = _file(tmp_path, f"{payroll._HOST}~{DEAD}~{payroll._TOKEN}-9", age=86400)
    unrelated = _file(tmp_path, "not~a~scratch~file", age=86400)
    payroll._clear_dead_scratch(tmp_path / "2020-10-批次1.csv")
    assert other_host.exists() and ours.exists() and unrelated.exists()
