"""Target subjects: the name of the indicator as a clerk heads a 目标清单 column with it.

A subject is read from the words around a figure (``实现社会消费品零售总额增长6%以上`` →
``社会消费品零售总额增长``) by these rules, each stated by a test in
``tests/docparse/test_core_subjects.py``:

- verbs of aim and connectives around the name go (力争, 确保, 实现, 保持在, 达到, 持续, 将 …),
  and so do a leading year or time frame (``2025年GDP增长`` → ``GDP增长``);
- the qualifier stays with its noun (``其中税收过5000万企业1家`` → ``税收过5000万企业``);
- quotes are balanced and a list is split only outside quotes;
- each figure of a list gets its own subject (``A、B分别达到24家、49家`` → ``A``, ``B``), a short
  first item taking the head noun of the last (``散居和集中养育孤儿补贴标准`` → ``散居孤儿补贴标准``);
- an elided subject is carried over from the figure before in the same sentence: a bare change
  (``增长8%`` → ``外贸进出口总额增长``), a threshold without its measure (``过1000万企业`` →
  ``税收过1000万企业``), a list item under a shared ``新增``, and an amount that belongs to the
  things counted just before it (``实施市重点建设项目1个、年度计划投资2亿元`` →
  ``市重点建设项目年度计划投资``);
- where the figure comes before its noun (``全区1家二级以上公立医疗机构完成接口改造``), the noun is
  the subject, with what is done to it (``完成接口改造的二级以上公立医疗机构``);
- an amount of a thing (``提供100-1000万元的纯信用贷款支持``) is that thing's ``额度``, and the
  two ends of a range are marked ``(下限)`` and ``(上限)``;
- ``全覆盖`` names the ``覆盖面`` of what it covers.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from .textutil import split_top

# Verbs of aim, connectives and frames that open a clause but are no part of a name.
_LEAD_WORDS = re.compile(
    r"^(?:力争|确保|实现|争取|推动|推进|完成|其中|尤其是|特别是|继续|持续|将|努力|进一步|聚焦|鼓励|"
    r"支持|开展|全力|加快|着力|督促|使(?!用)|让|含(?!量)|包括|以及|并(?![购网联])|且|和(?![平谐美])|"
    r"及(?![时格])|与|同时|另外|此外|"
    r"(?:到|至)?20\d\d年(?:底|末|内)?(?:前)?|今年|明年|年内|年底前|全年内)+"
)
# The characters ``_LEAD_WORDS`` can start with ('' is in every string: an empty subject is tried).
_LEAD_FIRST = "力确实争推完其尤特继持将努进聚鼓支开全加着督使让含包以并且和及与同另此到至2今明年"
# Verbs and operator words that close the words before a figure.
_TAIL_WORDS = re.compile(
    r"(?:达到|达|不低于|不少于|不小于|不超过|不高于|不多于|超过|突破|提高到|提升到|提高至|提升至|"
    r"增加到|增加至|增长到|增长至|压缩至|压缩到|压减至|压减到|控制在|下降至|下降到|降至|降到|"
    r"保持在|稳定在|维持在|分别|均|为|过|实现|持续|至少|累计|总计|共计|力争|确保|要|应|将|"
    r"(?<=[达为在共计至到])约|大约|约为)+$"
)
# The characters the words of ``_TAIL_WORDS`` end on: a subject ending otherwise keeps its tail.
_TAIL_FINALS = "为争于保别到在均将少应现破约续至要计达过"
_TRIM = " \t\n,，。;；:：、(（"
_CHANGE_ONLY = re.compile(r"^(?:同比|年均|平均)?(?:增长|增加|提高|提升|下降|降低|减少)(?:率|幅度)?$")
_THRESHOLD_HEAD = re.compile(r"^(?:超过|过)\d")
_THRESHOLD_IN = re.compile(r"(?:超过|过)\d")
# Verbs that open a name on their own (``实施市重点建设项目``): an item under a shared 新增 that
# starts with one of them is not given the 新增.
_OWN_VERB = re.compile(r"^(?:新|实施|建设|建成|完成|开展|引进|培育|培训|发放|改造|创建|打造|推广|安装)")
# Units that count things, and units of amount and share.
COUNT_UNITS = re.compile(r"^(?:万)?(?:个|家|项|所|座|处|条|台|套|辆|件|户|批|宗|块|栋|幢|间)$")
_COUNTS = "个家项所座处条台套辆件户批宗块栋幢间"
_COUNT_UNIT_SET = frozenset([*_COUNTS, *("万" + unit for unit in _COUNTS)])


def is_count_unit(unit: str) -> bool:
    """Whether ``COUNT_UNITS`` matches ``unit`` (a set lookup; ``$`` also matches before a last
    line end)."""
    return (unit[:-1] if unit.endswith("\n") else unit) in _COUNT_UNIT_SET


_AMOUNT_UNITS = re.compile(r"元|%|‰|百分点")
MONEY = re.compile(r"元$")
# A place that only frames where a figure stands (``全区1家…``).
_PLACE_ONLY = re.compile(r"^(?:在)?(?:全|本)?(?:区|市|县|省|镇|乡|国)(?:内|域|范围内)?$|^为$|^对$")
# Where a noun written after its figure ends.
_NOUN_AFTER = re.compile(
    r"^(?P<noun>[\u4e00-\u9fff“”\"A-Za-z()（）]+?)"
    r"(?=$|[,，;；。、]|的|[和及与]\s*\d|每|完成|实现|达到|接入|通过|全部|均|纳入|得到|获得)"
)
_NOT_NOUN = re.compile(r"^(?:以上|以下|以内|左右|及以上|及以下|或以上|多|余|的|/)")
_EVERY = re.compile(r"^每[\u4e00-\u9fff]")
_FIGURE_WORD = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?[\u4e00-\u9fff%]?")
# ``A在全区…的应用``: the use of A counted by place.
_USE_OF = re.compile(r"^(?P<thing>.+?)在[\u4e00-\u9fff]{0,4}$")
_USE_WORD = re.compile(r"的(?P<use>应用|使用|推广|覆盖|落地)\s*$")
_LIST_OF_SOURCES = re.compile(r"^.*等(?=[\u4e00-\u9fff])")
_AIM = re.compile(r"^(?:确保|力争|实现|务必)(?P<aim>[\u4e00-\u9fff]{2,12})$")
# Verbs that give an amount to something (``提供100-1000万元的纯信用贷款支持``).
GIVEN = re.compile(r"(?:提供|给予|安排|发放|投入|筹集|筹措|落实|争取|下达|拨付)$")
CHANGE_AFTER = re.compile(r"(?:增长|增加|提高|提升|下降|降低|减少)(?=\s*\d)")
# ``监测参数由80项(增加到…)``: the starting level is no part of the name.
_FROM_LEVEL = re.compile(r"(?:由|从)\s*\d+(?:\.\d+)?[^\d]{0,6}$")
_TIME_FRAME = re.compile(r"^\d+(?:个)?(?:年|月|天|日)(?:内|来|后)?")
_DIGIT = re.compile(r"\d")
_COUNT_WORD = re.compile(r"^(?:户|个|家|人)")
_CHANGE_END = re.compile(r"(?:增长|增加|提高|提升|下降|降低|减少)$")
_MAKING = re.compile(r"^(?:实施|建设|新建|新增|引进|培育|完成|开展)")
_SETTING_UP = re.compile(r"^(?:实施|建立|建设|推行)")


@dataclass(slots=True)
class SubjectState:
    """What one sentence has said so far, for subjects it leaves out."""

    previous: str = ""
    previous_unit: str = ""
    previous_noun: str = ""
    qualifier: str = ""
    outcome: str = ""


@lru_cache(maxsize=4096)
def clean(words: str) -> str:
    """The words before a figure as a name: verbs of aim, connectives and frames dropped."""
    subject = words.strip(_TRIM)
    for _ in range(4):
        before = subject
        if subject[:1] in _LEAD_FIRST:  # (the subject is stripped already)
            subject = _LEAD_WORDS.sub("", subject).strip(_TRIM)
        if subject[:1].isdecimal():  # (what ``_TIME_FRAME`` starts with: ``\d``)
            subject = _TIME_FRAME.sub("", subject).strip(_TRIM)
        if subject[-1:] in _TAIL_FINALS:  # ('' is in every string: an empty subject is searched)
            subject = _cut_tail(subject, _TAIL_WORDS)
        if "由" in subject or "从" in subject:
            subject = _cut_tail(subject, _FROM_LEVEL)
        if subject == before:
            break
    return balance_quotes(subject)


def _cut_tail(subject: str, pattern: re.Pattern[str]) -> str:
    """``subject`` without the words ``pattern`` finds at its end (looked for near the end)."""
    found = pattern.search(subject, max(0, len(subject) - 24))
    return subject[: found.start()].strip(_TRIM) if found else subject


def balance_quotes(subject: str) -> str:
    """Drop a quote mark left open or unopened at either end (``对非实际投资实现“`` …)."""
    if "“" not in subject and "”" not in subject:
        return subject
    for _ in range(2):
        opened = subject.count("“") - subject.count("”")
        stray_end = (opened > 0 and subject.endswith("“")) or (opened < 0 and subject.endswith("”"))
        stray_start = (opened > 0 and subject.startswith("“")) or (opened < 0 and subject.startswith("”"))
        if stray_end:
            subject = subject[:-1]
        elif stray_start:
            subject = subject[1:]
        else:
            break
        subject = _cut_tail(subject.strip(_TRIM), _TAIL_WORDS)
    if subject.count("“") != subject.count("”"):
        subject = subject.replace("“", "").replace("”", "")
    return subject


def last_item(words: str) -> str:
    """The last item of a list written before a figure (``、`` outside quotes and brackets)."""
    text = words.replace("，", ",")
    if "、" not in text:  # (one piece: ``split_top`` would give it whole)
        return text if text.strip(_TRIM) else words
    pieces = [piece for piece in split_top(text, "、") if piece.strip(_TRIM)]
    return pieces[-1] if pieces else words


def list_items(head: str) -> list[str]:
    """The items of ``A、B和C`` (before 分别/均); an item that is only a modifier takes the last one's head."""
    items = [clean(piece) for piece in split_top(head, "、和及与") if clean(piece)]
    if len(items) >= 2:
        last = items[-1]
        for index, item in enumerate(items[:-1]):
            if item[-1] != last[-1] and len(last) > len(item) + 1:
                items[index] = item + _head_of(last, item)
    return items


