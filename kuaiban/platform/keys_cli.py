"""`kuaiban keys`: the personal-data key — where it is, rotating it, re-encrypting under it.

Rotation with the key file: ``kuaiban keys rotate`` writes a new key at the top of the file (the old ones
stay below it, so values not yet re-encrypted still open), then re-encrypts every value and recomputes
every lookup hash in one transaction. With ``KUAIBAN_DATA_KEY``: put the new key first
(``new:…,old:…``), restart, run ``kuaiban keys reencrypt``, then drop the old key. Both commands print
``stale``: the lookup hashes still under an older key (a hash kept without its value, whose value the
database holds nowhere else); drop the old key only when it is empty. No command prints key material.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from kuaiban.db import DatabaseError, connect, session_scope
from kuaiban.platform import personal_data, rekey

keys_app = typer.Typer(help="个人信息加密密钥：查看、轮换、重新加密", no_args_is_help=True, add_completion=False)
DbOpt = Annotated[str | None, typer.Option("--db", help="数据库地址（默认 var/kuaiban.db）")]


def _fail(message: str) -> None:
    print(f"错误：{message}", file=sys.stderr)
    raise typer.Exit(code=2)


@keys_app.command("status")
def status() -> None:
    """密钥来源、当前密钥编号与全部密钥编号（不显示密钥本身）。"""
    try:
        ring = personal_data.keyring()
    except personal_data.DataKeyError as exc:
        _fail(str(exc))
    print(json.dumps({"source": ring.source, "current": ring.current.id, "keys": [k.id for k in ring.keys]},
                     ensure_ascii=False))


def _reencrypt(db: str | None) -> dict[str, dict[str, int]]:
    with session_scope(connect(db)) as session:
        return {"rows": rekey.reencrypt(session), "stale": rekey.stale_hashes(session)}


@keys_app.command("reencrypt")
def reencrypt(db: DbOpt = None) -> None:
    """用当前密钥重新加密全部个人信息并重算查询摘要（一个事务）。"""
    try:
        counts = _reencrypt(db)
    except (DatabaseError, personal_data.DataKeyError) as exc:
        _fail(str(exc))
    print(json.dumps({"key": personal_data.keyring().current.id, **counts}, ensure_ascii=False))


@keys_app.command("rotate")
def rotate(db: DbOpt = None) -> None:
    """生成新密钥（写入密钥文件首行，旧密钥保留），再用新密钥重新加密全部个人信息。"""
    try:
        ring = personal_data.keyring()
    except personal_data.DataKeyError as exc:
        _fail(str(exc))
    if ring.source.startswith("环境变量"):
        _fail(f"密钥来自{ring.source}：请把新密钥放在首位（新编号:Base64,旧编号:Base64）后运行 kuaiban keys reencrypt")
    new = personal_data.generate_key()
    personal_data.write_key_file(personal_data.key_file(), [new, *ring.keys])
    personal_data.reload_keys()
    try:
        counts = _reencrypt(db)
    except (DatabaseError, personal_data.DataKeyError) as exc:
        _fail(f"{exc}（新密钥 {new.id} 已写入密钥文件，旧密钥仍在其中，数据未改动；可再运行 kuaiban keys reencrypt）")
    print(json.dumps({"key": new.id, "previous": [k.id for k in ring.keys], **counts}, ensure_ascii=False))
