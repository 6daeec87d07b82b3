"""Lines of a plan document to the ``luoshi.plan/1`` dict.

The work is done in stages, each in its own module:

- ``metadata``: title, issuer, document number, date, and where the plan text starts;
- ``structure``: parts (正文, 附件N) and numbered sections;
- ``clauses``: responsibility clauses → tasks (leads, cooperators, leaders, deadline);
- ``targets``: quantitative targets in each section's own text;
- ``taskforces``: 工作专班 / 领导小组 / 联席会议 paragraphs.

Whatever cannot be placed becomes a warning ``{"line": N, "message": "…"}`` (line 0 is the
document as a whole); nothing here raises on odd input.
"""

import re
from dataclasses import dataclass, field

from .clauses import (
    LABEL,
    Clause,
    Found,
    apply_first_lead,
    declares_first_lead,
    find_clauses,
    parse_folded_clause,
)
from .deadlines import find_deadline
from .metadata import read_metadata
from .schema import ParseWarning, PlacedTarget, Plan, SectionItem, Task, TaskForce
from .structure import Paragraph, Section, build_layout
from .targets import find_targets
from .taskforces import find_task_forces
from .textutil import clean_line, fold, fold_lines
from .units import alias_map, dedupe

SCHEMA = "luoshi.plan/1"
_TITLE_MAX = 24
_BARE_HEADING_MAX = 30
_LABEL_LINE = re.compile(r"^\[?" + LABEL.pattern.removeprefix(r"\[?"))
_ROLE_WORD = re.compile(r"牵头|负责")
_SQUARE_OR_ROUND = re.compile(r"[()\[\]（）［］【】〔〕]")
_HEADING_PUNCTUATION = re.compile(r"[,;:。]")


@dataclass(slots=True)
class _SectionReading:
    """What the parser reads from one section before it becomes JSON."""

    section: Section
    title: str | None = None
    text: str = ""
    clauses: list[tuple[int, Clause]] = field(default_factory=list)
    target_text: str = ""
    deadline_texts: list[tuple[str, bool]] = field(default_factory=list)


def _strip_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the given spans (each replaced by a 。 so sentences stay apart)."""
    if not spans:
        return text
    out, last = [], 0
    for start, end in sorted(spans):
        out.append(text[last:start])
        out.append("。")
        last = end
    out.append(text[last:])
    return "".join(out)


def _split_title(
    rest: str, has_children: bool, clause_spans: list[tuple[int, int]], folded: str | None = None
) -> tuple[str | None, str]:
    """Title and own text of an item line (``1.推动增收减负。线下……`` → title, text);
    ``folded``: ``fold(rest)`` when the caller has it."""
    stop = rest.find("。")
    if stop >= 0:
        head, tail = rest[:stop], rest[stop + 1 :]
        tail_spans = [(s - stop - 1, e - stop - 1) for s, e in clause_spans if s > stop]
        real_tail = _strip_spans(tail, tail_spans).strip("。 ")
        if (real_tail and len(head) <= _TITLE_MAX) or (has_children and not tail.strip()):
            return head.strip(), tail.strip()
        return None, rest
    if folded is None:
        folded = fold(rest)
    if len(rest) <= _BARE_HEADING_MAX and not _HEADING_PUNCTUATION.search(folded) and not clause_spans:
        return rest.strip(), ""
    return None, rest


def _read_section(section: Section, first_line_clauses: list[Found]) -> _SectionReading:
    """Title and text of a section (clauses on the item line do not make a title)."""
    reading = _SectionReading(section)
    item_spans = [(found.start, found.end) for found in first_line_clauses] if first_line_clauses else []
    reading.title, own = _split_title(section.rest, section.children > 0, item_spans, section.folded_rest)
    texts = [paragraph.text for paragraph in section.paragraphs] if section.paragraphs else []
    if own and texts:
        reading.text = "\n".join([own, *texts])
    else:
        reading.text = own or "\n".join(texts)
    return reading


def _join_wrapped(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Join a paragraph whose bracket is still open with the next one (a clause wrapped by line)."""
    joined: list[Paragraph] = []
    for paragraph in paragraphs:
        previous = joined[-1] if joined else None
        if (
            previous
            and _continues(previous.text, _folded(previous))
            and not _LABEL_LINE.match(_folded(paragraph))
        ):
            joined[-1] = Paragraph(
                previous.line,
                previous.text + paragraph.text,
                previous.part,
                previous.section,
                folded=_folded(previous) + _folded(paragraph),  # (folding goes character by character)
            )
        else:
            joined.append(paragraph)
    return joined


