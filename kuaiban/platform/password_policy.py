"""Password complexity (口令复杂度) of GB/T 22239-2019 等级保护 level 3, 8.1.4.1 a): every rule a new
password breaks, reported at once, in Chinese, naming ``password``.

Rules (docs/SECURITY.md, “口令策略”):

- at least 10 characters for 办事人, 12 for staff (they see a whole region's personal data); at most 128,
  so a login never runs scrypt over megabytes;
- at least three of the four classes: capital letters, small letters, digits, other characters;
- not the username or the ID number, nor containing them;
- not guessable: zxcvbn 4.5.0 (Dropbox's estimator; its frequency lists of common passwords, English
  words, names and keyboard patterns ship inside the package, nothing is downloaded) must estimate at
  least 10^8 guesses (its score 3) — this refuses ``Passw0rd!``, ``P@ssw0rd123``, ``Abcd1234!``, years and
  sequences.
"""

from __future__ import annotations

import unicodedata

from zxcvbn import zxcvbn

from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import APPLICANT

MIN_LENGTH = {APPLICANT: 10}
STAFF_MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_CLASSES = 3
MIN_SCORE = 3  # zxcvbn: 3 = at least 10^8 guesses
ESTIMATED_LENGTH = 72  # zxcvbn's own maximum


def _classes(password: str) -> int:
    kinds = {"upper" if c.isascii() and c.isupper() else "lower" if c.isascii() and c.islower()
             else "digit" if c.isascii() and c.isdigit() else "other" for c in password}
    return len(kinds)


def problems(password: str, *, role: str, username: str = "", id_number: str | None = None) -> list[str]:
    """Every rule ``password`` breaks, as sentences for the person choosing it (empty when acceptable)."""
    found: list[str] = []
    minimum = MIN_LENGTH.get(role, STAFF_MIN_LENGTH)
    if len(password) < minimum:
        found.append(f"长度至少 {minimum} 位")
    if len(password) > MAX_LENGTH:
        found.append(f"长度不超过 {MAX_LENGTH} 位")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in password):
        found.append("不能含控制字符或不可见字符")
    if _classes(password) < MIN_CLASSES:
        found.append("须包含大写字母、小写字母、数字、其他符号中的至少三类")
    folded = password.casefold()
    personal = [("用户名", username), ("证件号码", id_number or "")]
    for what, value in personal:
        if value and len(value) >= 3 and value.casefold() in folded:
            found.append(f"不能包含{what}")
    # zxcvbn refuses more than 72 characters (its cost grows with the length): the head is estimated
    if zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=[v for _, v in personal if v])["score"] < MIN_SCORE:
        found.append("过于常见或容易猜到（如常用密码、单词加数字、键盘序列、日期），请换一个")
    return found


def check(password: str, *, role: str, username: str = "", id_number: str | None = None) -> None:
    """Invalid naming ``password`` with every broken rule, or nothing."""
    found = problems(password, role=role, username=username, id_number=id_number)
    if found:
        raise Invalid("密码不符合要求：" + "；".join(found), "password")
