"""Task forces (工作专班, 领导小组, 联席会议): convenors, deputies, member units, office.

A body is defined by a paragraph such as ``成立……工作专班，由……任召集人，……任副召集人，
成员单位包括……，专班办公室设在……``; the role sentences may also follow in later paragraphs of
the same part (``联席会议由A、B……组成``, ``联席会议办公室设在……``). A body with neither
members nor an office is not a task force.
"""

import re

from .schema import TaskForce
from .textutil import fold, split_top
from .units import clean_name, dedupe, looks_like_unit, split_folded_units

_AFTER_COMMA = re.compile(r"(?:,|，).*$")
_ROLES = re.compile(r"召集人|组长|成员|组成|办公室设在|办公室设于|组\s+长|召\s*集\s*人")
_ABOUT = re.compile(r"^.*?关于(?:成立|建立|组建|设立|调整)?")
_NAME_NOISE = re.compile(r"^[“\"]|\(以下简称[^()]*\)")

_BODY = r"(?:工作专班|专班|工作领导小组|领导小组|联席会议|指挥部|工作组|协调小组|委员会|推进组|攻坚组|协调组|督导组|小组)"
# 成立X工作专班 / 建立X联席会议(制度) / 组建X领导小组
_DEFINE = re.compile(rf"(?:成立|建立|组建|设立)(?P<name>[^,;。]{{2,60}}?{_BODY})")
_SENTENCES = re.compile(r"[,;。]")
# 成立以X为组长，Y为副组长，A、B主要负责人为成员的N领导小组: the roles come before the name.
_DEFINE_ROLES_FIRST = re.compile(
    rf"(?:成立|建立|组建|设立)(?:以|由)(?P<roles>[^。]{{2,400}}(?:组长|召集人|总指挥|指挥长|成员|成员单位))"
    rf"的(?P<name>[^,;。的]{{2,60}}?{_BODY})"
)
_UNIT_HEADS = r"(?:的)?(?:主要负责人|主要负责同志|分管负责人|分管负责同志|有关负责同志|负责同志|负责人|主要领导|分管领导)?"
# Role phrases, read clause by clause.
_CONVENOR_BY = re.compile(r"由(?P<who>[^,;。]+?)(?:担任|任|兼任)(?:总召集人|召集人|组长|总指挥|指挥长|主任)$")
_CONVENOR_AS = re.compile(
    r"^(?:由)?(?P<who>[^,;。]+?)(?:担任|任|兼任|为)(?:总召集人|召集人|组长|总指挥|指挥长)$"
)
_DEPUTY_AS = re.compile(
    r"^(?:由)?(?P<who>[^,;。]+?)(?:担任|任|兼任|为)(?:副召集人|副组长|副总指挥|副指挥长)$"
)
_ROLE_THEN_BY = re.compile(
    r"(?:^|设)(?P<role>副召集人|召集人|副组长|组长)(?:\d+人|[一二三四五六七八九十]+人|名)?$"
)
_BY_SERVES = re.compile(r"^由(?P<who>.+?)(?:担任|兼任)$")
# 召集人由X担任 / 副组长由A、B担任
_ROLE_BY = re.compile(
    r"(?:^|[^副总])(?P<role>副?(?:召集人|组长|总指挥|指挥长))由(?P<who>[^,;。]+?)(?:担任|兼任|出任)$"
)
# A role line of the defining text: ``组　长：市政府市长`` / ``副召集人：A、B``.
_ROLE_LABEL = re.compile(
    r"^(?P<role>(?:总|副)?\s*(?:召\s*集\s*人|组\s*长|总\s*指\s*挥|指\s*挥\s*长))\s*:\s*(?P<who>\S.*)$"
)
# A person's name before a position (``孙春兰 国务院副总理``): a list of people, not roles.
_PERSON_THEN_POST = re.compile(
    r"^[\u4e00-\u9fff]{1,2}\s?[\u4e00-\u9fff]{1,2}(?:\s+\S|\s*[(（][^()（）]*[)）]\s*$|同志)"
)
_MEMBERS = [
    re.compile(r"成员(?:单位)?(?:包括|包含|为|是|有:|由|:)(?P<list>[^;。]+?)(?:等(?:单位|部门)?)?(?:组成)?$"),
    re.compile(rf"^(?P<list>[^;。]+?)(?:等)?(?:单位|部门)?{_UNIT_HEADS}为成员(?:单位)?$"),
    re.compile(
        r"由(?P<list>[^;。]+?)(?:等)?(?:\d+个|[一二三四五六七八九十]+个)?(?:部门和单位|部门|单位|成员单位)?"
        r"(?:的)?(?:主要负责人|主要负责同志|分管负责人|分管负责同志|有关负责同志|负责同志|负责人|分管领导)?组成$"
    ),
]
# A word each member pattern needs (a clause without it is not searched).
_MEMBER_NEEDS = list(zip(("成员", "为成员", "组成"), _MEMBERS, strict=True))
# Words the role patterns need, for the test that holds the quick checks to them.
_NEEDS = {
    _ROLE_THEN_BY: ("召集人", "组长"),
    _ROLE_BY: ("由",),
    _DEPUTY_AS: ("副",),
    _CONVENOR_BY: ("由",),
    **{pattern: (word,) for word, pattern in _MEMBER_NEEDS},
}
_OFFICE = re.compile(r"办公室(?:设在|设于)(?P<who>[^,;。]+)")
_ROLE_NOUN = re.compile(
    r"(?:主要负责同志|主要负责人|分管负责同志|分管负责人|有关负责同志|负责同志|负责人|主要领导|分管领导|"
    r"主任|副主任|局长|副局长|部长|副部长|书记|副书记|秘书长|副秘书长|区长|县长|市长|省长|主席)$"
)


