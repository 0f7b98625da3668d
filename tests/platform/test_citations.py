"""The clause registry: every quote is verbatim in its compilation at its lines; keys are unique across files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kuaiban.platform.citations import (
    CLAUSES_DIR,
    Clause,
    RegistryError,
    compilation_lines,
    load,
    locate,
    quote_in_lines,
    registry,
)


@pytest.mark.parametrize("key", sorted(registry()))
def test_quote_is_verbatim_in_its_compilation_at_its_lines(key: str) -> None:
    item = registry()[key]
    assert item.doc_no and item.article and item.quote.strip()
    assert item.lines[1] <= len(compilation_lines(item.file)), f"{key}: lines beyond the end of {item.file}"
    assert quote_in_lines(item), f"{key}: quote not at {item.file}:{item.lines[0]}-{item.lines[1]}"


def test_the_registry_is_every_file_of_its_directory() -> None:
    files = sorted(CLAUSES_DIR.glob("*.yaml"))
    assert files, "data/clauses holds the registry"
    keys = [key for path in files for key in (yaml.safe_load(path.read_text(encoding="utf-8")) or {})]
    assert sorted(registry()) == sorted(keys)


def test_a_key_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    entry = ("x:\n  doc_no: 某号\n  article: 一\n  file: hunan-hrss-2020.txt\n  lines: [1, 1]\n  quote: 某\n")
    (tmp_path / "a.yaml").write_text(entry, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(entry, encoding="utf-8")
    with pytest.raises(RegistryError, match=r"a\.yaml and b\.yaml"):
        load(tmp_path)


def test_an_entry_without_its_lines_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x:\n  doc_no: 某号\n  article: 一\n  file: f.txt\n  quote: 某\n",
                                     encoding="utf-8")
    with pytest.raises(RegistryError, match="lines"):
        load(tmp_path)


def test_a_quote_wrapped_over_lines_is_located_across_the_wrap() -> None:
    # 京人社发[2020]8号 一（一） is wrapped after "1816" in the compilation; the tier's text follows
    item = registry()["bj_ub_1_5"]
    start, end = locate(item.file, item.quote)
    assert start < end
    assert compilation_lines(item.file)[start - 1].rstrip().endswith("1816")


def test_a_quote_moved_away_from_its_lines_fails_the_check() -> None:
    item = registry()["bj_ub_13th"]
    moved = Clause(**(item.as_record() | {"lines": (item.lines[0] + 40, item.lines[1] + 40)}))
    assert not quote_in_lines(moved)


def test_a_quote_may_leave_text_out_but_its_parts_stay_verbatim_and_in_order() -> None:
    item = registry()["ue_proofs"]  # 人社厅发〔2020〕79号 一（二）, quoted with two “……”
    assert "……" in item.quote and quote_in_lines(item)
    first, *rest = item.quote.split("……")
    swapped = Clause(**(item.as_record() | {"quote": "……".join([*rest, first]), "lines": item.lines}))
    assert not quote_in_lines(swapped)


def test_every_clause_cited_by_the_unemployment_pillar_is_registered() -> None:
    from kuaiban.unemployment import registers, registration, statistics

    cited = [*registration.PLACE_SOURCES.values(), registration.DECLARATION_SOURCE, registers.SOURCE,
             statistics.PERIOD_SOURCE]
    for source in cited:
        item = registry()[source["key"]]
        assert (source["doc_no"], source["clause"], source["lines"]) == (item.doc_no, item.article, list(item.lines))
