"""Quantitative targets (目标): ``增长6%以上`` → ``(">=", 6, "%")``.

The text of a section is cut into clauses at commas and semicolons; each figure with a unit
in a clause is read with the words around it (以上, 不低于, 超过, 控制在…以下, 左右 …). Figures
that only qualify what is counted (``税收过5000万企业1家``), years, time spans, grades,
ordinals and numbers in names are left out. ``破零`` gives ``> 0`` and ``全覆盖`` ``= 100 %``.
"""

import re

from . import subjects
from .schema import Target
from .subjects import SubjectState
from .textutil import fold, split_top

# Units of measure that make a figure a target, longest first within each group.
_MEASURES = (
    r"个百分点|百分点|%|‰|"
    r"万亿元|亿美元|万美元|亿元|万元|千元|美元|元/月·人|元/人·月|元/月|元/人|元/年|元/亩|元/吨|元|"
    r"万千瓦时|千瓦时|万千瓦|千瓦|兆瓦|吉瓦|"
    r"微克/立方米|毫克/升|万立方米|立方米|平方公里|万平方米|平方米|万亩|亩|公顷|公里|千米|米|"
    r"万吨标准煤|吨标准煤|万吨|吨|公斤|千克|斤|"
    r"万人次|人次|万批次|批次|万人|人|万户|户|万家|家|万个|个|万套|套|万台|台|万辆|辆|万张|张|万件|件|项|次|所|座|处|"
    r"条|名|位|批|场|间|床|栋|幢|栋|本|册|份|支|只|头|株|棵|箱|期|单|笔|宗|块|路|网点|款|类|种|"
    r"部(?!门|署|委)|盏|艘|架|口|眼|岁|"
    r"倍|分|万|亿|起|"
    # Latin units of computing power, bandwidth and power: ``2000PFlops``, ``1000Mbps``, ``50MW``.
    r"[PETG]?(?:FLOPS|Flops|flops)|[KMGT]bps|[kMG]Wh?|[GTP]B"
)
# A measure may take 万/亿 before it (``亿千瓦时``, ``万批次``) and a ``/X`` after it (``元/千瓦时``).
_UNIT = rf"(?P<unit>(?:万|亿)?(?:{_MEASURES})(?:/[\u4e00-\u9fff·]{{1,5}}(?![\u4e00-\u9fff·]))?)"
_NUMBER = r"(?P<num>\d+(?:\.\d+)?)"
# A figure: optional range start, the number, the unit.
_FIGURE = re.compile(rf"(?:(?P<low>\d+(?:\.\d+)?)\s*(?:-|—|–|~|至|到)\s*)?{_NUMBER}\s*{_UNIT}")
# Units of time, grades and the like: a figure in these is never a target.
_TIME_WORDS = (
    "年", "个月", "月", "日", "天", "周", "小时", "分钟", "季度", "工作日", "岁", "周岁", "千伏", "伏",
    "级", "强", "届", "号", "期", "批次", "版", "代",
)  # fmt: skip
# An age is a target only as a level to reach (``人均预期寿命达到79岁``), never as a condition.
_AGE_AIM = re.compile(r"(?:寿命|年龄)\S{0,4}(?:达到|达|提高到|提高至|提升到|超过|保持在)\s*$")
_BLOCK_WORDS = (
    "级", "强", "类", "型", "号", "届", "后", "多年", "余年", "年一遇", "大", "项制", "项目制", "G",
    *"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)  # fmt: skip

# Words around the figure that give the operator.
# (words a figure is followed by, tried with ``str.startswith``: quicker than a pattern)
_GE_AFTER = ("以上", "及以上", "或以上", "多")
_LE_AFTER = ("以下", "以内", "及以下", "或以下")
_EQ_AFTER = "左右"
_GT_BEFORE = re.compile(r"(?<!不)(?:超过|超|过|高于|大于|多于)\s*$")
_LE_BEFORE = re.compile(
    r"(?:不超过|不高于|不多于|不大于|(?<!不)低于|(?<!不)少于|控制在|最高|最多|下降至|下降到|降至|降到|降低至|降低到|压降至|压减至|压减到|小于)\s*$"
)
_GE_BEFORE = re.compile(
    r"(?:不低于|不少于|不小于|至少|达到|达|提高到|提升到|提高至|提升至|增长|增加|提高|提升|新增|突破|下降|降低|减少)\s*$"
)
_EQ_BEFORE = re.compile(r"(?:(?:^|[^\u4e00-\u9fff]|为|达|在|共|计|至|到)约|大约|约为)\s*$")
_LEVEL_BEFORE = re.compile(r"的\s*$")
# A bound written before a reference (``不低于上年度公用经费总额的5%``).
_FAR_BOUND = re.compile(r"不低于|不少于|不高于|不超过|达到|完成|实现")
# A level granted: ``补贴标准为800元/亩``, ``按每人1000元给予补贴``.
_GRANTED_BEFORE = re.compile(r"(?:标准|补贴|补助|奖励|奖补|资助|补偿)(?:为|是)\s*$")
_PER_BEFORE = re.compile(r"按(?:每[\u4e00-\u9fff]{0,3})?\s*$")
_GRANTED_AFTER = re.compile(r"^\s*(?:的标准)?(?:给予|予以|补贴|补助|奖励|奖补|发放|的补贴|的奖励)")
_GRANTED_FIRST = "的给予补奖发"  # (the characters it can start with, spaces aside)
# ``给予50万元奖励``, ``一次性给予每千瓦时0.03元补贴``, ``减按25%计算``: an amount granted.
_GIVE_BEFORE = re.compile(r"(?:给予|予以|奖励|补助|补贴|资助)(?:一次性|每[\u4e00-\u9fff]{1,4})?\s*$")
_GIFT_AFTER = re.compile(r"^\s*(?:的)?(?:一次性)?(?:补贴|补助|奖励|奖补|资助|贴息|扶持|支持)")
_GIFT_FIRST = "的一补奖资贴扶支"
_REDUCED_TO = re.compile(r"减按\s*$")
# ``对年用电量超过500万千瓦时的企业``: figures between a leading 对/凡 and the 的 that closes the
# condition only say who is eligible.
_ELIGIBLE = re.compile(r"^\s*(?:对于|对(?![标接照口])|凡|针对)(?P<cond>[^的]*?\d[^的]*?)的")

# Words just before the figure that make it no target.
_ORDINAL_BEFORE = re.compile(
    r"(?:第|前|后|近|已|已经|已完成|已建成|累计已|现有|共有|原有|年满|满|每|PM|[A-Za-z+＋])\s*$"
)
# ``1个工作日``, ``3个月``: a count of time; ``每季度开展1次``: a cadence.
_PER_TIME_UNITS = ("个", "万", "亿")
_EVERY = re.compile(r"每(?:年|季|季度|月|周|半年|两年|旬)")
_BODY_MAKEUP = re.compile(
    r"组成|召集人|副召集人|组长|副组长|成员\d|委员\d|\d+\s*(?:名|人)\s*(?:专职|兼职)?(?:联络员|信息员|联系人)"
)
# (without 组, 召集, 成员, 委员, 联 or 信息员 ``_BODY_MAKEUP`` cannot match)
# A definition (``本办法所称重大项目，是指总投资5亿元以上的…``) sets a scope, not a target.
_DEFINITION = re.compile(r"所称|是指|系指|指的是")
_CADENCE = re.compile(r"每(?:年|季|季度|月|周|半年|两年)[^,;。]*?(?:召开|举行|举办)")
_QUALIFIER_TAIL = re.compile(r"^[\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[。!?\n]")
_CLAUSE_END = re.compile(r"[,;]")
_QUOTED = re.compile(r"“[^”]{0,30}”|《[^》]*》|\"[^\"]{0,30}\"|「[^」]*」")
_PAREN_ONLY = re.compile(r"\(\s*(?:约|共)?\s*\d+(?:\.\d+)?\s*[^\d()]{0,6}\)")
_DISTRIBUTE = re.compile(r"分别|均")
# ``500元至2000元``: the figure before a range sign whose other end follows.
_RANGE_SIGN = re.compile(r"^\s*(?:-|—|–|~|至|到)\s*(?=\d)")
# ``由80项增加到100项`` / ``从12平方米提高到14平方米``: the starting level is what exists.
_FROM_BEFORE = re.compile(r"(?:从|由)\s*$")
_TO_AFTER = re.compile(r"^\s*(?:增加|提高|提升|扩大|增长|下降|降低|减少|压减|缩短|缩减|调整)?\s*(?:到|至)")
# ``破零``, not the characters inside other words (突破零部件瓶颈, 打破零和, 破零售…).
_BREAK_ZERO = re.compile(
    r"(?<![突打冲击])破零(?!售|部件|件|星|散|碎|和|工|距离|容忍|基|钱|食|排放|库存|增长|利润)"
)
_FULL_COVER = re.compile(r"全覆盖")
# A quantity written in Chinese numerals after a verb that sets it (``新增三家``, ``不少于一名``,
# ``提高两成``, ``翻一番``); the numeral must not open a slogan (``三个一批``).
_SETTING_VERB = r"新增|不少于|不低于|至少|达到|培育|建成|引进|新建|打造|创建|招引|增加|提高|提升|增长|下降|降低|减少|压减|翻"
_HANZI_FIGURE = re.compile(
    rf"(?P<verb>{_SETTING_VERB})?(?<![一二两三四五六七八九十百千第])(?P<num>[一二两三四五六七八九十百千]{{1,5}})"
    r"(?P<unit>家|个|名|人|项|所|座|处|条|台|套|辆|件|户|批|成|番)(?![一二两三四五六七八九十])"
)
_SETTING = re.compile(_SETTING_VERB)
# After a numeral that follows its noun (``新增规上企业三家``): only an operator word or the end.
_HANZI_END = re.compile(r"^(?:以上|左右)?\s*$")
_HANZI_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_HANZI_POWERS = {"十": 10, "百": 100, "千": 1000}
# (written to start with a set of characters, which the regex engine scans for in C; the
# lookbehinds check again the character just read, so it matches where
# ``\d|破零|全覆盖|[一…千](?:家|…|番)`` matches)
_ANY_FIGURE = re.compile(
    r"[\d破全一二两三四五六七八九十百千](?:(?<=\d)|(?<=破)零|(?<=全)覆盖|"
    r"(?<=[一二两三四五六七八九十百千])(?:家|个|名|人|项|所|座|处|条|台|套|辆|件|户|批|成|番))"
)
# A numeral before a counting unit: ``_HANZI_FIGURE`` cannot match in a text without one.
_HANZI_PAIR = re.compile(
    r"[一二两三四五六七八九十百千](?:家|个|名|人|项|所|座|处|条|台|套|辆|件|户|批|成|番)"
)
# A cap: ``最高给予50万元``, ``奖励最高可达20万元``, ``上限为``.
_CAP_BEFORE = re.compile(
    r"(?:最高|最多)(?:一次性)?(?:可达|可|给予|予以|奖励|奖补|补贴|补助|资助|支持|达到|达|为)*\s*$|上限为?\s*$"
)
# A clause that says what there is (``全区拥有A级景区5个``, ``园区建有标准厂房8栋``), unless a
# verb that sets a level follows.
_HAS = re.compile(r"(?:拥有|建有|现有|共有|现存)")
# Words that describe what exists, not what is to be reached: ``全长12.5公里``.
_EXISTS_BEFORE = re.compile(
    r"(?:全长|总长度?|总面积|占地面积|占地|辖区面积|国土面积|辖|拥有|建有|现存)(?:约|为|达|共)?\s*$"
)
# How far back from a figure the words that qualify it are looked for.
_NEAR = 24
_DIGIT = re.compile(r"\d")
_BRACKETED = re.compile(r"\([^()]*\)")
_LIST_JOIN = re.compile(r"、|和|及(?!以)")
_BOUND_OF = re.compile(r"^以[上下]的[\u4e00-\u9fff]")
_BOUND_WORD = re.compile(r"^(?:以上|以下)")
_THRESHOLD_BEFORE = re.compile(r"(?:超过|过|超|以上)\s*$")
_THRESHOLD_ENDS = "过超上"


# The characters each pattern anchored at ``\s*$`` can end on, spaces aside: a text whose
# last character is none of them is not searched (``last in _X_ENDS and _ends(text, _X)``).
# ``_PER_BEFORE`` and ``_GIVE_BEFORE`` can end on any Chinese character.
_AGE_ENDS = "到在至达过"
_LE_ENDS = "于到在多至过高"
_CAP_ENDS = "为予以到助励可多性持补贴达限高"
_EQ_ENDS = "为约"
_GT_ENDS = "于超过"
_GE_ENDS = "于低到加升增少破至达长降高"
_LEVEL_ENDS = "的"
_GRANTED_ENDS = "为是"
_REDUCED_ENDS = "按"
_ORDINAL_ENDS = "前后已成有每满第经近+＋ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_EXISTS_ENDS = "为共地存度有积约辖达长"
_FROM_ENDS = "从由"
ENDINGS = {  # (for the test that each set holds every character its pattern can end on)
    _AGE_AIM: _AGE_ENDS,
    _LE_BEFORE: _LE_ENDS,
    _CAP_BEFORE: _CAP_ENDS,
    _EQ_BEFORE: _EQ_ENDS,
    _GT_BEFORE: _GT_ENDS,
    _GE_BEFORE: _GE_ENDS,
    _LEVEL_BEFORE: _LEVEL_ENDS,
    _GRANTED_BEFORE: _GRANTED_ENDS,
    _REDUCED_TO: _REDUCED_ENDS,
    _ORDINAL_BEFORE: _ORDINAL_ENDS,
    _EXISTS_BEFORE: _EXISTS_ENDS,
    _FROM_BEFORE: _FROM_ENDS,
    _THRESHOLD_BEFORE: _THRESHOLD_ENDS,
}


def _last(text: str) -> str:
    """The last character of ``text`` that is no space ('' when there is none)."""
    return text.rstrip()[-1:]


def _ends(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` (anchored at ``$``) matches at the end of ``text``: searched from
    near the end only, since every such pattern is a few words long."""
    return pattern.search(text, max(0, len(text) - _NEAR)) is not None


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _op_for(before: str, after: str, unit: str, value: float, last: str) -> str:
    """The operator that the words around a figure give (``last``: the last character of
    ``before``, spaces aside)."""
    if (
        after.startswith(_LE_AFTER)
        or (last in _LE_ENDS and _ends(before, _LE_BEFORE))
        or (last in _CAP_ENDS and _ends(before, _CAP_BEFORE))
    ):
        return "<="
    if after.startswith(_EQ_AFTER) or (last in _EQ_ENDS and _ends(before, _EQ_BEFORE)):
        return "="
    if after.startswith(_GE_AFTER):
        return ">="
    near = before[-8:]
    if "不低于" in near or "不少于" in near or "至少" in near:  # at least
        return ">="
    level = last in _LEVEL_ENDS and _ends(before, _LEVEL_BEFORE)
    if level and (bound := _FAR_BOUND.findall(_DIGIT.split(before)[-1])):
        return "<=" if bound[-1] in ("不高于", "不超过") else ">="
    first = after.lstrip()[:1]
    if (last in _GRANTED_ENDS and _ends(before, _GRANTED_BEFORE)) or (
        first in _GRANTED_FIRST and _GRANTED_AFTER.match(after) and _ends(before, _PER_BEFORE)
    ):
        return "="
    if (first in _GIFT_FIRST and _GIFT_AFTER.match(after) and _ends(before, _GIVE_BEFORE)) or (
        last in _REDUCED_ENDS and _ends(before, _REDUCED_TO)
    ):
        return "="
    if last in _GT_ENDS and _ends(before, _GT_BEFORE):
        return ">"
    if last in _GE_ENDS and _ends(before, _GE_BEFORE):
        return "=" if unit == "%" and value == 100 else ">="
    if level and unit == "%":
        return "="
    return "=" if unit == "%" and value == 100 else ">="


def _subject_count(clause: str, at: int) -> int:
    """How many subjects a 分别/均 before ``at`` spreads over (``A、B均达到…`` → 2)."""
    head = clause[:at]
    marker = _DISTRIBUTE.search(head)
    if not marker:
        return 1
    subject = _QUOTED.sub(_blank, head[: marker.start()])
    subject = _BRACKETED.sub("", subject)
    return len(_LIST_JOIN.findall(subject)) + 1


def _qualifies(clause: str, match: re.Match[str], before: str, after: str, last: str) -> bool:
    """Whether the figure only restricts what is counted (``过5000万企业1家``, ``10千伏及以下``);
    ``last``: the last character of ``before``, spaces aside."""
    tail = after
    if tail.startswith(("及以上", "及以下")) and _QUALIFIER_TAIL.match(tail[3:4] or "。"):
        return True
    # ``5万吨标准煤以上的项目``: an amount (not a share) that bounds what is counted
    if (
        tail.startswith(("以上的", "以下的"))
        and _BOUND_OF.match(tail)
        and match["unit"] not in ("%", "‰", "个百分点")
    ):
        return True
    threshold = (
        last in _THRESHOLD_ENDS and _THRESHOLD_BEFORE.search(before[-8:]) is not None
    ) or after.startswith(("以上", "以下"))
    if not threshold:
        return False
    tail = _BOUND_WORD.sub("", tail)
    if not (_QUALIFIER_TAIL.match(tail[:1] or "。") or tail.startswith("的")):
        return False
    return bool(_FIGURE.search(clause, match.end()))


def _targets_in_clause(
    clause: str, raw_clause: str, state: SubjectState, figures: list[re.Match[str]]
) -> list[Target]:
    """Targets in one clause (folded text with quotes and names blanked out), given its
    figures (``_FIGURE`` matches)."""
    hanzi = _HANZI_PAIR.search(clause) is not None
    if clause.rstrip().endswith("的") or not (figures or (hanzi and _HANZI_FIGURE.search(clause))):
        return []
    if _makes_no_target(clause):
        return []
    distributed = _DISTRIBUTE.search(clause) if "分别" in clause or "均" in clause else None
    eligible = _ELIGIBLE.match(clause) if ("对" in clause or "凡" in clause) and "的" in clause else None
    condition_end = eligible.end() if eligible else 0
    subject_from = 0
    range_high: set[int] = set()
    per_figure: list[list[Target]] = []
    for index, match in enumerate(figures):
        before, after = clause[: match.start()], clause[match.end() :]
        unit = match["unit"]
        if match.end() < condition_end:
            continue
        last = _last(before)
        if (
            clause.startswith(_TIME_WORDS, match.start("unit"))
            and not (unit == "岁" and last in _AGE_ENDS and _ends(before, _AGE_AIM))
        ) or after.startswith(_BLOCK_WORDS):
            continue
        if (unit in _PER_TIME_UNITS and after.startswith(_TIME_WORDS)) or (
            unit == "次" and _EVERY.search(before)
        ):
            continue
        if (last in _ORDINAL_ENDS and _ends(before, _ORDINAL_BEFORE)) or (
            before and before[-1:].isascii() and before[-1:].isalnum()
        ):
            continue
        if (last in _EXISTS_ENDS and _ends(before, _EXISTS_BEFORE)) or _has_before(before):
            continue
        if (
            unit in ("万", "亿")
            and _QUALIFIER_TAIL.match(after[:1] or "。")
            and not after.startswith(("以上", "以下", "左右"))
        ):
            continue
        if _qualifies(clause, match, before, after, last):
            continue
        if last in _FROM_ENDS and _ends(before, _FROM_BEFORE) and _TO_AFTER.match(after):
            continue
        value = _number(match["num"])
        text = raw_clause.strip()
        following = figures[index + 1] if index + 1 < len(figures) else None
        subject, subject_from = _subject_at(raw_clause, clause, match, subject_from, state)
        if (
            following
            and not match["low"]
            and following["unit"] == unit
            and (range_sign := _RANGE_SIGN.match(after))
            and match.end() + range_sign.end() == following.start()
        ):
            per_figure.append([_target(text, ">=", value, unit, subjects.range_end(subject, "下限"))])
            range_high.add(following.start())
            continue
        if match.start() in range_high:
            subject = per_figure[-1][-1]["subject"].removesuffix("(下限)") if per_figure else subject
            per_figure.append([_target(text, "<=", value, unit, subjects.range_end(subject, "上限"))])
            continue
        if match["low"]:
            low = _number(match["low"])
            per_figure.append(
                [
                    _target(text, ">=", low, unit, subjects.range_end(subject, "下限")),
                    _target(text, "<=", value, unit, subjects.range_end(subject, "上限")),
                ]
            )
            continue
        op = _op_for(before, after, unit, value, last)
        copies = 1
        if distributed and len(figures) == 1:
            copies = _subject_count(clause, match.start())
        per_figure.append([_target(text, op, value, unit, subject) for _ in range(copies)])
    per_figure += (
        [[target] for target in _hanzi_targets(clause, raw_clause)]
        if hanzi and not _has_before(clause)
        else []
    )
    if distributed:
        change = subjects.CHANGE_AFTER.match(raw_clause[distributed.end() :])
        _distribute(raw_clause[: distributed.start()], per_figure, change.group(0) if change else "")
    return [target for group in per_figure for target in group]


def _makes_no_target(clause: str) -> bool:
    """A clause that says who makes up a body, how often it meets, or defines a term (each
    pattern looked for only where a character it needs occurs)."""
    return (
        (
            (
                "组" in clause
                or "召集" in clause
                or "成员" in clause
                or "委员" in clause
                or "联" in clause
                or "信息员" in clause
            )
            and _BODY_MAKEUP.search(clause) is not None
        )
        or ("每" in clause and _CADENCE.search(clause) is not None)
        or (("指" in clause or "所称" in clause) and _DEFINITION.search(clause) is not None)
    )


def _has_before(before: str) -> bool:
    """Whether the words before a figure say what there is (拥有, 建有, 现有 …) and set nothing."""
    if "有" not in before and "现存" not in before:
        return False
    found = _HAS.search(before)
    return found is not None and not _SETTING.search(before, found.end())


def _hanzi_targets(clause: str, raw_clause: str) -> list[Target]:
    """Quantities written in Chinese numerals after a verb that sets them: ``新增三家`` (>= 3 家),
    ``每村配备不少于一名网格员`` (>= 1 名), ``提高两成`` (>= 2 成), ``翻一番`` (>= 1 番)."""
    found: list[Target] = []
    for match in _HANZI_FIGURE.finditer(clause):
        if not match["verb"] and not (
            _HANZI_END.match(clause[match.end() :]) and _SETTING.search(clause, 0, match.start())
        ):
            continue
        value = _hanzi_value(match["num"])
        if not value or (value == 1 and match["unit"] == "批"):
            continue  # ``一批``: a batch, no count
        head = raw_clause[: match.start("num")]
        subject = subjects.clean(subjects.last_item(head))
        noun = subjects.noun_after(clause[match.end() :]) if subjects.is_count_unit(match["unit"]) else ""
        found.append(_target(raw_clause.strip(), ">=", value, match["unit"], subject + noun))
    return found


def _hanzi_value(numeral: str) -> int:
    """``三`` → 3, ``十二`` → 12, ``两千`` → 2000, ``一百二十`` → 120; 0 when it is no number."""
    total, digit = 0, 0
    for char in numeral:
        if char in _HANZI_DIGITS:
            digit = _HANZI_DIGITS[char]
        elif char in _HANZI_POWERS:
            total += (digit or 1) * _HANZI_POWERS[char]
            digit = 0
        else:
            return 0
    return total + digit


def _subject_at(
    raw_clause: str, clause: str, match: re.Match[str], subject_from: int, state: SubjectState
) -> tuple[str, int]:
    """The subject of one figure, and where the words of the next figure start."""
    head = raw_clause[subject_from : match.start()]
    after = clause[match.end() :]
    unit = match["unit"]
    if (
        after.startswith("的")
        and subjects.MONEY.search(unit)
        and subjects.GIVEN.search(subjects.clean(head) or "提供")
    ):
        noun = subjects.noun_after(after[1:])
        if noun:
            subject = subjects.amount_of(noun, unit)
            state.previous, state.previous_unit = subject, unit
            return subject, match.end() + 1 + len(noun)
    noun = subjects.noun_after(after) if subjects.is_count_unit(unit) else ""
    if noun:
        rest = raw_clause[match.end() + len(noun) :]
        subject = subjects.postposed(head, noun, rest, state)
        state.previous, state.previous_unit = subject, unit
        return subject, match.end() + len(noun)
    folded_head = clause[subject_from : match.start()]
    listed = (
        "、" in folded_head
        and len([piece for piece in split_top(folded_head, "、") if piece.strip(" ,;")]) > 1
    ) or (subject_from > 0 and folded_head.lstrip().startswith("、"))
    subject = subjects.clean(subjects.last_item(head))
    subject = subjects.carried(subject, unit, "、" if listed else ",", state)
    state.previous, state.previous_unit = subject, unit
    return subject, match.end()


def _distribute(head: str, per_figure: list[list[Target]], change: str) -> None:
    """``A、B分别达到24家、49家`` / ``A、B均达到30%``: each figure or copy gets its own item
    (``A和B分别下降10%`` → ``A下降``, ``B下降``)."""
    items = [item + change for item in subjects.list_items(head)]
    flat = [target for group in per_figure for target in group]
    if len(items) >= 2 and len(items) == len(flat):
        for target, item in zip(flat, items, strict=True):
            target["subject"] = item


def _target(text: str, op: str, value: float, unit: str, subject: str = "") -> Target:
    return {"text": text, "subject": subject, "op": op, "value": value, "unit": unit}


def _special_targets(raw_clause: str, last_unit: str) -> list[Target]:
    """``破零`` (> 0) and ``全覆盖`` (= 100 %) in one clause."""
    if "破零" not in raw_clause and "全覆盖" not in raw_clause:
        return []
    text = raw_clause.strip()
    found = [
        _target(text, ">", 0, last_unit, subjects.near(text[: m.start()])) for m in _BREAK_ZERO.finditer(text)
    ]
    found += [
        _target(text, "=", 100, "%", subjects.covered(text[: m.start()])) for m in _FULL_COVER.finditer(text)
    ]
    return found


def find_targets(text: str, folded: str | None = None) -> list[Target]:
    """All targets in ``text`` (a section's own text, clauses removed), in order;
    ``folded``: ``fold(text)`` when the caller has it."""
    first = _ANY_FIGURE.search(text)  # (folding leaves figures as they are)
    if not first:
        return []
    if folded is None:
        folded = fold(text)
    blanked = folded
    if "“" in folded or "《" in folded or '"' in folded or "「" in folded:  # (what ``_QUOTED`` opens with)
        blanked = _QUOTED.sub(_blank_name, folded)
    if "(" in blanked:  # (what ``_PAREN_ONLY`` opens with)
        blanked = _PAREN_ONLY.sub(_blank, blanked)
    targets: list[Target] = []
    last_unit = ""
    for sentence in _sentences(text, blanked, first.start()):
        state = SubjectState(outcome=subjects.aim_of([sentence[-1][1]]))  # (it reads the last clause)
        for piece, raw, has_figure in sentence:
            if not has_figure:
                continue
            digit = _DIGIT.search(piece)  # (a ``_FIGURE`` starts with a digit)
            figures = list(_FIGURE.finditer(piece, digit.start())) if digit else []
            found = _targets_in_clause(piece, raw, state, figures)
            special = _special_targets(raw, last_unit)
            for match in figures:
                if match["unit"] not in ("%", "个", "家", "人"):
                    last_unit = match["unit"]
            if special and special[0]["op"] == ">":
                with_unit = [target for target in found if target["unit"]]
                for target in special:
                    if target["op"] == ">" and with_unit:
                        target["unit"] = with_unit[-1]["unit"]
            targets += found + special
    return targets


def _sentences(text: str, blanked: str, first: int = 0) -> list[list[tuple[str, str, bool]]]:
    """Clauses ``(blanked, raw, has_figure)`` grouped by sentence (a sentence ends at 。!? or a
    line end); sentences without a figure are left out.

    The figures are looked for once in the whole text: none spans a sentence or clause end
    (no ``_ANY_FIGURE`` match holds 。!?,; or a line end). ``first``: where the first figure
    of ``text`` starts (blanking figures out moves none: there is none before it in ``blanked``)."""
    figures = [found.start() for found in _ANY_FIGURE.finditer(blanked, first)]
    if not figures:
        return []
    figures.append(len(blanked))  # a stop: no figure starts at the end
    sentences: list[list[tuple[str, str, bool]]] = []
    start, at = 0, 0
    for end in [found.start() for found in _SENTENCE_END.finditer(blanked)] + [len(blanked)]:
        if figures[at] < end:
            clauses: list[tuple[str, str, bool]] = []
            position = start
            for found in _CLAUSE_END.finditer(blanked, start, end):
                cut = found.start()
                has_figure = figures[at] < cut
                while figures[at] < cut:
                    at += 1
                clauses.append((blanked[position:cut], text[position:cut], has_figure))
                position = found.end()
            clauses.append((blanked[position:end], text[position:end], figures[at] < end))
            while figures[at] < end:
                at += 1
            sentences.append(clauses)
        start = end + 1
    return sentences


def _blank_name(match: re.Match[str]) -> str:
    """Quoted text blanked out, unless it is a phrase of the sentence, not a name: 全覆盖/破零
    stay visible."""
    quoted = match.group(0)
    return quoted if "破零" in quoted or "全覆盖" in quoted else " " * len(quoted)
