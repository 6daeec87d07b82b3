"""Responsibility clauses (责任条款): who leads, who cooperates, which leader, by when.

A clause is either a bracket group that names units with roles
(``(区人社局牵头负责,区科工局、祝丰镇等按职责分工负责)``, ``[牵头单位:X;责任单位:Y]``,
``(区发改局、区财政局)``) or labelled text (``牵头单位：X``, ``部门分工：X牵头，Y配合``)
standing on its own line or after the item's last sentence.
"""

import re
from dataclasses import dataclass, field

from .textutil import bracket_scan, fold, has_open_bracket, split_top
from .units import dedupe, looks_like_unit, split_folded_units

# Labels of a labelled clause, grouped by the role they give.
_LEAD_LABELS = (
    "牵头单位|牵头部门|主责单位|主责部门|主办单位|主办部门|牵头责任单位|牵头司局|牵头处室|牵头科室|牵头机构"
)
_DUTY_LABELS = "责任单位|责任部门|实施单位|落实单位|承办单位|责任司局|责任处室|责任科室|责任主体"
_COOP_LABELS = (
    "配合单位|配合部门|协办单位|协办部门|协同单位|参与单位|参加单位|协助单位|协作单位|"
    "配合司局|参与司局|配合处室|参与处室|参与部门"
)
_LEADER_LABELS = r"(?:分管|责任|牵头|联系|包联|督办)(?:省|市|区|县|州|镇|乡)?(?:领导|负责同志)"
_SPLIT_LABELS = "部门分工|责任分工|分工"
_TIME_LABELS = "完成时限|完成时间|时间节点|时限要求|完成期限|办结时限|时间要求|时限"
LABEL = re.compile(
    rf"\[?(?P<label>{_LEAD_LABELS}|{_DUTY_LABELS}|{_COOP_LABELS}|{_LEADER_LABELS}|{_SPLIT_LABELS}|{_TIME_LABELS})"
    r"(?:\]\s*:?|\s*:)"
)
# ``LABEL`` without its optional ``[``, every label word written out, so that each word starts
# with a literal and the regex engine skips to their first characters in C: it matches where
# LABEL does, starting one character later where LABEL takes a ``[``.
_LEADER_WORDS = "|".join(
    who + level + title
    for who in ("分管", "责任", "牵头", "联系", "包联", "督办")
    for level in ("", "省", "市", "区", "县", "州", "镇", "乡")
    for title in ("领导", "负责同志")
)
LABEL_WORD = re.compile(
    rf"(?P<label>{_LEAD_LABELS}|{_DUTY_LABELS}|{_COOP_LABELS}|{_LEADER_WORDS}|{_SPLIT_LABELS}|{_TIME_LABELS})"
    r"(?:\]\s*:?|\s*:)"
)
_ROLE_OF = [
    ("lead", re.compile(rf"^(?:{_LEAD_LABELS})$")),
    ("duty", re.compile(rf"^(?:{_DUTY_LABELS})$")),
    ("coop", re.compile(rf"^(?:{_COOP_LABELS})$")),
    ("leader", re.compile(rf"^(?:{_LEADER_LABELS})$")),
    ("split", re.compile(rf"^(?:{_SPLIT_LABELS})$")),
    ("time", re.compile(rf"^(?:{_TIME_LABELS})$")),
]


class _Segment:
    """A free-form segment ``^(?:由)?(?P<units>.+?)(?:ROLE)$``: units, then a role phrase that
    closes the segment (at most ``width`` characters long).

    ``units`` finds the same units as matching ``pattern`` but reads the role from the end:
    the shortest units are those before the leftmost place, among the last ``width``
    characters, where the role phrase runs to the end.
    """

    def __init__(self, role: str, width: int, *, by: bool = False, needs: str = "") -> None:
        self.pattern = re.compile(rf"^{'(?:由)?' if by else ''}(?P<units>.+?)(?:{role})$")
        self.role = re.compile(rf"(?:{role})$")
        self.width = width
        self.by = by
        self.needs = needs  # a word the role phrase always holds

    def units(self, segment: str) -> str | None:
        """The units of ``segment``, None when it is no such segment."""
        if self.needs and self.needs not in segment:
            return None
        if "\n" in segment:  # (``.`` stops at a line end, ``$`` matches before one)
            match = self.pattern.match(segment)
            return match["units"] if match else None
        size = len(segment)
        if self.by and segment.startswith("由"):  # ``由X牵头``: the 由 is no part of the units
            found = self.role.search(segment, max(2, size - self.width))
            if found:
                return segment[1 : found.start()]
        found = self.role.search(segment, max(1, size - self.width))
        return segment[: found.start()] if found else None