def _people(text: str) -> list[str]:
    """Split ``A、B主要负责人`` into ``[A主要负责人, B主要负责人]`` and ``X和Y`` into two roles."""
    pieces = []
    for piece in split_top(fold(text), "、,"):
        piece = piece.strip()
        parts = piece.split("和")
        if len(parts) > 1 and all(_ROLE_NOUN.search(part) for part in parts[:-1]):
            pieces += parts
        else:
            pieces.append(piece)
    pieces = [clean_name(piece) for piece in pieces if piece.strip()]
    role = _ROLE_NOUN.search(pieces[-1]) if pieces else None
    if role and not any(_ROLE_NOUN.search(piece) for piece in pieces[:-1]):
        pieces = [piece + role.group(0) for piece in pieces[:-1]] + pieces[-1:]
    return dedupe(pieces)


class _Force:
    """A body being read: its roles so far."""

    def __init__(self, part: str, name: str) -> None:
        self.part, self.name = part, name
        self.convenors: list[str] = []
        self.deputy_convenors: list[str] = []
        self.members: list[str] = []
        self.office: str | None = None
        self.pending_role: str | None = None

    def _role(self, role: str) -> list[str]:
        """The list a role word fills: 副… for the deputies, else the convenors."""
        return self.deputy_convenors if role.startswith("副") else self.convenors

    def read(self, paragraph: str, folded: str | None = None) -> None:
        """Take the roles from one paragraph, clause by clause (``folded``: ``fold(paragraph)``
        when the caller has it)."""
        if folded is None:
            folded = fold(paragraph)
        for match in _OFFICE.finditer(folded):
            if not self.office:
                self.office = clean_name(_AFTER_COMMA.sub("", match["who"]))
        for clause in split_top(folded, ",;。"):
            self._read_clause(clause.strip())

    def _read_clause(self, clause: str) -> None:
        if not clause:
            return
        if match := _ROLE_LABEL.match(clause):
            self._read_role_label(match["role"].replace(" ", ""), match["who"].strip())
            return
        # (each pattern is tried only where a word it needs occurs: ``_NEEDS``)
        role_word = "召集人" in clause or "组长" in clause
        if role_word and (match := _ROLE_THEN_BY.search(clause)):
            self.pending_role = match["role"]
            return
        if self.pending_role and (match := _BY_SERVES.match(clause)):
            self._role(self.pending_role).extend(_people(match["who"]))
            self.pending_role = None
            return
        self.pending_role = None
        by = "由" in clause
        if by and (match := _ROLE_BY.search(clause)):
            self._role(match["role"]).extend(_people(match["who"]))
        elif "副" in clause and (match := _DEPUTY_AS.match(clause)):
            self.deputy_convenors += _people(match["who"])
        elif match := (by and _CONVENOR_BY.search(clause)) or _CONVENOR_AS.match(clause):
            self.convenors += _people(match["who"])
        else:
            for word, pattern in _MEMBER_NEEDS:
                match = pattern.search(clause) if word in clause else None
                names = split_folded_units(match["list"]) if match else []
                if len(names) > 2 and len(names[-1]) <= 4 and not looks_like_unit(names[-1]):
                    names = names[:-1]  # a list cut off inside its last name (``…、区教``)
                if names and all(looks_like_unit(name) for name in names):
                    self.members += names
                    break

    def _read_role_label(self, role: str, who: str) -> None:
        """``组长：X``: X takes the role unless it is a person's name or the role is already known."""
        filled = self._role(role)
        if filled or _PERSON_THEN_POST.match(who):
            return
        filled += _people(who)

    def result(self) -> TaskForce | None:
        """The body as Plan JSON, or None when it names neither members nor an office."""
        if not self.members and not self.office:
            return None
        return {
            "part": self.part,
            "name": self.name,
            "convenors": dedupe(self.convenors),
            "deputy_convenors": dedupe(self.deputy_convenors),
            "members": dedupe(self.members),
            "office": self.office,
        }


