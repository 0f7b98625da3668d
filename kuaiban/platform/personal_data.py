"""Personal information at rest (个人信息保护法 第五十一条): field-level encryption, keyed lookup hashes, masks.

- **Encryption**: AES-256-GCM (authenticated: a changed or swapped ciphertext fails to open). A sealed value
  is the text ``pd1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``; the column it belongs to is the
  associated data, so a ciphertext copied into another column does not open there.
- **Lookups**: a column that must be searched or kept unique by value (an applicant's 证件号码, the person of a
  失业登记) has a companion ``…_hash`` column: ``<key id>:<HMAC-SHA-256 hex>``. Queries go through
  :func:`lookup_hashes`, which gives the hash under every known key, so lookups keep working while a
  rotation is under way.
- **Keys**: ``KUAIBAN_DATA_KEY`` (``<id>:<base64 32 bytes>``, several separated by commas), else the file
  ``KUAIBAN_KEY_FILE`` (default ``$KUAIBAN_VAR/keys/personal-data.key``: one ``<id> <base64>`` per line),
  created with mode 0600 and a fresh key on first use. The first key encrypts and hashes; every listed key
  decrypts. Rotation: see :mod:`kuaiban.platform.keys_cli` and docs/SECURITY.md.
- **Masks** for lists: 430104********1249, 138****1234, an address cut to the county.

The SQLAlchemy types :class:`SealedString` and :class:`SealedJSON` do the sealing on the way into the
database and the opening on the way out, so the rest of the code reads and writes plain values.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import JSON, String, Text
from sqlalchemy.types import TypeDecorator

from kuaiban import config

PREFIX = "pd1"
ENV_KEY = "KUAIBAN_DATA_KEY"
ENV_FILE = "KUAIBAN_KEY_FILE"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class DataKeyError(Exception):
    """The key material is missing, malformed or does not open a stored value (message in Chinese)."""


@dataclass(frozen=True)
class DataKey:
    id: str
    secret: bytes  # 32 bytes

    @property
    def lookup_secret(self) -> bytes:
        # a separate key for the HMAC, derived so one key line serves both purposes
        return hmac.new(self.secret, b"kuaiban personal-data lookup v1", hashlib.sha256).digest()


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[DataKey, ...]  # the first encrypts and hashes; all decrypt
    source: str  # where they came from, for messages: 环境变量 … or the file path

    @property
    def current(self) -> DataKey:
        return self.keys[0]

    def get(self, key_id: str) -> DataKey:
        for k in self.keys:
            if k.id == key_id:
                return k
        raise DataKeyError(f"个人信息密钥 {key_id} 不在密钥来源（{self.source}）中，无法解密")


def key_file() -> Path:
    return Path(os.environ.get(ENV_FILE) or config.VAR / "keys" / "personal-data.key")


def new_key_id() -> str:
    return "k" + secrets.token_hex(4)


def _parse_key(key_id: str, b64: str, where: str) -> DataKey:
    if not _KEY_ID.match(key_id):
        raise DataKeyError(f"{where}：密钥编号“{key_id}”无效（1–16 位字母、数字、-、_）")
    try:
        secret = base64.b64decode(b64, validate=True)
    except ValueError:
        raise DataKeyError(f"{where}：密钥 {key_id} 不是有效的 Base64") from None
    if len(secret) != 32:
        raise DataKeyError(f"{where}：密钥 {key_id} 应为 32 字节（AES-256），实为 {len(secret)} 字节")
    return DataKey(key_id, secret)


def _ring(keys: list[DataKey], source: str) -> KeyRing:
    if not keys:
        raise DataKeyError(f"{source} 中没有密钥")
    if len({k.id for k in keys}) != len(keys):
        raise DataKeyError(f"{source} 中有重复的密钥编号")
    return KeyRing(tuple(keys), source)


def format_key(key: DataKey) -> str:
    return f"{key.id} {base64.b64encode(key.secret).decode()}"


def generate_key() -> DataKey:
    return DataKey(new_key_id(), AESGCM.generate_key(bit_length=256))


def write_key_file(path: Path, keys: Iterable[DataKey], *, replace: bool = True) -> None:
    """Write the key file atomically with mode 0600 (directory 0700): the newest key first.

    ``replace=False`` (the first use) never overwrites: when two server workers start at once, one file
    wins and both use it — a key overwritten after use would leave data nobody can open."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("# kuaiban 个人信息密钥：每行“编号 Base64”，第一行用于加密，各行均可解密。"
                    "旧密钥须在 kuaiban keys reencrypt 之后才可删除。\n")
            for k in keys:
                f.write(format_key(k) + "\n")
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
                os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _load() -> KeyRing:
    env = os.environ.get(ENV_KEY, "").strip()
    if env:
        keys = []
        for part in filter(None, (p.strip() for p in env.split(","))):
            key_id, sep, b64 = part.partition(":")
            if not sep:
                raise DataKeyError(f"环境变量 {ENV_KEY} 格式应为“编号:Base64”，多个以逗号分隔")
            keys.append(_parse_key(key_id, b64, f"环境变量 {ENV_KEY}"))
        return _ring(keys, f"环境变量 {ENV_KEY}")
    path = key_file()
    if not path.exists():
        write_key_file(path, [generate_key()], replace=False)
    keys = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            key_id, _, b64 = line.partition(" ")
            keys.append(_parse_key(key_id, b64.strip(), f"{path} 第 {n} 行"))
    return _ring(keys, str(path))


