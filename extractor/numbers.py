"""Numbers as reports write them: 34596, 3,119, 1.8万, 三百余, 两, 零. Pure functions."""

from __future__ import annotations

import re

from .align import normalise

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUM_CHARS = "零〇一二两三四五六七八九十百千"

# A number as written: Arabic (with thousands separators or a decimal part) or Chinese numerals,
# optionally scaled by 万/亿.
NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:万|亿)?|[{CN_NUM_CHARS}]+(?:万|亿)?"
APPROX_BEFORE = ("超过", "逾", "近", "约", "将近", "大约", "共计约", "达")
APPROX_AFTER = ("余", "多", "以上", "左右", "余万")
# Zero stated in words.
ZERO_WORDS = re.compile(r"未发生|未出现|未收到|未收取|均未|没有|未有|为零|为0|未产生|无(?=[,，。;；、]|$)")


def parse_cn_int(s: str) -> int | None:
    """Chinese numerals to int: 三 → 3, 十二 → 12, 二百零五 → 205, 一千二百 → 1200."""
    if not s or any(c not in CN_DIGITS and c not in CN_UNITS for c in s):
        return None
    total, current = 0, None
    for c in s:
        if c in CN_DIGITS:
            if current is not None and current != 0:
                # Digits written positionally (二〇一八) are not counts.
                return None
            current = CN_DIGITS[c]
        else:
            unit = CN_UNITS[c]
            total += (current if current is not None else 1) * unit
            current = None
    if current:
        total += current
    return total


def parse_number(s: str) -> float | int | None:
    """A written number to int (or float when it has a fractional part after scaling)."""
    s = normalise(s).replace(",", "")
    scale = 1
    if s and s[-1] in CN_BIG:
        scale = CN_BIG[s[-1]]
        s = s[:-1]
    if not s:
        return None
    value: float | int | None
    if re.fullmatch(r"\d+", s):
        value = int(s)
    elif re.fullmatch(r"\d+\.\d+", s):
        value = float(s)
    else:
        value = parse_cn_int(s)
    if value is None:
        return None
    value = value * scale
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def is_approximate(before: str, after: str) -> bool:
    before, after = normalise(before), normalise(after)
    return before.endswith(APPROX_BEFORE) or after.startswith(APPROX_AFTER)


def numbers_in(text: str) -> list[float | int]:
    """Every number written in `text`, in order (Arabic and Chinese)."""
    out: list[float | int] = []
    # White space between two digits separates cells ("35\t5\t0"), so split there before the
    # normalised view (which drops white space) can glue them together.
    for part in re.split(r"(?<=\d)\s+(?=\d)", text):
        for m in re.finditer(NUM, normalise(part)):
            v = parse_number(m.group(0))
            if v is not None:
                out.append(v)
    return out


def states_value(quote: str, value: float | int) -> bool:
    """Does `quote` state `value`? Written as digits, a Chinese numeral, a 万 form, or a zero in
    words; or, for a quote of several table rows, as the sum of their last cells."""
    nums = numbers_in(quote)
    if any(same_number(n, value) for n in nums):
        return True
    if value == 0 and ZERO_WORDS.search(normalise(quote)):
        return True
    lines = [ln for ln in quote.splitlines() if ln.strip()]
    if len(lines) > 1:
        lasts = [numbers_in(ln) for ln in lines]
        if all(lasts) and same_number(sum(n[-1] for n in lasts), value):
            return True
    return False


def same_number(a: float | int, b: float | int) -> bool:
    """Equal as numbers (34596 == 34596.0; a float compared with a relative tolerance)."""
    return abs(float(a) - float(b)) < 1e-6 * max(1.0, abs(float(b)))


_CN_POSITIONAL = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def date_numbers(quote: str) -> list[float | int]:
    """Numbers in a date quote, positional Chinese years (二〇一八) included, which are not counts
    and so not read by numbers_in."""
    nums = list(numbers_in(quote))
    if "元月" in quote:  # 元月 is January
        nums.append(1)
    for run in re.findall(r"[〇零○一二三四五六七八九十]+", quote):
        if len(run) == 4 and all(c in _CN_POSITIONAL for c in run):
            nums.append(int("".join(str(_CN_POSITIONAL[c]) for c in run)))
        else:
            n = parse_cn_int(run)
            if n is not None:
                nums.append(n)
    return nums
