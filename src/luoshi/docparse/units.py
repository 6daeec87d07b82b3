"""Unit names (责任单位): splitting lists, cleaning names, recognising them, merging aliases.

Nothing here knows a particular document's units: recognition goes by the shapes of Chinese
organisation names (a suffix such as 局/委/办/中心/公司/街道/镇, or a group phrase such as
各镇人民政府 / 区直有关单位 / 有关部门和单位).
"""

import re
from functools import lru_cache

from .textutil import fold, split_top, squeeze

# Suffixes that end the name of an organisation.
_ORG_SUFFIX = re.compile(
    r"(?:"
    r"局|委|办|部|厅|署|院|会|中心|公司|集团|街道|镇|乡|政府|分局|支队|大队|中队|总队|"
    r"银行|分行|支行|法庭|社|所|站|馆|校|学校|党校|医院|协会|学会|联合会|工会|妇联|残联|团委|"
    r"科协|侨联|文联|工商联|委员会|办公室|管委会|开发区|园区|工业园|高新区|新区|试验区|"
    r"部门|单位|机构|企业|集团公司|处|科|室|组|队|台|报社|监狱|海关|口岸|管理部|事务所|"
    r"总站|分公司|中央|市政|园|场|旗|盟|州|县|市|区|省|村|社区|居委会|农场|林场|"
    r"司|总局|总署|办事处|指挥部|专班|小组|领导小组|联席会议|国务院|军区|武警|消防|"
    r"(?:市|县|区|省)直(?:各)?(?:有关)?(?:部门|单位)"
    r")$"
)
# Phrases for groups of units, kept as written: 各镇人民政府, 区直有关单位, 有关部门和单位.
_GROUP = re.compile(r"^(?:各|有关|相关|其他|其它|.{0,12}(?:有关|相关|各|成员|直属|所属))")
# A name that is obviously a sentence, not an organisation.
_NOT_NAME = re.compile(r"[。,;:!?]|[0-9]{2,}|负责|牵头|配合|完成|推进|落实|开展|加强")
# ``X等有关部门和单位``: X and a trailing group phrase.
_ETC_GROUP = re.compile(
    r"^(?P<head>.+?)等(?P<group>(?:[省市区县州]直|[省市区县州]级)?(?:其他|其它)?(?:有关|相关|各|其他)\S*)$"
)
# ``X等`` / ``X等部门`` / ``X等单位``: the trailing 等(部门) is dropped.
_ETC = re.compile(
    r"等(?:\d{1,3}|[一二三四五六七八九十]{1,3})?(?:个|家)?(?:部门|单位|部门和单位|单位和部门|相关单位|机构)?$"
)
# A bare administrative level that cannot stand alone after 、 (各区、县级市; 各市、县人民政府).
_LEVELS = (
    r"(?:县级市|县市区|县市|市州|地市|县区|市县|市区|区县|自治州|自治县|县|市|区|州|盟|旗|乡镇|乡|镇|街道)"
)
_LEVEL_TAIL = re.compile(rf"^{_LEVELS}(?:\({_LEVELS}(?:、{_LEVELS})*\))?(?:人民)?(?:政府|党委和政府)?$")
# ``各市`` / ``各市、州`` / ``各县级市``: a list of levels still waiting for its head noun.
_EACH_LEVEL = re.compile(rf"^各{_LEVELS}(?:、{_LEVELS})*$")
# A parenthesised note inside a clause that is not part of a name.
_NOTE = re.compile(
    r"\((?:[^()]*(?:除|下同|标注|不再|列第一|排在第一|排第一|为牵头|汇总)[^()]*)\)"
    # an explanation of a name: (原区农业局), (以下简称区农业农村局)
    r"|\((?:原(?![则有])|以下简称|以下称|简称|下称)[^()]*\)"
)
# Leading words that are not part of a name.
_LEAD_IN = re.compile(r"^(?:由|请|其中|以及|及|和|与|会同|并由|分别由)")
_LEAD_IN_FIRST = "由请其以及和与会并分"
# Role verbs that no name ends with (``地方各级人民政府负责落实``).
_ROLE_TAIL = re.compile(r"(?:分别|共同|具体)?(?:负责|牵头|配合|参与|协助|落实)+$")
_ROLE_ENDS = ("负责", "牵头", "配合", "参与", "协助", "落实")
_PAREN_PART = re.compile(r"^(?P<head>[^()]+)\((?P<inner>[^()]+)\)(?P<tail>[^()]+)$")
_BRACKETED = re.compile(r"\([^()]*\)")


