"""The ingest pauses Python's cyclic garbage collector while it runs, and only then."""

import gc

import pytest

from kuaiban.library.ingest import collections_paused


def test_collection_is_paused_in_the_block_and_back_after_it():
    assert gc.isenabled()
    with collections_paused():
        assert not gc.isenabled()
        with collections_paused():  # the CLI pauses around the worker pool, the ingest again inside it
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_failing_ingest_turns_collection_back_on():
    with pytest.raises(RuntimeError), collections_paused():
        raise RuntimeError("解析失败")
    assert gc.isenabled()


def test_a_caller_that_turned_collection_off_keeps_it_off():
    gc.disable()
    try:
        with collections_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