# Free-form segments, split at commas and semicolons:
#   X牵头 / X牵头负责 / X、Y分别牵头 / X为牵头单位
_LEAD = _Segment(
    r"(?:分别|共同|负责)?(?:牵头(?:负责|抓总|落实|实施|推进|办理)?(?:落实)?|为牵头单位|为牵头部门)",
    8,
    by=True,
    needs="牵头",
)
_LEAD_SEG = _LEAD.pattern
#   Y、Z等按职责分工负责 / Y配合 / Y参与
_COOP = _Segment(
    r"按照?(?:各自)?(?:职责|职能)(?:分工)?(?:负责|落实|抓好落实|配合|做好相关工作)?|"
    r"分工负责|配合(?:落实|实施|推进)?|协助|协同|参与|共同负责|(?:分别)?按职责(?:分工)?|(?:负责|具体|抓好|分别)?落实|"
    # ``各县（市、区）政府落实属地责任``: a duty of place, not a lead
    r"(?:负责|分别|切实)?(?:落实|履行|压实)(?:属地|主体|行业|监管)(?:管理)?(?:责任|职责)",
    14,
)
_COOP_SEG = _COOP.pattern
# A cooperating segment that supports someone (配合, 协助, 参与): units named before it
# without a role are the ones supported, so they lead (``市发改委，市财政局配合``).
_SUPPORT_END = re.compile(r"(?:配合(?:落实|实施|推进)?|协助|协同|参与)$")
#   A、B负责 / 国务院各部门分别负责
_DUTY = _Segment(r"(?:分别|共同)?负责(?:落实|实施)?", 6, needs="负责")
_DUTY_SEG = _DUTY.pattern
# A note inside a clause: (除标注…外…下同), 不再做分工, 以下各项….
_NOTE_SEG = re.compile(r"下同|除.*外|标注|不再|不作分工|不再分工|列第一|排在第一|排第一|第一位")
# A time limit inside a free clause: 2024年6月底前完成, 9月30日前, 长期坚持.
_TIME_SEG = re.compile(
    r"^(?:\d{4}年|\d{1,2}月|年底|年末|上半年|下半年|[一二三四]季度|长期|持续|常态化|年内|每年|每季度|每月)"
    r"[^、]{0,14}$"
)
_TIME_FIRST = "年上下一二三四长持常每"  # (the characters it can start with besides ``\d``)
# The declaration that the first unit listed leads.
DECLARATION = re.compile(
    r"(?:(?:列|排|排列|排名)(?:在)?(?:第一|首)(?:位|个)?|(?:第一|首)个)(?:者|的|单位|的单位|部门|的部门)?"
    r"(?:为|是)?(?:牵头|主责)"
)


def declares_first_lead(text: str) -> bool:
    """Whether ``text`` declares that the unit listed first leads (``列第一位者为牵头单位``)."""
    return ("第一" in text or "首" in text) and DECLARATION.search(text) is not None


# A bracket that explains a name (``(原区农业局)``, ``(以下简称区农业农村局)``): no clause.
EXPLANATION = re.compile(r"^(?:原(?![则有])|以下简称|以下称|简称|下称|即)")
_EXPLANATION_FIRST = "原以简下即"  # (the characters it can start with)
_PERSON_SEP = re.compile(r"[、,;，；\s]+")


@dataclass(slots=True)
class Clause:
    """What one clause says."""

    leads: list[str] = field(default_factory=list)
    cooperators: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    deadline_text: str = ""
    labelled_lead: bool = False
    labelled_support: bool = False
    declares_first_lead: bool = False
    unsure: list[str] = field(default_factory=list)

    @property
    def units(self) -> list[str]:
        """All units named, leads first."""
        return dedupe(self.leads + self.cooperators)