@lru_cache(maxsize=4096)
def clean_name(raw: str) -> str:
    """A unit name cleaned: ASCII parentheses, no spaces, no 等 or lead-in words."""
    name = squeeze(fold(raw)).strip("、,;.。:“”\"'")
    # (each pattern tried only where it can match: a bracket, a first character, 等, an ending)
    if "(" in name:
        name = _NOTE.sub("", name)
    if name[:1] in _LEAD_IN_FIRST:
        name = _LEAD_IN.sub("", name)
    if "等" in name:
        name = _ETC.sub("", name)
    if name.endswith(_ROLE_ENDS) or name.endswith("\n"):  # (``$`` also matches before a last line end)
        name = _ROLE_TAIL.sub("", name)
    return name.strip("、,;.。:")


def split_units(text: str, *, commas: bool = False) -> list[str]:
    """Split a list of units at 、 (and at commas and semicolons when ``commas``) outside brackets.

    A trailing ``等有关部门和单位`` gives the group phrase as a unit of its own; a bare
    administrative level after 、 (``各区、县级市``) stays with the piece before it.
    """
    return list(_split_units(fold(text), commas))


def split_folded_units(folded: str, *, commas: bool = False) -> list[str]:
    """``split_units`` of a text already folded (``textutil.fold``), as the clauses are."""
    return list(_split_units(folded, commas))


@lru_cache(maxsize=4096)
def _split_units(folded: str, commas: bool) -> tuple[str, ...]:
    separators = "、,;，；" if commas else "、"
    pieces: list[str] = []
    if "各" not in folded:  # (what ``_EACH_LEVEL`` starts with: no piece joins the one before)
        pieces = [piece for piece in map(squeeze, split_top(folded, separators)) if piece]
    else:
        for piece in split_top(folded, separators):
            piece = squeeze(piece)
            if not piece:
                continue
            if (
                pieces
                and pieces[-1].startswith("各")
                and _EACH_LEVEL.match(pieces[-1])
                and _LEVEL_TAIL.match(_ETC.sub("", piece))
            ):
                pieces[-1] = pieces[-1] + "、" + piece
                continue
            pieces.append(piece)
    if "和" not in folded and "等" not in folded:  # (no piece to split at 和, no 等 group)
        return tuple(name for name in dict.fromkeys(map(clean_name, pieces)) if name)
    names: list[str] = []
    for piece in pieces:
        for part in _split_and(piece) if "和" in piece else (piece,):
            match = _ETC_GROUP.match(part) if "等" in part else None
            if match:
                names += (clean_name(match["head"]), clean_name(match["group"]))
            else:
                names.append(clean_name(part))
    return tuple(name for name in dict.fromkeys(names) if name)


def _split_and(piece: str) -> list[str]:
    """``县供销社和各乡镇(街道)`` is two units; ``省工业和信息化厅`` stays one name.

    A piece splits at 和 only where every part is a unit name of its own (not a bare level
    such as ``街道``, nor a two-character word such as ``单位``).
    """
    if "和" not in piece:
        return [piece]
    parts = [part.strip() for part in split_top(piece, "和")]
    if len(parts) < 2 or any(
        len(part) < 3 or _LEVEL_TAIL.match(part) or not looks_like_unit(clean_name(part)) for part in parts
    ):
        return [piece]
    return parts


@lru_cache(maxsize=4096)
def looks_like_unit(name: str) -> bool:
    """Whether ``name`` has the shape of an organisation or a group of them."""
    if not name or len(name) > 40 or _NOT_NAME.search(name):
        return False
    bare = _BRACKETED.sub("", name)
    return bool(_ORG_SUFFIX.search(bare) or _GROUP.match(bare) or _ORG_SUFFIX.search(name))


def alias_map(names: list[str]) -> dict[str, str]:
    """Map variant spellings to one canonical name for the units of one document.

    ``区住建(交通)局`` and ``区住建局(交通局)`` are one unit: moving the parenthesised part
    behind the common tail turns the first into the second. The spelling with the
    parenthesis at the end wins.
    """
    known = set(names)
    mapping: dict[str, str] = {}
    for name in known:
        match = _PAREN_PART.match(name)
        if not match:
            continue
        head, inner, tail = match["head"], match["inner"], match["tail"]
        moved = f"{head}{tail}({inner}{tail})"
        if moved in known:
            mapping[name] = moved
    return mapping


def dedupe(names: list[str]) -> list[str]:
    """Names in order without repeats."""
    return [name for name in dict.fromkeys(names) if name]