# A role sentence whose subject is the body itself (``联席会议由A、B……组成``), in a part that
# sets the body up without a 成立/建立 sentence of its own (the rules attached to a 批复).
_BODY_SUBJECT = re.compile(
    r"^(?:本)?(?P<body>部际联席会议|联席会议|工作领导小组|领导小组|工作专班|专班|指挥部)(?:由|成员|设|办公室设)"
)
_BODY_FIRST = "本部联工领专指"  # (the characters ``_BODY_SUBJECT`` can start with)
_TITLE_TAIL = re.compile(r"(?:制度|工作规则|议事规则|组成人员名单|成员名单|工作方案)$")


def find_task_forces(
    paragraphs: list[tuple[str | None, str]],
    part_titles: dict[str, str] | None = None,
    folded_texts: list[str] | None = None,
) -> list[TaskForce]:
    """Task forces from ``(part, paragraph)`` pairs in document order.

    ``part_titles`` names a body set up by a part without a 成立/建立 sentence (the part
    ``国务院XX部际联席会议制度`` whose paragraphs begin ``联席会议由……``); ``folded_texts``:
    the paragraphs folded, when the caller has them.
    """
    forces: list[TaskForce] = []
    current: _Force | None = None
    for index, (part, text) in enumerate(paragraphs):
        if part is None:
            continue
        # both definitions start with one of these words (folding leaves them as they are)
        defines = "成立" in text or "建立" in text or "组建" in text or "设立" in text
        folded = text
        if defines:
            folded = fold(text) if folded_texts is None else folded_texts[index]
        match = _DEFINE_ROLES_FIRST.search(folded) if defines and ("以" in folded or "由" in folded) else None
        if match:
            _close(current, forces)
            current = _Force(part, _clean_force_name(match["name"]))
            current.read(match["roles"])
            current.read(text[match.end() :])
            continue
        match = _DEFINE.search(folded) if defines else None
        if match:
            _close(current, forces)
            current = _Force(part, _clean_force_name(match["name"]))
            current.read(text[match.start() :], folded[match.start() :])
            continue
        if current and current.part != part:
            _close(current, forces)
            current = None
        # (``_BODY_SUBJECT`` holds no character that folding changes: the text need not be folded)
        if current is None and text[:1] in _BODY_FIRST and (subject := _BODY_SUBJECT.match(text)):
            # only in a part about that body (``…联席会议制度``): elsewhere it names a body
            # set up before, which is no task force of this plan
            title = _TITLE_TAIL.sub("", (part_titles or {}).get(part) or "")
            if subject["body"][-2:] in title:
                current = _Force(part, _title_body(title, subject["body"][-2:]))
        if current and _ROLES.search(text):
            current.read(text)
    _close(current, forces)
    return forces


def _title_body(title: str, word: str) -> str:
    """The body a part title names: ``关于成立X领导小组的通知`` → ``X领导小组``."""
    title = _ABOUT.sub("", title)
    return title[: title.rfind(word) + len(word)]


def _clean_force_name(name: str) -> str:
    return _NAME_NOISE.sub("", name).strip()


def _close(force: _Force | None, forces: list[TaskForce]) -> None:
    if force and (result := force.result()):
        forces.append(result)