def _normalise_labels(text: str) -> str:
    """Turn ``[牵头单位]X`` into ``牵头单位:X`` so all labels look alike."""
    return LABEL.sub(lambda m: f"\x00{m['label']}:", text)


_LEAD_MARK = re.compile(r"\((?:牵头|牵头单位|牵头部门|总牵头)\)$|牵头$")


def _mark_leads(names: list[str]) -> tuple[list[str], list[str]]:
    """Split ``市发改委(牵头)、市财政局`` into leads and the others."""
    leads: list[str] = []
    others: list[str] = []
    for name in names:
        bare = _LEAD_MARK.sub("", name)
        (leads if bare != name else others).append(bare)
    return leads, others


def _label_role(label: str) -> str:
    for role, pattern in _ROLE_OF:
        if pattern.match(label):
            return role
    return "duty"


def _parse_labelled(text: str, clause: Clause) -> None:
    """Fill ``clause`` from ``牵头单位:X;责任单位:Y`` text (labels already normalised)."""
    duty: list[str] = []
    for chunk in text.split("\x00"):
        if ":" not in chunk:
            continue
        label, _, content = chunk.partition(":")
        content = content.strip().strip(";,。.")
        role = _label_role(label)
        if role == "lead":
            clause.leads += split_folded_units(content, commas=True)
            clause.labelled_lead = True
        elif role == "duty":
            if declares_first_lead(content):
                clause.declares_first_lead = True
            elif _ROLES_IN_LIST.search(content) and _parse_roles_in_list(content, clause):
                continue
            content = ",".join(
                piece for piece in split_top(content, ",;") if not _NOTE_SEG.search(piece) and piece.strip()
            )
            marked, plain = _mark_leads(split_folded_units(content, commas=True))
            if marked:
                clause.leads += marked
                clause.labelled_lead = True
            duty += plain
        elif role == "coop":
            clause.cooperators += split_folded_units(content, commas=True)
            clause.labelled_support = True
        elif role == "leader":
            clause.leaders += [name for name in _PERSON_SEP.split(content) if name]
        elif role == "split":
            _parse_free(content, clause)
        elif role == "time":
            clause.deadline_text = content
    if duty and not clause.leads and not clause.cooperators and len(duty) == 1:
        clause.leads = duty
    else:
        clause.cooperators = duty + clause.cooperators


# ``责任单位：X牵头，Y、Z配合``: a labelled list that states the roles itself.
_ROLES_IN_LIST = re.compile(r"牵头(?:负责)?[,;]|(?:配合|协助|参与|按职责(?:分工)?负责)$")


def _parse_roles_in_list(content: str, clause: Clause) -> bool:
    """Read ``X牵头，Y配合`` under a 责任单位 label as a free clause; False when it is none."""
    inner = Clause()
    if not _parse_free(content, inner) or not inner.leads:
        return False
    clause.leads += inner.leads
    clause.cooperators += inner.cooperators
    clause.labelled_lead = True
    clause.labelled_support = clause.labelled_support or inner.labelled_support
    return True


