"""Reading date texts the way front-matter readers would, and rewriting them as ISO 8601.

`read(text)` sorts a date text into one of three kinds:

* "iso": ISO 8601 already (`2024-09-20`, `2024-09-20T17:59:49+08:00`);
* "readable": not ISO, but common readers (YAML 1.1 timestamps, JavaScript's
  `Date`, dateutil) parse it: `2024-09-20 17:59:49`, RFC 2822, `September 20, 2024`,
  `2024/09/20`, `09/20/2024`;
* "unreadable": nothing parses it (`星期五, 九月 20日 2024, 5:59:49 下午`,
  `2024-01-01 (UTC+8)`).

and gives the ISO 8601 text it stands for when that is *unambiguous* (a
day/month order that cannot be told apart, or a weekday that contradicts the
date, gives none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

ISO = re.compile(r"\d{4}-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?")
# YAML 1.1 timestamps and the like: a space (or spaces) instead of T, one-digit parts.
LOOSE_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?P<f>[.,]\d+)?)?"
    r"(?:[ \t]*(?P<z>Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?))?)?"
)
# An ISO-like date followed by a zone note in brackets: `2024-01-01 10:00 (UTC+8)`.
# The date keeps the blanks before the bracket (the reader strips them): a `[ \t]*`
# between `.+?` and the bracket would retry every run of blanks from each of its
# positions, quadratic on a long value full of spaces.
ZONE_NOTE = re.compile(r"(?P<date>.+?)[(（](?:UTC|GMT)[ \t]*(?P<z>[+-]\d{1,2}(?::?\d{2})?)?[)）]")
SLASH_YMD = re.compile(
    r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
DAY_MONTH_YEAR = re.compile(r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})(?:[ ,]+\d{1,2}:\d{2}(?::\d{2})?)?")

MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_TIME = r"(?P<H>\d{1,2})(?::(?P<M>\d{2}))(?::(?P<S>\d{2}))?(?:[ \t]*(?P<ampm>[ap]\.?m\.?))?"
_ZONE = r"(?P<z>Z|UTC|GMT|UT|[+-]\d{2}:?\d{2})"
ENGLISH = re.compile(
    rf"(?:(?P<wd>{_WEEKDAY}),?[ \t]+)?"
    rf"(?:(?P<mon1>{_MONTH})\.?[ \t]+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?[ \t]+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?[ \t]+(?P<mon2>{_MONTH})\.?,?[ \t]+(?P<y2>\d{{4}}))"
    rf"(?:(?:,[ \t]*|[ \t]+(?:at[ \t]+)?){_TIME})?(?:[ \t]*{_ZONE})?",
    re.IGNORECASE,
)
# moment.js's zh-cn output of `dddd, MMMM Do YYYY, h:mm:ss a` (Obsidian templates):
# 星期五, 九月 20日 2024, 5:59:49 下午
_ZH_NUM = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_ZH_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ZH_MERIDIEM = "凌晨|早上|上午|中午|下午|晚上"
_ZH_TIME = rf"(?:[ \t]*(?P<ap1>{_ZH_MERIDIEM}))?[ \t]*(?P<H>\d{{1,2}})[:点时](?P<M>\d{{1,2}})分?(?:[:分](?P<S>\d{{1,2}})秒?)?(?:[ \t]*(?P<ap2>{_ZH_MERIDIEM}))?"
ZH_MOMENT = re.compile(
    rf"(?:(?:星期|周)(?P<wd>[一二三四五六日天])[,，]?[ \t]*)?(?P<mon>十[一二]?|[一二三四五六七八九])月[ \t]*(?P<d>\d{{1,2}})日[ \t]*(?P<y>\d{{4}})年?"
    rf"(?:[,，][ \t]*{_ZH_TIME})?"
)
# 2024年9月20日 (星期五) (下午) 5:59(:49)
ZH_YMD = re.compile(
    rf"(?P<y>\d{{4}})年(?P<mon>\d{{1,2}})月(?P<d>\d{{1,2}})[日号]"
    rf"(?:[ \t]*[,，]?[ \t]*(?:星期|周)(?P<wd>[一二三四五六日天]))?(?:[ \t]*[,，]?{_ZH_TIME})?"
)


@dataclass(frozen=True, slots=True)
class Reading:
    kind: str  # iso | readable | unreadable
    iso: str | None = None  # the unambiguous ISO 8601 text, when known


def read(text: str) -> Reading:
    text = text.strip()
    if ISO.fullmatch(text):
        return Reading("iso", text) if _real(text) else Reading("unreadable")
    for reader in (_loose_iso, _english, _slashes):
        found = reader(text)
        if found is not None:
            return Reading("readable", found or None)
    for reader in (_zone_note, _zh_moment, _zh_ymd):
        found = reader(text)
        if found is not None:
            return Reading("unreadable", found or None)
    return Reading("unreadable")


# Each reader returns None (not this shape), "" (this shape, no unambiguous ISO) or the ISO text.


def _loose_iso(text: str) -> str | None:
    m = LOOSE_ISO.fullmatch(text)
    if m is None:
        return None
    zone = m["z"]
    zone = "Z" if zone in ("Z", "UTC", "GMT") else _offset(zone) if zone else ""
    if zone is None:
        return ""
    return _iso(m["y"], m["m"], m["d"], m["H"], m["M"], m["S"], zone, m["f"])


def _english(text: str) -> str | None:
    m = ENGLISH.fullmatch(text)
    if m is None:
        return None
    month = MONTHS[(m["mon1"] or m["mon2"]).lower()]
    day, year = m["d1"] or m["d2"], m["y1"] or m["y2"]
    hour = _hour12(m["H"], m["ampm"])
    if hour is None:
        return ""
    zone = m["z"]
    zone = "Z" if zone and zone.upper() in ("Z", "UTC", "GMT", "UT") else _offset(zone) if zone else ""
    if zone is None:
        return ""
    iso = _iso(year, month, day, hour, m["M"], m["S"], zone)
    if iso and m["wd"] and not _weekday_matches(iso, WEEKDAYS_EN.index(_weekday_name(m["wd"]))):
        return ""
    return iso


def _slashes(text: str) -> str | None:
    m = SLASH_YMD.fullmatch(text)
    if m is not None:
        return _iso(m["y"], m["m"], m["d"], m["H"], m["M"], m["S"])
    m = DAY_MONTH_YEAR.fullmatch(text)
    if m is None:
        return None
    a, b = int(m["a"]), int(m["b"])
    if text[m.end("a")] == "." and ":" not in text:
        return _iso(m["y"], b, a)  # dotted dates are day-first everywhere they are used
    if text[m.end("a")] == "/" and ":" not in text:
        # 09/20/2024 (US) or 20/09/2024: only unambiguous when one side cannot be a month.
        if a > 12 >= b:
            return _iso(m["y"], b, a)
        if b > 12 >= a:
            return _iso(m["y"], a, b)
    return ""


def _zone_note(text: str) -> str | None:
    m = ZONE_NOTE.fullmatch(text)
    if m is None:
        return None
    inner = LOOSE_ISO.fullmatch(m["date"].strip())
    if inner is None or inner["z"]:
        return ""
    if inner["H"] is None:
        return _iso(inner["y"], inner["m"], inner["d"])  # a day has no time zone
    zone = _offset(m["z"]) if m["z"] else "Z"
    if zone is None:
        return ""
    return _iso(inner["y"], inner["m"], inner["d"], inner["H"], inner["M"], inner["S"], zone, inner["f"])


def _zh_moment(text: str) -> str | None:
    m = ZH_MOMENT.fullmatch(text)
    if m is None:
        return None
    return _zh(m, m["y"], _ZH_NUM[m["mon"]], m["d"])


def _zh_ymd(text: str) -> str | None:
    m = ZH_YMD.fullmatch(text)
    if m is None:
        return None
    return _zh(m, m["y"], m["mon"], m["d"])


def _zh(m: re.Match, year, month, day) -> str:
    meridiem = m["ap1"] or m["ap2"]
    hour = _zh_hour(m["H"], meridiem) if m["H"] else None
    if m["H"] and hour is None:
        return ""
    iso = _iso(year, month, day, hour, m["M"], m["S"])
    if iso and m["wd"] and not _weekday_matches(iso, _ZH_WEEKDAY[m["wd"]]):
        return ""
    return iso


def _zh_hour(hour: str, meridiem: str | None) -> int | None:
    """moment.js zh-cn `meridiemHour`."""
    h = int(hour)
    if meridiem is None:
        return h if h < 24 else None
    if not 1 <= h <= 12:
        return None
    h = 0 if h == 12 else h
    if meridiem in ("凌晨", "早上", "上午"):
        return h
    if meridiem in ("下午", "晚上"):
        return h + 12
    return h if h >= 11 else h + 12  # 中午


def _hour12(hour: str | None, ampm: str | None) -> int | str | None:
    if hour is None:
        return None if ampm else ""
    h = int(hour)
    if not ampm:
        return h if h < 24 else None
    if not 1 <= h <= 12:
        return None
    h = 0 if h == 12 else h
    return h + 12 if ampm.lower().startswith("p") else h


def _real(iso: str) -> bool:
    """Is an ISO-shaped text a real date/time (no month 13, no 25 o'clock)?"""
    try:
        if len(iso) == 7:
            return 1 <= int(iso[5:7]) <= 12
        datetime.fromisoformat(iso.replace("Z", "+00:00").replace(",", "."))
    except ValueError:
        return False
    return True


def _weekday_name(word: str) -> str:
    word = word.lower().rstrip(".")
    return next(w for w in WEEKDAYS_EN if w.startswith(word[:3]))


def _weekday_matches(iso: str, weekday: int) -> bool:
    return date.fromisoformat(iso[:10]).weekday() == weekday


def _offset(zone: str | None) -> str | None:
    if not zone:
        return None
    m = re.fullmatch(r"([+-])(\d{1,2})(?::?(\d{2}))?", zone)
    if m is None:
        return None
    hours, minutes = int(m[2]), int(m[3] or 0)
    if hours > 14 or minutes > 59:
        return None
    return f"{m[1]}{hours:02d}:{minutes:02d}"


def _iso(year, month, day, hour=None, minute=None, second=None, zone="", fraction=None) -> str:
    """The ISO 8601 text, or "" when the parts are not a real date/time."""
    try:
        if hour is None or hour == "":
            return date(int(year), int(month), int(day)).isoformat()
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute or 0), int(second or 0))
    except (ValueError, TypeError):
        return ""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        text += "." + fraction[1:]
    return text + (zone or "")