def _head_of(last: str, item: str) -> str:
    """The head noun of ``last`` that a bare modifier ``item`` shares (``省级示范园区`` → ``示范园区``
    for ``国家级``): after the same closing character as the modifier, else after as many."""
    at = last.find(item[-1], 0, len(last) - 2)
    return last[at + 1 :] if at >= 0 else last[len(item) :]


def aim_of(clauses: list[str]) -> str:
    """The aim a sentence closes on (``…，确保按期保质销号``), when it has no figure."""
    if clauses:
        last = clauses[-1].strip(_TRIM)
        found = _AIM.match(last) if last.startswith(("确保", "力争", "实现", "务必")) else None
        if found and not _DIGIT.search(clauses[-1]):
            return found["aim"]
    return ""


def noun_after(after: str) -> str:
    """The noun a count is written before (``1家二级以上公立医疗机构完成…`` → the noun)."""
    if _NOT_NOUN.match(after):
        return ""
    found = _NOUN_AFTER.match(after)
    return found["noun"] if found and len(found["noun"]) >= 2 else ""


def _action_after(rest: str) -> str:
    """What is done to a noun, written after it in its clause (``每户安装1个…报警器``)."""
    rest = rest.strip(_TRIM)
    if not rest or rest.startswith(("的", "和", "及", "与")):
        return ""
    rest = _EVERY.sub("", rest)
    rest = _COUNT_WORD.sub("", rest)
    return _FIGURE_WORD.sub("", rest).strip(_TRIM)