_lock = threading.Lock()
_cached: tuple[KeyRing, int | None, str] | None = None  # the keys, a key file's mtime when read, the env value


def _file_stamp(ring: KeyRing) -> int | None:
    if ring.source.startswith("环境变量"):
        return None
    try:
        return os.stat(ring.source).st_mtime_ns
    except OSError:
        return None


def keyring() -> KeyRing:
    """The keys, loaded once per process; a key file is read again when it changes, so running servers
    pick up a key that ``kuaiban keys rotate`` adds, and so is a changed ``KUAIBAN_DATA_KEY`` (an embedding
    process or a test that sets it never keeps sealing with the keys it replaced)."""
    global _cached
    cached = _cached
    env = os.environ.get(ENV_KEY, "")
    # a key file that vanished is not replaced by a fresh key while running: the keys in memory stay
    if (cached is None or cached[2] != env
            or (cached[1] is not None and _file_stamp(cached[0]) not in (cached[1], None))):
        with _lock:
            ring = _load()
            _cached = (ring, _file_stamp(ring), env)
            return ring
    return cached[0]


def reload_keys() -> KeyRing:
    global _cached
    with _lock:
        _cached = None
    return keyring()


# ---------------------------------------------------------------- sealing


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def seal(plain: str, context: str) -> str:
    """``plain`` encrypted under the current key, bound to ``context`` (the column it is stored in)."""
    key = keyring().current
    nonce = secrets.token_bytes(12)
    ct = AESGCM(key.secret).encrypt(nonce, plain.encode("utf-8"), context.encode("utf-8"))
    return f"{PREFIX}:{key.id}:{base64.urlsafe_b64encode(nonce + ct).decode()}"


def unseal(sealed: str, context: str) -> str:
    """The plain text of a value sealed by :func:`seal` for the same ``context``."""
    try:
        _, key_id, b64 = sealed.split(":", 2)
        blob = base64.urlsafe_b64decode(b64)
    except ValueError:
        raise DataKeyError(f"{context}：加密数据格式损坏") from None
    key = keyring().get(key_id)
    try:
        return AESGCM(key.secret).decrypt(blob[:12], blob[12:], context.encode("utf-8")).decode("utf-8")
    except InvalidTag:
        raise DataKeyError(f"{context}：加密数据无法用密钥 {key_id} 解开（数据被改动或密钥不符）") from None


def normalise(value: str) -> str:
    """The form a value is hashed in: no surrounding space, full-width digits and letters folded, upper case."""
    import unicodedata

    return unicodedata.normalize("NFKC", value).strip().upper()