def _folded(paragraph: Paragraph) -> str:
    return fold(paragraph.text) if paragraph.folded is None else paragraph.folded


def _continues(text: str, folded: str) -> bool:
    """Whether a paragraph runs on into the next line: a bracket left open, or a labelled
    list of units that ends on a separator (``责任单位：市邮政分公司、市商务局、``);
    ``folded``: ``fold(text)``."""
    if _open_at_end(text):
        return True
    folded = folded.rstrip()
    return folded.endswith("、") or (folded.endswith(",") and bool(_LABEL_LINE.match(folded)))


def _open_at_end(text: str) -> bool:
    depth = 0
    for found in _SQUARE_OR_ROUND.finditer(text):
        if found.group() in "([（［【〔":
            depth += 1
        elif depth:
            depth -= 1
    return depth > 0


class _Parser:
    """One parse: holds the warnings and the first-lead declaration state."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.warnings: list[ParseWarning] = []
        texts = [clean_line(line) for line in lines]
        self.meta, body_start = read_metadata(texts, cleaned=True)
        self.layout = build_layout(
            texts, body_start, self.meta.title or "", cleaned=True, folded=fold_lines(texts)
        )
        self.declared_at = self._find_declaration()

    def warn(self, line: int, message: str) -> None:
        self.warnings.append({"line": line, "message": message})

    def _find_declaration(self) -> int | None:
        for paragraph in self.layout.paragraphs:
            text = paragraph.text
            # (``第一``/``首`` are needed, and folding leaves them as they are)
            if ("第一" in text or "首" in text) and declares_first_lead(_folded(paragraph)):
                return paragraph.line
        return None

    def _clauses_of(
        self, section: Section
    ) -> tuple[list[Found], list[tuple[int, Clause]], str, str, list[tuple[str, bool]]]:
        """Clauses of a section, the text left for targets (as written and folded), and
        deadline texts (folded)."""
        clauses: list[tuple[int, Clause]] = []
        target_parts: list[str] = []
        folded_parts: list[str] = []
        deadline_texts: list[tuple[str, bool]] = []
        labelled: list[Paragraph] = []
        first_found: list[Found] = []
        head = Paragraph(section.line, section.rest, section.part, section.id, folded=section.folded_rest)
        units = _join_wrapped([head, *section.paragraphs]) if section.paragraphs else [head]
        for index, paragraph in enumerate(units):
            if index > 0 and _LABEL_LINE.match(_folded(paragraph)):
                labelled.append(paragraph)
                continue
            folded = _folded(paragraph)
            found, cut = find_clauses(paragraph.text, folded)
            if index == 0:
                first_found = found
            if cut:
                self.warn(paragraph.line, "责任分工在此处中断（括号未闭合或条款不完整），未生成任务")
            for item in found:
                clauses.append((paragraph.line, item.clause))
                if item.clause.deadline_text:
                    deadline_texts.insert(0, (item.clause.deadline_text, True))
                deadline_texts.append((folded[item.start : item.end], False))
            if not paragraph.in_table:
                spans = [(f.start, f.end) for f in found] if found else []
                target_parts.append(_strip_spans(paragraph.text, spans))
                folded_parts.append(_strip_spans(folded, spans))
            deadline_texts.append((folded, False))
        if labelled:
            self._read_labelled(labelled, clauses, deadline_texts)
        return first_found, clauses, "\n".join(target_parts), "\n".join(folded_parts), deadline_texts

    def _read_labelled(
        self,
        labelled: list[Paragraph],
        clauses: list[tuple[int, Clause]],
        deadline_texts: list[tuple[str, bool]],
    ) -> None:
        """Own lines ``牵头单位：…`` / ``责任单位：…`` / ``完成时限：…`` after an item: one clause."""
        last = fold(labelled[-1].text).rstrip()
        if last.endswith((",", "、", ":")):
            self.warn(labelled[-1].line, "责任分工在此处中断（条款不完整），未生成任务")
            labelled = labelled[:-1]
            if not labelled or not any(_ROLE_WORD.search(p.text) for p in labelled):
                return
        joined = ";".join(fold(paragraph.text).rstrip("。;") for paragraph in labelled)
        clause = parse_folded_clause(joined)
        if clause:
            clauses.append((labelled[0].line, clause))
            if clause.deadline_text:
                deadline_texts.insert(0, (clause.deadline_text, True))

    def _task(self, reading: _SectionReading) -> Task | None:
        if not reading.clauses:
            return None
        leads: list[str] = []
        cooperators: list[str] = []
        leaders: list[str] = []
        for line, clause in reading.clauses:
            if self.declared_at is not None and line >= self.declared_at:
                apply_first_lead(clause)
            leads += clause.leads
            cooperators += clause.cooperators
            leaders += clause.leaders
            for name in clause.unsure:
                self.warn(line, f"“{name}”不像单位名称，请核对")
        if len(reading.clauses) > 1:  # (one clause's lists are deduplicated and apart already)
            leads = dedupe(leads)
            cooperators = [name for name in dedupe(cooperators) if name not in leads]
        if not leads and not cooperators:
            return None
        task: Task = {
            "section": reading.section.id,
            "leads": leads,
            "cooperators": cooperators,
            "deadline": self._deadline(reading),
        }
        if leaders:
            task["leaders"] = dedupe(leaders)
        return task

    def _deadline(self, reading: _SectionReading) -> str | None:
        for text, labelled in reading.deadline_texts:
            found = find_deadline(text, self.meta.year, labelled=labelled, folded=True)
            if found or labelled:
                return found
        return None

    def run(self) -> Plan:
        sections: list[SectionItem] = []
        tasks: list[Task] = []
        targets: list[PlacedTarget] = []
        for section in self.layout.sections:
            first_found, clauses, target_text, folded_target, deadline_texts = self._clauses_of(section)
            reading = _read_section(section, first_found)
            reading.clauses, reading.deadline_texts = clauses, deadline_texts
            sections.append(
                {
                    "id": section.id,
                    "part": section.part,
                    "parent": section.parent,
                    "number": section.number,
                    "title": reading.title,
                    "text": reading.text,
                }
            )
            task = self._task(reading)
            if task:
                tasks.append(task)
            for target in find_targets(target_text, folded_target):
                targets.append(PlacedTarget(section=section.id, **target))
        forces = find_task_forces(
            [(p.part, p.text) for p in self.layout.paragraphs],
            {part["key"]: part["title"] for part in self.layout.parts},
            [_folded(p) for p in self.layout.paragraphs],
        )
        self._canonicalise(tasks, forces)
        self._document_warnings(sections, tasks)
        return {
            "schema": SCHEMA,
            "title": self.meta.title,
            "issuer": self.meta.issuer,
            "doc_number": self.meta.doc_number,
            "date": self.meta.date,
            "parts": self.layout.parts,
            "sections": sections,
            "tasks": tasks,
            "targets": targets,
            "task_forces": forces,
            "warnings": self.warnings,
        }

    def _canonicalise(self, tasks: list[Task], forces: list[TaskForce]) -> None:
        """Merge the spellings of one unit (``区住建(交通)局`` → ``区住建局(交通局)``)."""
        names = [n for t in tasks for n in t["leads"] + t["cooperators"]]
        names += [n for f in forces for n in f["members"] + ([f["office"]] if f["office"] else [])]
        mapping = alias_map(names)
        if not mapping:
            return
        for task in tasks:
            if not any(n in mapping for n in task["leads"]) and not any(
                n in mapping for n in task["cooperators"]
            ):
                continue  # (its lists are deduplicated and apart already: ``_task``)
            task["leads"] = dedupe([mapping.get(n, n) for n in task["leads"]])
            task["cooperators"] = [
                n for n in dedupe([mapping.get(n, n) for n in task["cooperators"]]) if n not in task["leads"]
            ]
        for force in forces:
            force["members"] = dedupe([mapping.get(n, n) for n in force["members"]])
            if force["office"]:
                force["office"] = mapping.get(force["office"], force["office"])

    def _document_warnings(self, sections: list[SectionItem], tasks: list[Task]) -> None:
        if not any(line.strip() for line in self.lines):
            self.warn(0, "文档没有文字内容")
            return
        if not sections:
            self.warn(0, "未识别到编号条目（一、（一）1.（1）①），文档可能不是实施方案")
        if not tasks:
            self.warn(0, "未找到责任分工（牵头单位、责任单位等），没有生成任务")
        if not self.meta.title:
            self.warn(0, "未识别到文件标题")


def parse_lines(lines: list[str]) -> Plan:
    """Parse the text lines of a plan document into a ``luoshi.plan/1`` dict with warnings."""
    return _Parser([line if isinstance(line, str) else str(line) for line in lines]).run()