def postposed(head: str, noun: str, rest: str, state: SubjectState) -> str:
    """Subject of a count written before its noun: the noun with what is done to it."""
    use = _USE_WORD.search(rest)
    head_words = head.strip(_TRIM)
    if use:
        thing = _USE_OF.match(clean(head_words))
        owner = clean(thing["thing"]) if thing else state.qualifier
        if owner:
            state.qualifier = owner
            return f"{use['use']}{owner}的{noun}"
    if head_words in ("", "和", "及", "与", "、") and state.qualifier:
        qualifier = state.qualifier
    else:
        qualifier = clean(_LIST_OF_SOURCES.sub("", head_words))
        if _PLACE_ONLY.match(qualifier):
            qualifier = ""
        state.qualifier = qualifier if qualifier.endswith("的") else ""
    action = _action_after(rest) if not use else ""
    if action:
        return (
            f"{action}的{qualifier}{noun}" if not qualifier.endswith("的") else f"{qualifier}{noun}{action}"
        )
    subject = f"{qualifier}{noun}"
    if state.outcome and qualifier.endswith("的"):
        subject += state.outcome
    return subject


def carried(subject: str, unit: str, separator: str, state: SubjectState) -> str:
    """``subject`` completed from the figure before it where the document leaves it out."""
    previous = state.previous
    if not previous:
        return subject
    if not subject or (
        len(subject) <= 7 and _CHANGE_ONLY.match(subject)
    ):  # (at most 6 characters and a line end)
        base = _CHANGE_END.sub("", previous)
        return base + subject if base else subject
    if subject.startswith(("超过", "过")) and _THRESHOLD_HEAD.match(subject):
        found = _THRESHOLD_IN.search(previous)
        if found and found.start() > 0:
            return previous[: found.start()] + subject
        return subject
    if (
        previous.startswith("新增")
        and unit == state.previous_unit
        and not _OWN_VERB.match(subject)
        and not subject.startswith("新增")
    ):
        return "新增" + subject
    if (
        separator == "、"
        and is_count_unit(state.previous_unit)
        and _AMOUNT_UNITS.search(unit)
        and not _OWN_VERB.match(subject)
    ):
        owner = _MAKING.sub("", previous)
        if owner and owner not in subject:
            return owner + subject
    return subject


def amount_of(noun: str, unit: str) -> str:
    """The name of an amount given to a thing: ``纯信用贷款支持`` in 万元 → ``…支持额度``."""
    return noun + "额度" if MONEY.search(unit) and not noun.endswith(("额", "额度", "金额")) else noun


def range_end(subject: str, end: str) -> str:
    """A subject marked as the lower or upper end of a range."""
    return f"{subject}({end})" if subject else subject


def covered(words: str) -> str:
    """The subject of ``…全覆盖``: what is covered, as a 覆盖面."""
    name = clean(words)
    name = _SETTING_UP.sub("", name).strip(_TRIM)
    return f"{name}覆盖面" if name else "覆盖面"


def near(words: str) -> str:
    """The subject of ``破零`` and the like: the words just before, cleaned."""
    return clean(last_item(words))
