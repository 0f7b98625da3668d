"""Library commands: `kuaiban ingest`, `docs`, `show`, `search`.

Bad input ends with one line on standard error naming what was wrong, and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from kuaiban.config import COMPILATIONS
from kuaiban.db import connect, session_scope
from kuaiban.library.queries import NotFound, article_dict, citation, detail, find_article, find_document
from kuaiban.platform import cli_options
from kuaiban.platform.cli_options import DbOption, fail

err = Console(stderr=True)
_STAGES = {"parse": "解析汇编", "store": "写入文件", "index": "建立索引"}


@contextmanager
def user_errors() -> Iterator[None]:
    """The shared one-line errors, and an unknown 文号 or id (the library's NotFound)."""
    with cli_options.user_errors(NotFound):
        yield


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def ingest_cmd(
    directory: Annotated[Path | None, typer.Argument(help="汇编目录（默认 data/compilations）")] = None,
    db: DbOption = None,
    if_needed: Annotated[bool, typer.Option("--if-needed", help="输入与代码未变时跳过")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="已有导入在进行时不等待，直接退出（退出码 2）")] = False,
) -> None:
    """解析汇编并建立或更新法规库（可重复执行，不会重复入库；同一数据库同时只运行一个导入）。"""
    from sqlalchemy.exc import OperationalError

    from kuaiban.corpus.pipeline import submit_parsing
    from kuaiban.db import make_engine
    from kuaiban.library.ingest import collections_paused, ingest, worker_pool
    from kuaiban.library.ingest_lock import IngestBusy, ingest_lock

    directory = directory or COMPILATIONS
    waiting = [False]

    def on_wait() -> None:
        if not waiting[0]:
            print("另一个法规库导入正在进行，等待其结束……", file=sys.stderr)
            waiting[0] = True

    # no collection at the end: the command's process ends after it (a test's runner collects when it needs to)
    with user_errors(), collections_paused(collect=False), worker_pool() as pool:
        if not directory.is_dir():
            raise ValueError(f"汇编目录不存在或不可读：{directory}")
        # the workers parse the files while this process migrates the database (not when the ingest may
        # have nothing to do)
        started = submit_parsing(directory, pool) if pool is not None and not if_needed else None
        bare = make_engine(db)  # not migrated yet: the lock also covers a fresh database's first migration
        try:
            with ingest_lock(bare, wait=not no_wait, on_wait=on_wait):
                engine = connect(db)
        except IngestBusy as exc:
            raise fail(str(exc)) from None
        finally:
            bare.dispose()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=err, transient=True, disable=as_json) as bar:
            tasks: dict[str, int] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
                bar.update(tasks[stage], completed=done, total=total)

            try:
                report = ingest(engine, directory, if_needed=if_needed, progress=progress, wait=not no_wait,
                                on_wait=on_wait, pool=pool, started=started)
            except IngestBusy as exc:
                raise fail(str(exc)) from None
            except OperationalError as exc:  # e.g. SQLite "database is locked" by another writer
                raise fail(f"数据库暂时无法写入（{str(exc.orig).splitlines()[0]}），请稍后再运行") from None
    if as_json:
        print(_dump(report.as_dict()))
    elif report.skipped:
        print(f"法规库已是最新：{report.documents} 份文件（输入与代码未变）")
    else:
        print(
            f"法规库：{report.documents} 份文件（新增 {report.created}，更新 {report.updated}，"
            f"删除 {report.removed}），来源 {report.sources} 处，条款 {report.articles} 条，"
            f"附件 {report.attachments} 个（其中略 {report.omitted_attachments}），表格 {report.tables} 张，"
            f"分项 {report.units} 个，引用 {report.links} 处（库内 {report.resolved_links}），"
            f"检索单元 {report.passages} 个，清理目录条目 {report.listings} 条；今日效力："
            + "、".join(f"{status} {n}" for status, n in sorted(report.statuses.items(), key=lambda t: -t[1]))
        )


AsOfOption = Annotated[str | None, typer.Option("--as-of", metavar="日期",
                                                 help="按哪一天判断效力，如 2026-12-02（默认今天）")]


def as_of_date(value: str | None) -> dt.date:
    """The day of ``--as-of`` (default today); a bad date ends with one Chinese line."""
    if value is None or not value.strip():
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise fail(f"--as-of 不是有效的日期，请按 2026-12-02 这样的格式填写（收到「{value}」）") from None


def docs_cmd(db: DbOption = None, as_json: Annotated[bool, typer.Option("--json")] = False,
             as_of: AsOfOption = None) -> None:
    """列出法规库中的全部文件及其在某日的效力（现行有效、尚未生效、部分失效、已被修改、失效、未知）。"""
    from kuaiban.library.queries import list_documents

    day = as_of_date(as_of)
    with user_errors(), session_scope(connect(db)) as session:
        rows = list_documents(session, day)
    if as_json:
        print(_dump(rows))
        return
    for r in rows:
        print(f"{r['id']:>5}  {r['doc_no'] or '—':<24} {r['region'] or '':<4} {r['date'] or '':<10}  "
              f"{r['status']:<4}  {r['title']}")


