"""Personal data at rest: AES-GCM sealing bound to its column, keyed lookup hashes, keys from the
environment or a 0600 file, rotation, and the masks every list uses. No database here (see
tests/services/test_personal_data_at_rest.py and tests/unemployment/test_personal_data.py)."""

from __future__ import annotations

import base64
import stat

import pytest

from kuaiban.platform import personal_data as pd

ID = "430104198503129138"  # synthetic: order code 913, valid check digit; no real person


def _key(key_id: str, byte: int) -> str:
    return f"{key_id}:{base64.b64encode(bytes([byte]) * 32).decode()}"


@pytest.fixture
def keys(monkeypatch):
    """Change the keys within a test; the suite's test key is restored after it."""
    yield monkeypatch
    monkeypatch.undo()
    pd.reload_keys()


def test_a_sealed_value_is_ciphertext_that_opens_only_in_its_own_column():
    sealed = pd.seal(ID, "svc_applicants.id_number")
    assert sealed.startswith("pd1:test:") and ID not in sealed
    assert pd.seal(ID, "svc_applicants.id_number") != sealed  # a fresh nonce every time
    assert pd.unseal(sealed, "svc_applicants.id_number") == ID
    with pytest.raises(pd.DataKeyError, match="无法用密钥 test 解开"):
        pd.unseal(sealed, "ue_registrations.id_number")  # copied into another column: refused
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(pd.DataKeyError):
        pd.unseal(tampered, "svc_applicants.id_number")


def test_the_key_comes_from_the_environment_and_a_bad_one_is_refused_in_chinese(keys):
    keys.setenv(pd.ENV_KEY, _key("env1", 7))
    assert pd.reload_keys().current.id == "env1"
    assert pd.seal(ID, "c").startswith("pd1:env1:")
    keys.setenv(pd.ENV_KEY, "env1:c2hvcnQ=")
    with pytest.raises(pd.DataKeyError, match="应为 32 字节"):
        pd.reload_keys()


def test_without_the_environment_a_key_file_is_created_0600_on_first_use_and_kept(keys, tmp_path):
    keys.delenv(pd.ENV_KEY, raising=False)
    path = tmp_path / "keys" / "personal-data.key"
    keys.setenv(pd.ENV_FILE, str(path))
    first = pd.reload_keys().current
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert pd.reload_keys().current == first  # the same key on the next start, never a new one


def test_old_keys_still_open_what_they_sealed_while_the_newest_seals_and_hashes(keys):
    keys.setenv(pd.ENV_KEY, _key("old", 1))
    pd.reload_keys()
    sealed_old, hash_old = pd.seal(ID, "c"), pd.lookup_hash(ID)
    keys.setenv(pd.ENV_KEY, _key("new", 2) + "," + _key("old", 1))
    pd.reload_keys()
    assert pd.unseal(sealed_old, "c") == ID and pd.seal(ID, "c").startswith("pd1:new:")
    assert pd.lookup_hash(ID).startswith("new:") and hash_old in pd.lookup_hashes(ID)
    keys.setenv(pd.ENV_KEY, _key("new", 2))
    pd.reload_keys()
    with pytest.raises(pd.DataKeyError, match="密钥 old 不在"):
        pd.unseal(sealed_old, "c")


def test_the_lookup_hash_is_keyed_and_ignores_case_and_full_width_digits():
    assert pd.lookup_hash("43010419850312913x") == pd.lookup_hash("43010419850312913X")
    assert pd.lookup_hash("４３０１０４１９８５０３１２９１３８") == pd.lookup_hash(ID)
    import hashlib

    assert hashlib.sha256(ID.encode()).hexdigest() not in pd.lookup_hash(ID)  # not a plain hash


@pytest.mark.parametrize(("kind", "value", "masked"), [
    ("id_number", "430104198503129138", "430104********9138"),
    ("phone", "13800001234", "138****1234"),
    ("phone", "0731-00000001-12", "073*-******01-12"),  # first three and last four digits
    ("address", "湖南省长沙市芙蓉区五一大道100号", "湖南省长沙市芙蓉区****"),
    ("address", "北京市东城区东长安街1号", "北京市东城区****"),
    ("address", "长沙县星沙街道1号", "长沙县****"),
    ("account", "6222020000001234", "************1234"),
])
def test_masks_keep_only_what_a_list_needs(kind, value, masked):
    assert pd.mask(kind, value) == masked


def test_keys_rotate_adds_a_key_to_the_file_and_reencrypts_the_database(keys, tmp_path):
    import json
    import stat

    from sqlalchemy import text
    from typer.testing import CliRunner

    from kuaiban.cli import app
    from kuaiban.db import connect, session_scope
    from kuaiban.platform import auth

    keys.delenv(pd.ENV_KEY, raising=False)
    path = tmp_path / "personal-data.key"
    keys.setenv(pd.ENV_FILE, str(path))
    old = pd.reload_keys().current.id
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    with session_scope(connect(url)) as s:
        auth.create_applicant(s, "citizen", "测试甲", id_number=ID, region="430104")

    result = CliRunner().invoke(app, ["keys", "rotate", "--db", url])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["previous"] == [old] and out["rows"]["svc_applicants"] == 1
    assert out["stale"] == {}  # no lookup hash still needs the old key
    assert [k.id for k in pd.keyring().keys] == [out["key"], old]  # the old key kept, below the new one
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and "base64" not in result.output.lower()
    with connect(url).connect() as conn:
        stored, digest = conn.execute(text("SELECT id_number, id_number_hash FROM svc_applicants")).one()
    assert stored.startswith(f"pd1:{out['key']}:") and digest.startswith(f"{out['key']}:")
    status = json.loads(CliRunner().invoke(app, ["keys", "status"]).output)
    assert status == {"source": str(path), "current": out["key"], "keys": [out["key"], old]}


def test_keys_rotate_with_the_environment_key_explains_the_manual_steps(keys):
    from typer.testing import CliRunner

    from kuaiban.cli import app

    result = CliRunner().invoke(app, ["keys", "rotate"])
    assert result.exit_code == 2 and "kuaiban keys reencrypt" in result.output


def test_a_running_process_picks_up_a_key_added_to_the_file(keys, tmp_path):
    keys.delenv(pd.ENV_KEY, raising=False)
    path = tmp_path / "personal-data.key"
    keys.setenv(pd.ENV_FILE, str(path))
    old = pd.reload_keys().keys[0]
    new = pd.generate_key()
    pd.write_key_file(path, [new, old])  # as `kuaiban keys rotate` in another process does
    sealed = pd.seal(ID, "c")
    assert sealed.startswith(f"pd1:{new.id}:") and pd.unseal(sealed, "c") == ID


def test_a_changed_environment_key_is_used_from_the_next_call_without_a_reload(keys):
    """A process (or a test) that sets KUAIBAN_DATA_KEY after sealing once never goes on sealing with the
    key it replaced; setting it back brings the old key back."""
    before = pd.keyring().current.id
    keys.setenv(pd.ENV_KEY, _key("later", 9))
    assert pd.seal(ID, "svc_applicants.id_number").startswith("pd1:later:")
    keys.undo()
    assert pd.keyring().current.id == before