def _parse_free(text: str, clause: Clause) -> bool:
    """Fill ``clause`` from free text such as ``X牵头负责,Y、Z等按职责分工负责``.

    Returns False when some segment is no responsibility statement (the text is then
    probably not a clause at all).
    """
    duty: list[str] = []
    plain = True
    has_role_word = False
    supported = False
    sentences = split_top(text, "。")
    if len(sentences) > 1:
        # A standing note in a sentence of its own (``以下均需各县落实，不再列出``) names no unit.
        kept = [s for s in sentences if not (_NOTE_SEG.search(s) and not _LEAD_SEG.search(s))]
        text = "。".join(kept or sentences[:1])
    for segment in split_top(text, ",;。.，；"):
        segment = segment.strip()
        if not segment:
            continue
        if declares_first_lead(segment):
            clause.declares_first_lead = True
            continue
        if _NOTE_SEG.search(segment) and not _LEAD_SEG.match(segment):
            continue
        if (segment[:1] in _TIME_FIRST or segment[:1].isdecimal()) and _TIME_SEG.match(segment):
            clause.deadline_text = clause.deadline_text or segment
            continue
        if (units := _LEAD.units(segment)) is not None:
            clause.leads += split_folded_units(units)
            clause.labelled_lead = True
            has_role_word = True
        elif (units := _COOP.units(segment)) is not None:
            clause.cooperators += split_folded_units(units)
            has_role_word = True
            supported = supported or (
                ("配合" in segment or "协" in segment or "参与" in segment)
                and _SUPPORT_END.search(segment) is not None
            )
        elif (units := _DUTY.units(segment)) is not None:
            duty += split_folded_units(units)
            has_role_word = True
        else:
            marked, names = _mark_leads(split_folded_units(segment))
            if marked and all(looks_like_unit(name) for name in marked + names):
                clause.leads += marked
                clause.labelled_lead = True
                clause.cooperators += names
                has_role_word = True
            elif names and all(looks_like_unit(name) for name in names):
                duty += names
            else:
                plain = False
    clause.labelled_support = supported
    if duty:
        if clause.leads:
            clause.cooperators = duty + clause.cooperators
        elif (clause.cooperators and supported) or (len(duty) == 1 and not clause.cooperators):
            clause.leads = duty
        else:
            clause.cooperators = duty + clause.cooperators
    return plain and (has_role_word or bool(duty))


def parse_clause(text: str) -> Clause | None:
    """Parse the inside of a clause (brackets removed); None when it is no clause."""
    return parse_folded_clause(fold(text))


# Clauses read in this document (plans repeat them), each handed out as a copy since a
# clause is changed afterwards (``apply_first_lead``); ``luoshi.docparse.clear_caches``
# forgets them.
_READ: dict[str, Clause | None] = {}
_READ_MAX = 4096


def parse_folded_clause(folded: str) -> Clause | None:
    """``parse_clause`` of a text already folded (``textutil.fold``)."""
    if folded in _READ:
        read = _READ[folded]
    else:
        if len(_READ) >= _READ_MAX:
            _READ.clear()
        read = _READ[folded] = _read_clause(folded)
    if read is None:
        return None
    return Clause(
        leads=list(read.leads),
        cooperators=list(read.cooperators),
        leaders=list(read.leaders),
        deadline_text=read.deadline_text,
        labelled_lead=read.labelled_lead,
        labelled_support=read.labelled_support,
        declares_first_lead=read.declares_first_lead,
        unsure=list(read.unsure),
    )


def _read_clause(folded: str) -> Clause | None:
    folded = folded.strip()
    clause = Clause()
    if not folded or (folded[:1] in _EXPLANATION_FIRST and EXPLANATION.match(folded)):
        return None
    if (":" in folded or "]" in folded) and LABEL_WORD.search(folded):
        _parse_labelled(_normalise_labels(folded), clause)
    elif not _parse_free(folded, clause):
        return None
    clause.leads = dedupe(clause.leads)
    clause.cooperators = [name for name in dedupe(clause.cooperators) if name not in clause.leads]
    units = clause.leads + clause.cooperators  # (``clause.units``: the two are deduplicated and apart)
    clause.unsure = [name for name in units if not looks_like_unit(name)]
    if not units and not clause.declares_first_lead:
        return None
    return clause


def apply_first_lead(clause: Clause) -> None:
    """Under a ``列第一位者为牵头单位`` declaration, the first unit of an unlabelled clause leads."""
    if clause.labelled_lead or clause.leads or not clause.cooperators or clause.labelled_support:
        return
    clause.leads = clause.cooperators[:1]
    clause.cooperators = clause.cooperators[1:]


@dataclass(slots=True)
class Found:
    """A clause found in a paragraph: where it stands and what it says."""

    start: int
    end: int
    clause: Clause


# A clause group must end its sentence: nothing but punctuation may follow on the line.
# (matched at the group's end: ``match(text, end)``)
_AFTER_GROUP = re.compile(r"[\s。.;,，；、]*$|[\s]*[。.;；]")
_ROLE_HINT = re.compile(r"牵头|负责|配合|参与|协助|单位|部门")
_LIST_LABEL = re.compile(rf"^(?:{_LEAD_LABELS}|{_DUTY_LABELS})$")
_ROLE_WORDS = re.compile(r"(?:牵头|负责|配合|协助|参与|按职责分工)[^()]{0,4}$")