def lookup_hash(value: str, key: DataKey | None = None) -> str:
    key = key or keyring().current
    digest = hmac.new(key.lookup_secret, normalise(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{key.id}:{digest}"


def lookup_hashes(value: str) -> list[str]:
    """The hash of ``value`` under every known key: ``column.in_(lookup_hashes(v))`` finds it mid-rotation."""
    return [lookup_hash(value, k) for k in keyring().keys]


def optional_hash(value: str | None) -> str | None:
    return lookup_hash(value) if value else None


class LookupHash(TypeDecorator):
    """A column of keyed lookup hashes (``<key id>:<hex>``, :func:`lookup_hash`), stored as plain text.

    ``of`` names the sealed column of the same row whose value it hashes (an applicant's ``id_number``);
    None marks a hash kept without its value (a 免申即享 entry's credit code, a register's subject, a hold's
    person): :mod:`kuaiban.platform.rekey` finds every column of this type and, after a key rotation,
    recomputes the first kind from the value beside it and the second from the same value held elsewhere.
    Declare every lookup-hash column with it, so a rotation cannot leave one behind."""

    impl = String
    cache_ok = True

    def __init__(self, of: str | None = None) -> None:
        super().__init__(80)
        self.of = of


class SealedString(TypeDecorator):
    """A text column stored encrypted; reads give the plain text. Empty and NULL stay as they are."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value, dialect):
        if value is None or value == "" or is_sealed(value):
            return value
        return seal(str(value), self.context)

    def process_result_value(self, value, dialect):
        return unseal(value, self.context) if is_sealed(value) else value


class SealedJSON(TypeDecorator):
    """A JSON object column whose personal fields (chosen by ``personal(key)``) are stored encrypted.

    The other fields stay readable in the database (codes, dates, states) so reports and support can
    still use them; a list or other JSON is stored as is."""

    impl = JSON
    cache_ok = True

    def __init__(self, context: str, personal: Callable[[str], bool]) -> None:
        super().__init__()
        self.context = context
        self.personal = personal

    def process_bind_param(self, value, dialect):
        if not isinstance(value, dict):
            return value
        return {k: seal(v, f"{self.context}.{k}") if self._sealable(k, v) else v for k, v in value.items()}

    def process_result_value(self, value, dialect):
        if not isinstance(value, dict):
            return value
        return {k: unseal(v, f"{self.context}.{k}") if is_sealed(v) else v for k, v in value.items()}

    def _sealable(self, key: str, value) -> bool:
        return isinstance(value, str) and value != "" and not is_sealed(value) and self.personal(key)


# ---------------------------------------------------------------- masks


def mask_id_number(value: str | None) -> str | None:
    """430104********1249: region code and last four kept (an 18-digit ID shows no birth date)."""
    if not value:
        return value
    v = value.strip()
    if len(v) >= 15:
        return v[:6] + "*" * (len(v) - 10) + v[-4:]
    if len(v) > 4:
        return "*" * (len(v) - 4) + v[-4:]
    return "*" * len(v)


def mask_phone(value: str | None) -> str | None:
    """138****1234 for a mobile; for any other number the digits but the first three and last four."""
    if not value:
        return value
    v = value.strip()
    digits = [i for i, c in enumerate(v) if c.isdigit()]
    if len(digits) < 8:
        return re.sub(r"\d", "*", v)
    hidden = set(digits[3:-4])
    return "".join("*" if i in hidden else c for i, c in enumerate(v))


# The first county-level unit (区, 县, 旗, or a county-level 市 after a prefecture) ends what may be shown.
_COUNTY = re.compile(r"^(.{0,12}?(?:省|自治区|特别行政区))?(.{0,12}?(?:市|自治州|州|地区|盟))?(.{1,12}?(?:区|县|旗|市))")


def mask_address(value: str | None) -> str | None:
    """湖南省长沙市芙蓉区****: the address cut to the county; without a recognisable county, its first six characters."""
    if not value:
        return value
    v = value.strip()
    m = _COUNTY.match(v)
    kept = m.group(0) if m else v[:6]
    return kept + "****" if len(v) > len(kept) else kept


def mask_account(value: str | None) -> str | None:
    """A bank account or anything else personal: only the last four characters."""
    if not value:
        return value
    v = value.strip()
    return "*" * max(len(v) - 4, 4) + v[-4:] if len(v) > 4 else "*" * len(v)


def mask_birth_date(value: str | None) -> str | None:
    """****年**月**日: the whole date hidden, as the masked 证件号码 hides the birth digits it carries."""
    return "****年**月**日" if value else value


MASKS: dict[str, Callable[[str | None], str | None]] = {
    "id_number": mask_id_number, "phone": mask_phone, "address": mask_address, "account": mask_account,
    "birth_date": mask_birth_date,
}


def mask(kind: str, value):
    """``value`` masked as a ``kind`` (id_number / phone / address / account); non-text values as they are."""
    return MASKS[kind](value) if isinstance(value, str) else value
