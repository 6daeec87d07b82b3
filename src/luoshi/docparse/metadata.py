"""Document metadata: title, issuer, document number, date, and where the plan text starts."""

import re
from dataclasses import dataclass

from .structure import ATTACHMENT_LIST, ATTACHMENT_START, FOOTER, is_meta, numbering
from .textutil import clean_line, fold

_YEAR = re.compile(r"(?:19|20)\d{2}")

# 西管办发〔2025〕5号, 国函〔2018〕144号, 粤府[2021]22号.
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fffA-Za-z]{1,14}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d{1,4}\s*号"
)
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
# A date standing alone on its line: 2025年4月27日 or 二〇二五年四月二十七日.
_DATE_LINE = re.compile(
    r"^[(\[]?\s*(?P<y>(?:19|20)\d{2}|[〇零○一二三四五六七八九]{4})\s*年\s*"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,4})\s*日\s*[)\]]?$"
)
_DATE_FIELD = re.compile(
    r"(?:成文日期|印发日期|发布日期|发文日期|发布时间)\s*[|:]?\s*(?P<y>\d{4})[-年/.](?P<m>\d{1,2})[-月/.](?P<d>\d{1,2})"
)
# Words that end the title of an official document.
_KIND = re.compile(
    r"(?:通知|批复|意见|方案|办法|决定|函|报告|规划|要点|清单|计划|细则|规定|纪要|公告|通报|措施|"
    r"制度|规则|安排|任务|分解|分工|目录|指引|标准|纲要|条例|章程|机制)"
    # …方案（2024—2026年）, …办法（试行）
    r"(?:\s*[(（][^()（）]{1,24}[)）])?$"
)
_ISSUER_TAIL = re.compile(
    r"(?:政府|办公室|办公厅|委员会|管委会|国务院|局|委|厅|部|署|院|会|中心|办|党委|政府办|人大常委会|指挥部)$"
)
_TITLE_ISSUER = re.compile(r"^(?P<issuer>.{2,40}?)关于")
_SENTENCE = re.compile(r"[。,;:!?]")
_TRAILING_NUMBER = re.compile(r"\s*[(（]\s*" + DOC_NUMBER.pattern + r"\s*[)）]\s*$")


@dataclass
class Metadata:
    """What the header of a document says."""

    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    year: int | None = None


def _cn_number(text: str) -> int:
    """``十二`` → 12, ``二十七`` → 27, ``5`` → 5."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


def _cn_year(text: str) -> int:
    if text.isdigit():
        return int(text)
    return int("".join(str(_CN_DIGITS.get(char, 0)) for char in text))


def _iso(year: int, month: int, day: int) -> str | None:
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _find_date(texts: list[str]) -> tuple[int | None, str | None]:
    """Index of the first line that is only a date, and the ISO date."""
    for index, text in enumerate(texts):
        match = _DATE_LINE.match(fold(text).replace(" ", ""))
        if match:
            iso = _iso(_cn_year(match["y"]), _cn_number(match["m"]), _cn_number(match["d"]))
            if iso:
                return index, iso
    for text in texts[:40]:
        match = _DATE_FIELD.search(fold(text))
        if match:
            return None, _iso(int(match["y"]), int(match["m"]), int(match["d"]))
    return None, None


def _find_doc_number(texts: list[str], title_index: int | None) -> str | None:
    for text in texts[:40]:
        match = DOC_NUMBER.fullmatch(text.strip())
        if match:
            return match.group(0).replace(" ", "")
    for text in texts[:40]:
        if "文号" in text and (match := DOC_NUMBER.search(text)):
            return match.group(0).replace(" ", "")
    if title_index is not None and (match := DOC_NUMBER.search(texts[title_index])):
        return match.group(0).replace(" ", "")
    return None


def _titleish(text: str) -> bool:
    folded = fold(text)
    return bool(text) and not _SENTENCE.search(folded) and len(text) <= 80 and not is_meta(text)


def _find_title(texts: list[str]) -> tuple[int | None, str | None]:
    """The first title of the document, joined over up to four lines."""
    for index, text in enumerate(texts[:30]):
        if not text or is_meta(text) or DOC_NUMBER.fullmatch(text) or _DATE_LINE.match(fold(text)):
            continue
        title = _TRAILING_NUMBER.sub("", text).strip()
        if _SENTENCE.search(fold(title)) and not _KIND.search(title):
            return None, None
        joined, cursor = title, index
        while not _KIND.search(joined) and cursor + 1 < len(texts) and cursor - index < 6:
            cursor += 1
            following = texts[cursor]
            if not following:
                continue
            if not _titleish(following) or DOC_NUMBER.fullmatch(following):
                break
            joined += following
            if _KIND.search(joined):
                return index, joined
        return index, title if not _KIND.search(joined) else joined
    return None, None


def _plan_title(texts: list[str], after: int) -> tuple[int, str] | None:
    """The plan's own title after the notice's date line (its index and text), if the plan
    text follows the notice."""
    for index in range(after + 1, min(len(texts), after + 8)):
        text = texts[index]
        if not text or FOOTER.search(fold(text)):
            continue
        folded = fold(text)
        if ATTACHMENT_START.match(folded) or ATTACHMENT_LIST.match(folded) or numbering(text):
            return None
        if _titleish(text) and _KIND.search(text):
            return index, text
        return None
    return None


def read_metadata(lines: list[str], *, cleaned: bool = False) -> tuple[Metadata, int]:
    """The metadata and the index of the first line of the plan text proper.

    ``cleaned``: the lines have been through ``clean_line`` already.
    """
    texts = lines if cleaned else [clean_line(line) for line in lines]
    meta = Metadata()
    title_index, meta.title = _find_title(texts)
    meta.doc_number = _find_doc_number(texts, title_index)
    date_index, meta.date = _find_date(texts)
    body_start = 0
    if date_index is not None:
        plan = _plan_title(texts, date_index)
        if plan:
            meta.title, body_start = plan[1], plan[0] + 1
        meta.issuer = _issuer_before(texts, date_index)
    if not meta.issuer and meta.title is not None:
        notice_title = texts[title_index] if title_index is not None else meta.title
        match = _TITLE_ISSUER.match(notice_title)
        if match and _ISSUER_TAIL.search(match["issuer"]):
            meta.issuer = match["issuer"]
    meta.year = _plan_year(meta)
    return meta, body_start


def _issuer_before(texts: list[str], date_index: int) -> str | None:
    for index in range(date_index - 1, max(-1, date_index - 4), -1):
        text = texts[index]
        if not text:
            continue
        folded = fold(text).replace(" ", "")
        looks_like_issuer = not _SENTENCE.search(folded) and len(folded) <= 40 and _ISSUER_TAIL.search(folded)
        if looks_like_issuer and not numbering(text) and not ATTACHMENT_LIST.match(folded):
            return folded
        return None
    return None


def _plan_year(meta: Metadata) -> int | None:
    if meta.date:
        return int(meta.date[:4])
    for text in (meta.doc_number, meta.title):
        if text and (match := _YEAR.search(text)):
            return int(match.group(0))
    return None