# Quick test: a paragraph without brackets or labels holds no clause.
def _may_hold_clause(folded: str) -> bool:
    """Quick test: a paragraph without brackets or labels holds no clause (a label needs a
    ``:`` or a closing ``]``)."""
    if "(" in folded or "[" in folded or "{" in folded:
        return True
    return (":" in folded or "]" in folded) and LABEL_WORD.search(folded) is not None


def find_clauses(paragraph: str, folded: str | None = None) -> tuple[list[Found], bool]:
    """Clauses in one paragraph (as written), and whether a clause is cut off at its end.

    Returns the clauses with their spans in the paragraph, and True when the paragraph ends
    inside an open bracket or a labelled clause that looks like a responsibility clause.
    ``folded``: ``fold(paragraph)`` when the caller has it.
    """
    if folded is None:
        folded = fold(paragraph)
    found: list[Found] = []
    cut = False
    if not _may_hold_clause(folded):
        trailing = _trailing_clause(folded)
        return ([trailing] if trailing else found), cut
    groups, open_at = bracket_scan(folded)
    for start, end in groups:
        inner = folded[start + 1 : end - 1]
        if not _AFTER_GROUP.match(folded, end) and not (
            # mid-sentence: ``…整治（县城管局牵头），规范…（县住建局负责）。``
            folded[end : end + 1] in (",", "、") and _ROLE_WORDS.search(inner)
        ):
            continue
        clause = parse_folded_clause(inner)
        if clause:
            found.append(Found(start, end, clause))
    if open_at >= 0 and _ROLE_HINT.search(folded, open_at):
        cut = True
    label = _top_level_label(folded, found) if ":" in folded or "]" in folded else None
    if label is not None:
        rest = folded[label:].rstrip()
        if rest.endswith((",", "、", ":")):
            cut = True
        else:
            clause = parse_folded_clause(rest)
            if clause:
                found.append(Found(label, len(folded), clause))
    return found, cut


# An unbracketed clause closing the item: ``…。区城管局牵头，各街道办事处配合。``
_ROLE_IN_SENTENCE = re.compile(r"牵头|配合|协助|参与|按职责")
_TRAILING_ROLE = re.compile(r"(?:牵头|配合|协助|参与|负责)(?:落实|实施)?[。.;；]?\s*$")


def _trailing_clause(folded: str) -> Found | None:
    """The item's last sentence when it only says who leads and who helps (no brackets)."""
    if not _TRAILING_ROLE.search(folded[-12:]):
        return None
    body = folded.rstrip().rstrip("。.;；")
    cut_at = max(body.rfind("。"), body.rfind("."))
    if cut_at < 0:
        return None
    sentence = body[cut_at + 1 :]
    if not sentence.strip() or not _ROLE_IN_SENTENCE.search(sentence):
        return None
    clause = parse_folded_clause(sentence)
    if not clause or clause.unsure or not clause.units:
        return None
    return Found(cut_at + 1, len(folded), clause)


def _open_bracket(folded: str) -> int:
    return has_open_bracket(folded)


def _top_level_label(folded: str, found: list[Found]) -> int | None:
    """Where a labelled clause starts outside brackets: at the line start or after a 。."""
    for match in LABEL_WORD.finditer(folded):
        index = match.start()
        if any(item.start <= index < item.end for item in found):
            continue
        begin = index - 1 if index and folded[index - 1] == "[" else index  # where LABEL's match starts
        # ``【牵头单位】X``: the label's own closed bracket is no open bracket (``[牵头单位:X`` is)
        start = begin if "]" in match.group(0) else index
        if _open_bracket(folded[:start]) >= 0:
            continue
        before = folded[:begin].rstrip()
        if not before or before.endswith(("。", ".", ";", ")", "]")):
            return begin
        # ``…，责任单位：X（牵头）、Y。``: a labelled list closing the item after a comma
        if before.endswith(",") and _LIST_LABEL.match(match["label"]):
            return begin
    return None