def show_cmd(
    ref: Annotated[str, typer.Argument(metavar="DOC_NO_OR_ID", help="文号（任意括号写法）或编号")],
    article: Annotated[int | None, typer.Option("--article", help="第N条")] = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    as_of: AsOfOption = None,
) -> None:
    """显示一份文件或其中一条，附引用出处。"""
    with user_errors(), session_scope(connect(db)) as session:
        doc = find_document(session, ref)
        if article is not None:
            a = find_article(doc, article)
            out = {"id": doc.id, "doc_no": doc.doc_no, "title": doc.title, "article": article_dict(doc, a)}
            if as_json:
                print(_dump(out))
            else:
                print(a.text)
                print(f"—— {citation(doc, a)}")
            return
        out = detail(session, doc, as_of_date(as_of))
    if as_json:
        print(_dump(out))
        return
    print(out["title"])
    print(f"文号：{out['doc_no'] or '无'}　发文：{'、'.join(out['issuers']) or '—'}　日期：{out['date'] or '—'}"
          f"　地区：{out['region'] or '—'}　类别：{out['category'] or '—'}　效力：{out['status']}"
          f"（{out['as_of']}）")
    basis = out["status_basis"]
    print(f"效力依据：{basis['note']}" + (f"——{basis['doc_no'] or ''}{basis['article'] or ''}“{basis['quote']}”"
                                         f"（{basis['source']}）" if basis["quote"] else ""))
    for other in out["same_doc_no"]:
        print(f"同一文号另有：{other['title']}（编号 {other['id']}）")
    print()
    for p in out["paragraphs"]:  # a paragraph with the lines it is printed on, as units and articles are cited
        print(p["text"] if p["heading"] or not p["source"] else f"{p['text']}（{p['source']}）")
    for att in out["attachments"]:
        print(f"\n{att['label']} {att['title']}" + ("（略）" if att["omitted"] else ""))
        if att["text"]:
            print(att["text"])
    print(f"\n—— {out['citation']}")


def _hit_json(hit) -> dict:
    return {"doc_no": hit.doc_no, "title": hit.title, "article": hit.article, "unit": hit.unit,
            "anchor": hit.anchor, "citation": hit.citation, "snippet": hit.snippet,
            "score": round(float(hit.score), 4), "source": hit.source, "status": hit.status}


def search_cmd(
    query: Annotated[str | None, typer.Argument(help="检索词；省略时从标准输入逐行读取")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 10,
    region: Annotated[str | None, typer.Option("--region", help="地区，如 湖南、重庆、国家")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer")] = None,
    category: Annotated[str | None, typer.Option("--category")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="现行有效 / 尚未生效 / 部分失效 / 已被修改 / 失效 / 未知（有效 = 现行有效或部分失效、已被修改）")] = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    as_of: AsOfOption = None,
    clauses: Annotated[bool, typer.Option(
        "--clauses", help="按条款列出：各文件中最相关的条款（第N条、一（二）、1. 等），同一文件可出现多次")] = False,
) -> None:
    """全文检索（中文分词、BM25 排序；可直接输入文号）。默认每份文件列一次，--clauses 按条款列出。"""
    from kuaiban.library.search import get_index

    day = as_of_date(as_of)
    with user_errors():
        index = get_index(connect(db))

    def run(q: str) -> list:
        return index.search(q, limit=limit, region=region, year=year, issuer=issuer, category=category,
                            status=status, as_of=day, per_document=not clauses)

    if query is None:
        for line in sys.stdin:
            q = line.strip()
            print(_dump([_hit_json(h) for h in run(q)] if q else []), flush=True)
        return
    if not query.strip():
        raise fail("检索词为空")
    hits = run(query)
    if as_json:
        print(_dump([_hit_json(h) for h in hits]))
        return
    reading = index.pinyin.read(query)
    if reading:
        print(f"按拼音“{query.strip()}”检索：{reading}")
    if not hits:
        print("没有找到相关条款" if clauses else "没有找到相关文件")
    for i, h in enumerate(hits, 1):
        where = f" 第{h.article}条" if h.article else (f" {h.unit}" if h.unit else "")
        if clauses and h.attachment and where:
            where = f" {h.attachment}{where.strip()}"  # the clause as cited: 附件1七（一）, 附件第3条
        print(f"{i}. {h.title}（{h.doc_no or '无文号'}）{where}  [{h.score:.2f}]")
        print(f"   {html.unescape(h.snippet.replace('<mark>', '【').replace('</mark>', '】'))}")
        print(f"   {h.source['cite']}  效力：{h.status}")


COMMANDS: list[tuple[str, Callable]] = [
    ("ingest", ingest_cmd),
    ("docs", docs_cmd),
    ("show", show_cmd),
    ("search", search_cmd),
]


def register(app: typer.Typer) -> None:
    for name, fn in COMMANDS:
        app.command(name)(fn)
