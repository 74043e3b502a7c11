"""How plans are written: sections, goals, measures, targets and the wheel from blocks.

The result is plain data (dicts and lists, JSON as it stands), so it can be
shown for review, corrected by a person and stored before anything is written.
Names of bodies and organisations stay as written here; review.py resolves them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from goals.due import DueParseError, parse_due
from goals.recurrence import find_recurrence

from .blocks import Block
from .text import LETTERED, join_cell
from .wheel import YEAR, is_wheel, read_wheel

PLAN_WORDS = re.compile(
    r"(handlingsplan|handlingsprogram|arbeidsplan|arbeidsprogram|verksamhetsplan|"
    r"organisasjonsplan|organisationsplan|strategi|action plan)",
    re.IGNORECASE,
)
KIND_BY_WORD = {"arbeidsplan": "arbeidsplan", "verksamhetsplan": "verksamhetsplan"}
NUMBERED = re.compile(r"^\s*(?P<code>\d{1,2}(?:\.\d{1,2})*)[.)]?\s+(?P<text>\S.*)$")
GOAL_WORD = re.compile(
    r"^\s*(?P<code>(?P<word>overordnet mål|overordna mål|övergripande mål|hovedmål|huvudmål|"
    r"delmål|mål|målsetting|målsättning)(?:\s*(?P<number>\d{1,2}(?:\.\d{1,2})*|[A-ZÆØÅ]))?)"
    r"\s*[.:)–-]?\s*"
    r"(?P<text>.*)$",
    re.IGNORECASE,
)
LEAD_IN = re.compile(
    r"(for å (komme|nå)|för att (nå|komma)|\bskal\b[^:]{0,40}:$|\bska\b[^:]{0,40}:$|"
    r"\bved å:$|\bgenom att:$|^(tiltak|åtgärder|aktiviteter|aktivitetar|measures)\s*:?$)",
    re.IGNORECASE,
)
MEASURE_COLUMN = re.compile(
    r"^(tiltak|tiltaket|åtgärd|åtgärder|aktivitet|aktiviteter|hva|vad|measure)", re.I
)
RESPONSIBLE_COLUMN = re.compile(r"^(ansvarl|ansvarig|ansvar|hvem|vem|responsible)", re.I)
DUE_COLUMN = re.compile(r"^(frist|tid|når|när|tidsplan|tidsfrist|dato|datum|when|due)", re.I)
# "(ansvarlig: Faglig utvalg)" anywhere in the text.
RESPONSIBLE_BRACKETS = re.compile(
    r"\s*[(\[]\s*(?:ansvarlig|ansvarleg|ansvarig|ansvar)\s*:\s*(?P<who>[^)\]]+)[)\]]",
    re.IGNORECASE,
)
RESPONSIBLE_SUFFIX = re.compile(
    r"\s*[(\[]?\s*(?:ansvarlig|ansvarleg|ansvarig|ansvar)\s*:\s*(?P<who>[^)\]]+)[)\]]?\.?\s*$",
    re.IGNORECASE,
)
COOPERATION = re.compile(
    r"\s+(?:i samarbeid med|i samarbeide med|i samarbete med|sammen med|tillsammans med|"
    r"in cooperation with)\s+",
    re.IGNORECASE,
)
NAME_SPLIT = re.compile(r"\s*(?:,|;|/|&|\bog\b|\boch\b|\band\b|\bsamt\b)\s*", re.IGNORECASE)
# The organisations below, as plans name them: the measure is theirs to carry out.
BRANCH_WORDS = re.compile(
    r"^(?:alle\s+|hvert\s+|varje\s+|samtlige\s+)?(?:lokal|kommune|bydels|distrikts|fylkes|krets)?"
    r"(?:lag|laga|lagene|lagsstyrer|lagsstyrene|lokallag|lokallaga|lokallagene|partiene|"
    r"partia|partiforeninger|partiföreningar|partiföreningarna|föreningar|föreningarna|"
    r"avdelningar|avdelningarna|lokalavdelningar|lokalavdelningarna|distriktene|"
    r"distriktslagene|fylkeslagene|kommunepartiene|lokallagsstyrer)\b",
    re.IGNORECASE,
)
BODY_SUBJECT = re.compile(
    r"^(?P<name>(?:[a-zæøåäö-]*(?:styret|styrelsen|utvalget|utvalet|utskottet|komiteen|"
    r"komitéen|kommittén|nettverket|nätverket|rådet|gruppa|gruppen|leder|lederen|leiar|"
    r"leiaren|sekretær|sekretæren|sekreterare|sekreteraren|kasserer|kassereren|kasserar|"
    r"kassör|kassören|ordförande|ordföranden|årsmøtet|årsmötet|valgkomiteen|valnemnda|"
    r"valberedningen))|au)\b",
    re.IGNORECASE,
)
# "Skoleringsutvalget skal:" names who carries out the list after it.
LEAD_IN_BODY = re.compile(r"^(?P<who>.+?)\s+(?:skal|skall|ska)(?:\s+\w+){0,2}\s*:$", re.I)
COMMITMENT = re.compile(r"\b(skal|skall|ska|må|bør|vil|skulle)\b", re.IGNORECASE)
MEMBERS_TARGET = re.compile(
    r"(?P<n>\d{1,3}(?:[ .\u00a0\u202f]\d{3})+|\d+)\s+(?:nye\s+|nya\s+)?"
    r"(?P<unit>medlemmer|medlemer|medlemmar|members)(?:\s+(?:i|innen|innan|til|till|by)?\s*(?P<year>20\d{2}))?",
    re.IGNORECASE,
)
MEMBERS_VERB = re.compile(
    r"(vokse|vekse|øke|auke|växa|öka|grow|komme opp|nå|når|bli|blir|ha|minst|over|til|till)"
    r"\s+(?:til\s+|till\s+)?$",
    re.IGNORECASE,
)
PERCENT_TARGET = re.compile(
    r"(?P<n>\d{1,3}(?:[.,]\d+)?)\s*(?:%|prosent|procent|per cent)\s+"
    r"(?P<what>[a-zæøåäö][a-zæøåäö\- ]{2,40}?)(?=[.,;:]|\s+(?:i|blant|bland|på|av|ved)\s|$)",
    re.IGNORECASE,
)
# Candidate due phrases inside a measure's text, tried longest first.
DUE_IN_TEXT = re.compile(
    r"(?:(?:innen|innan|før|för|före|senest|seinast|senast|inför|i løpet av|under|til|"
    r"tidlig|tidleg|i|på)\s+)?"
    r"(?:\d{1,2}\.\s?\d{1,2}\.\s?20\d{2}|\d{1,2}\.\s?[a-zæøåäö]+\s+20\d{2}|"
    r"(?:[a-zæøåäö]+/)?[a-zæøåäö]+\s+(?:20)?\d{2}(?!\d)|20\d{2})"
    # Without a year, only after a word that says when: the plan's period gives the year.
    r"|(?:innen|innan|før|för|före|senest|seinast|senast|i løpet av|under|i)\s+"
    r"(?:\d{1,2}\.\s?)?(?:januar|januari|februar|februari|mars|april|mai|maj|juni|juli|"
    r"august|augusti|september|oktober|november|desember|december|våren|høsten|hausten|"
    r"hösten|sommeren|sommaren|vinteren|vintern)\b",
    re.IGNORECASE,
)


def _clean_title(text: str) -> str:
    return text.strip().rstrip(":").rstrip(".").strip()


def _parse_due(text: str, period: tuple[int, int]):
    return _read_due(text, period)[0]


def _read_due(text: str, period: tuple[int, int]):
    """(window, None), or (None, why not): "which year?" when the plan spans several."""
    try:
        return parse_due(text, period=period), None
    except DueParseError as error:
        return None, error


class Reader:
    """Walks the blocks once, keeping the section and goal it is in."""

    def __init__(self, blocks: list[Block], *, filename: str = "", today: date | None = None):
        self.blocks = blocks
        self.filename = filename
        self.today = today or date.today()
        self.warnings: list[str] = []
        self.plan: dict = {
            "title": "",
            "kind": "handlingsplan",
            "first_year": self.today.year,
            "last_year": self.today.year,
            "preamble": "",
            "sections": [],
            "wheel": [],
        }
        self.section: dict | None = None
        self.goal: dict | None = None
        self.list_body = ""  # the body a lead-in named for the list after it

    # -- modes ---------------------------------------------------------------

    def _modes(self) -> None:
        headings = [b for b in self.blocks if b.kind == "heading"]
        lettered = [b for b in headings if (m := LETTERED.match(b.text)) and m["code"].isalpha()]
        worded = [b for b in headings if GOAL_WORD.match(b.text)]
        numbered = [b for b in headings if NUMBERED.match(b.text) and not LETTERED_ALPHA(b.text)]
        bold = [b for b in headings if b.marker == "**"]
        italic = [b for b in headings if b.marker == "*"]
        levels = sorted({b.level for b in headings if b.level})
        self.numbered_sections = len(numbered) >= 2 and bool(lettered or worded)
        self.numbered_goals = len(numbered) >= 2 and not (lettered or worded)
        self.emphasis_goals = bool(bold and italic)
        # With real heading levels (DOCX, Markdown), the deepest of two or more is for goals.
        self.goal_level = levels[-1] if len(levels) >= 2 and not (lettered or worded) else None
        self.section_levels = set(levels[:-1]) if self.goal_level else set(levels)
        self.has_items = any(b.kind == "item" for b in self.blocks) or any(
            b.kind == "table" and self._measure_columns(b.rows[0]) for b in self.blocks if b.rows
        )

    # -- the walk ------------------------------------------------------------

    def read(self) -> dict:
        if not self.blocks:
            self.warnings.append(_("The document has no text."))
            return self._finish()
        self._modes()
        self._title()
        blocks = self.blocks
        for position, block in enumerate(blocks):
            following = blocks[position + 1] if position + 1 < len(blocks) else None
            if block.kind == "table":
                self._table(block)
            elif block.kind == "item":
                self._item(block)
            elif self._is_lead_in(block, following):
                self._lead_in(block)
            elif block.kind == "heading" and (goal := self._goal_heading(block)):
                self._start_goal(*goal, block)
            elif block.kind == "heading" and self._is_section_heading(block):
                self._start_section(_clean_title(self._strip_number(block.text)), block)
            else:
                self._paragraph(block)
        return self._finish()

    def _title(self) -> None:
        first = self.blocks[0]
        title = ""
        if (
            first.kind == "heading"
            and not LETTERED.match(first.text)
            and (PLAN_WORDS.search(first.text) or len(self.blocks) > 1)
        ):
            title = _clean_title(first.text)
            self.blocks = self.blocks[1:]
        stem = re.sub(r"[_\-]+", " ", self.filename.rsplit(".", 1)[0]).strip()
        if not PLAN_WORDS.search(title) and PLAN_WORDS.search(stem):
            if title and title not in stem:
                self.plan["preamble"] = f"**{title}**"
            stem = stem[PLAN_WORDS.search(stem).start() :]
            stem = re.sub(r"(20\d{2})\s+(20\d{2})", "\\1–\\2", stem)
            title = stem[:1].upper() + stem[1:]
        self.plan["title"] = title[:200] or _("Imported plan")
        if match := PLAN_WORDS.search(title):
            self.plan["kind"] = KIND_BY_WORD.get(match[1].lower(), "handlingsplan")
        years = sorted({int(y) for y in YEAR.findall(title)})
        if years:
            self.plan["first_year"], self.plan["last_year"] = years[0], years[-1]
        else:
            self.warnings.append(
                _("The title names no years: the plan's period is set to %(year)s. Check it.")
                % {"year": self.today.year}
            )

    @property
    def period(self) -> tuple[int, int]:
        return self.plan["first_year"], self.plan["last_year"]

    def _strip_number(self, text: str) -> str:
        if match := NUMBERED.match(text):
            return match["text"]
        return text

    def _is_section_heading(self, block: Block) -> bool:
        if self.numbered_sections:
            return bool(NUMBERED.match(block.text)) and not LETTERED_ALPHA(block.text)
        if self.emphasis_goals:
            return block.marker == "**"
        if block.level and self.section_levels:
            return block.level in self.section_levels
        return True

    def _goal_heading(self, block: Block) -> tuple[str, str, bool] | None:
        """(code, title, is a sub-goal) when the heading opens a goal."""
        text = block.text
        if match := GOAL_WORD.match(text):
            word = match["word"].lower()
            code = match["code"].strip()
            title = _clean_title(match["text"]) or code
            return code, title, word == "delmål" and self.goal is not None
        if (match := LETTERED.match(text)) and match["code"].isalpha():
            return match["code"], _clean_title(match["text"]), False
        if match := re.match(r"^\s*(?P<code>[A-ZÆØÅ]\.\d{1,2})[.)]?\s+(?P<text>\S.*)$", text):
            return match["code"], _clean_title(match["text"]), self.goal is not None
        if self.numbered_goals and (match := NUMBERED.match(text)):
            sub = "." in match["code"] and self.goal is not None
            return match["code"], _clean_title(match["text"]), sub
        if self.emphasis_goals and block.marker == "*":
            return "", _clean_title(text), False
        if self.goal_level and block.level == self.goal_level:
            return "", _clean_title(text), False
        return None

    def _is_lead_in(self, block: Block, following: Block | None) -> bool:
        if block.kind not in ("heading", "paragraph") or not block.text.endswith(":"):
            return False
        if not LEAD_IN.search(block.text):
            return False
        return following is not None and following.kind in ("item", "table")

    # -- building ------------------------------------------------------------

    def _start_section(self, title: str, block: Block) -> dict:
        self.list_body = ""
        self.section = {"title": title[:200], "intro": "", "source": block.source, "goals": []}
        self.plan["sections"].append(self.section)
        self.goal = None
        return self.section

    def _ensure_section(self) -> dict:
        return self.section or self._start_section(self.plan["title"], Block("heading"))

    def _new_goal(self, code: str, title: str, source: str, *, implicit: bool = False) -> dict:
        return {
            "code": code[:20],
            "title": title[:500],
            "description": "",
            "lead_in": "",
            "source": source,
            "measures": [],
            "targets": [],
            "subgoals": [],
            "implicit": implicit,
        }

    def _start_goal(self, code: str, title: str, subgoal: bool, block: Block) -> None:
        self.list_body = ""
        goal = self._new_goal(code, title, block.source)
        self._targets(goal, title)
        if subgoal and self.goal is not None:
            parent = self.goal.get("_parent") or self.goal
            goal["_parent"] = parent
            parent["subgoals"].append(goal)
        else:
            self._ensure_section()["goals"].append(goal)
        self.goal = goal

    def _implicit_goal(self, title: str, source: str) -> dict:
        section = self._ensure_section()
        goal = self._new_goal("", title or section["title"], source, implicit=True)
        section["goals"].append(goal)
        self.goal = goal
        return goal

    def _lead_in(self, block: Block) -> None:
        goal = self.goal
        who = LEAD_IN_BODY.match(block.text)
        short = who is not None and len(who["who"].split()) <= 3
        body = BODY_SUBJECT.match(who["who"]) if short else None
        # "Skoleringsutvalget skal:" names who carries out the list that follows.
        self.list_body = body["name"] if body and body.end() == len(who["who"]) else ""
        if goal is not None and short and goal["measures"]:
            return  # "Fylkeslaget skal:" / "Styret skal:": more measures of the same goal
        if goal is None or goal["measures"] or goal["lead_in"]:
            # "Rødt Akershus skal følge opp våre folkevalgte ved å:" opens its own part.
            title = _clean_title(re.sub(r"\s+(ved å|genom att)\s*:?$", "", block.text))
            if block.kind == "heading" and not self.numbered_sections and not self.emphasis_goals:
                self._start_section(title, block)
            goal = self._implicit_goal(title, block.source)
        goal["lead_in"] = block.text[:300]

    def _item(self, block: Block) -> None:
        goal = self.goal
        if goal is None:
            heading = self.section["title"] if self.section else ""
            goal = self._implicit_goal(heading, block.source)
        measure = self._measure(block.text, block.source)
        if self.list_body and not measure["responsible"] and not measure["delegate"]:
            measure["responsible"] = [self.list_body]
        goal["measures"].append(measure)

    def _paragraph(self, block: Block) -> None:
        text = block.text
        if block.kind == "heading" and block.marker:
            text = f"{block.marker}{text}{block.marker}"
        if self.goal is not None:
            self._targets(self.goal, block.text)
            self.goal["description"] = _append(self.goal["description"], text)
            self.goal.setdefault("paragraphs", []).append((block.text, block.source))
        elif self.section is not None:
            self.section["intro"] = _append(self.section["intro"], text)
            self.section.setdefault("paragraphs", []).append((block.text, block.source))
        else:
            self.plan["preamble"] = _append(self.plan["preamble"], text)

    # -- tables --------------------------------------------------------------

    def _measure_columns(self, header: list[str]) -> dict[str, int] | None:
        columns: dict[str, int] = {}
        for index, cell in enumerate(header):
            cell = cell.strip()
            if MEASURE_COLUMN.match(cell) and "text" not in columns:
                columns["text"] = index
            elif RESPONSIBLE_COLUMN.match(cell) and "responsible" not in columns:
                columns["responsible"] = index
            elif DUE_COLUMN.match(cell) and "due" not in columns and index:
                columns["due"] = index
        if "text" in columns and len(columns) >= 2:
            return columns
        return None

    def _table(self, block: Block) -> None:
        rows = [row for row in block.rows if any(cell.strip() for cell in row)]
        if len(rows) < 2:
            return
        header = rows[0]
        if columns := self._measure_columns(header):
            self._measure_table(rows, columns, block.source)
        elif is_wheel(header):
            entries, warnings = read_wheel(rows)
            self.plan["wheel"].extend(entries)
            self.warnings.extend(warnings)
        else:
            table = _markdown_table(rows)
            if self.goal is not None:
                self.goal["description"] = _append(self.goal["description"], table)
            else:
                self._ensure_section()["intro"] = _append(self._ensure_section()["intro"], table)

    def _measure_table(self, rows: list[list[str]], columns: dict[str, int], source: str) -> None:
        merged: list[list[str]] = []
        for row in rows[1:]:
            if row == rows[0]:
                continue  # the header again, on the next page
            cells = [*row, *[""] * (len(rows[0]) - len(row))]
            if (
                merged
                and not cells[columns["text"]].strip()
                or (merged and _continues_row(merged[-1][columns["text"]], cells[columns["text"]]))
            ):
                merged[-1] = [
                    join_cell(old, new) for old, new in zip(merged[-1], cells, strict=False)
                ]
            else:
                merged.append(cells)
        goal = self.goal or self._implicit_goal(self._ensure_section()["title"], source)
        for cells in merged:
            text = cells[columns["text"]].strip()
            if not text:
                continue
            who = cells[columns["responsible"]] if "responsible" in columns else ""
            due = cells[columns["due"]] if "due" in columns else ""
            goal["measures"].append(self._measure(text, "\t".join(cells), responsible=who, due=due))

    # -- a measure -----------------------------------------------------------

    def _measure(self, text: str, source: str, *, responsible: str = "", due: str = "") -> dict:
        warnings: list[str] = []
        if not responsible and (match := RESPONSIBLE_BRACKETS.search(text)):
            responsible = match["who"]
            text = (text[: match.start()] + text[match.end() :]).strip()
        elif not responsible and (match := RESPONSIBLE_SUFFIX.search(text)):
            responsible = match["who"]
            text = text[: match.start()].rstrip()
        names, cooperating = split_responsible(responsible)
        delegate: list[str] = [name for name in names if BRANCH_WORDS.match(name)]
        names = [name for name in names if name not in delegate]
        if not names and not delegate:
            subject = re.sub(r"^(?:vi|det|partiet|skal)\s+", "", text.strip(), flags=re.I)
            if BRANCH_WORDS.match(subject):
                delegate = [BRANCH_WORDS.match(subject)[0]]
            elif match := BODY_SUBJECT.match(subject):
                names = [match["name"]]
        measure = {
            "text": text.strip()[:2000],
            "source": source,
            "responsible": names,
            "cooperating": cooperating,
            "delegate": delegate,
            "due": None,
            "recurrence": None,
            "warnings": warnings,
        }
        due = due.strip()
        if due:
            window, error = _read_due(due, self.period)
            repeats = find_recurrence(due) if window is None else None
            if repeats is not None:  # "ukentlig" in the Frist column
                measure["recurrence"] = {
                    "text": repeats.text,
                    "rule": repeats.rule,
                    "minimum": repeats.minimum,
                }
            elif window is None and getattr(error, "needs_period", False):
                warnings.append(str(error))
                measure["due"] = {"text": due[:100], "understood": False}
            elif window is None:
                warnings.append(
                    _('Could not read "%(text)s" as a date; it is kept as written.') % {"text": due}
                )
                measure["due"] = {"text": due[:100], "understood": False}
            else:
                measure["due"] = _due_dict(window)
        else:
            measure["due"] = self._due_in_text(text)
        recurrence = find_recurrence(text)
        if recurrence is not None and measure["recurrence"] is None:
            measure["recurrence"] = {
                "text": recurrence.text,
                "rule": recurrence.rule,
                "minimum": recurrence.minimum,
            }
        if self.goal is not None:
            self._targets(self.goal, text)
        return measure

    def _due_in_text(self, text: str) -> dict | None:
        for match in DUE_IN_TEXT.finditer(text):
            phrase = match[0].strip()
            window = _parse_due(phrase, self.period)
            if window is not None:
                return _due_dict(window)
        return None

    def _targets(self, goal: dict, text: str) -> None:
        for match in MEMBERS_TARGET.finditer(text):
            before = text[max(0, match.start() - 25) : match.start()]
            if not MEMBERS_VERB.search(before) and not match["year"]:
                continue
            value = _number(match["n"])
            year = int(match["year"]) if match["year"] else self.plan["last_year"]
            _add_target(
                goal,
                match,
                value,
                "members",
                match["unit"].lower(),
                year,
                match["unit"].capitalize(),
            )
        for match in PERCENT_TARGET.finditer(text):
            before = text[max(0, match.start() - 20) : match.start()].lower()
            if not re.search(r"(minst|over|til|till|opp mot|at least)\s*$", before):
                continue
            what = match["what"].strip()
            name = _("Share of %(what)s") % {"what": what}
            _add_target(
                goal, match, _number(match["n"]), "percent", "%", self.plan["last_year"], name
            )

    # -- the end -------------------------------------------------------------

    def _finish(self) -> dict:
        plan = self.plan
        for section in plan["sections"]:
            explicit = [g for g in section["goals"] if not g["implicit"]]
            if explicit:
                # Bullets before a section's first goal are its introduction ("Strategien
                # har åtte politiske mål: • …"), not measures.
                for goal in [g for g in section["goals"] if g["implicit"]]:
                    items = "\n".join(f"- {m['text']}" for m in goal["measures"])
                    intro = _append(goal["lead_in"], items)
                    section["intro"] = _append(section["intro"], intro)
                    section["goals"].remove(goal)
        if not self.has_items:
            self._measures_from_prose()
        plan["sections"] = [s for s in plan["sections"] if s["intro"] or s["goals"]]
        for section in plan["sections"]:
            section.pop("paragraphs", None)
            for goal in _all_goals(section["goals"]):
                goal.pop("paragraphs", None)
                goal.pop("_parent", None)
        goals = [g for s in plan["sections"] for g in _all_goals(s["goals"])]
        if not goals:
            self.warnings.append(
                _(
                    "No goals or measures were recognised. Goals are read from headings such as "
                    '"A. …", "Mål 1", "Delmål 2", measures from lists after a lead-in such as '
                    '"For å komme nærmere målet skal:" or from a Tiltak/Ansvarlig table.'
                )
            )
        plan["warnings"] = self.warnings
        return plan

    def _measures_from_prose(self) -> None:
        """A plan written as prose: its goals' paragraphs, and sentences of will, are measures."""
        touched = False
        for section in self.plan["sections"]:
            for goal in _all_goals(section["goals"]):
                paragraphs = goal.get("paragraphs", [])
                if not goal["measures"] and paragraphs:
                    goal["measures"] = [self._measure(t, s) for t, s in paragraphs]
                    goal["description"] = ""
                    touched = True
            paragraphs = section.get("paragraphs", [])
            if not section["goals"] and len(paragraphs) > 1:
                willing = [(t, s) for t, s in paragraphs[1:] if COMMITMENT.search(t)]
                if willing:
                    goal = self._new_goal("", section["title"], section["source"], implicit=True)
                    self.goal = goal
                    goal["measures"] = [self._measure(t, s) for t, s in willing]
                    section["goals"].append(goal)
                    touched = True
        if touched:
            self.warnings.append(
                _(
                    "The document has no lists: measures were read from its paragraphs. "
                    "Check them and drop what is only prose."
                )
            )


def LETTERED_ALPHA(text: str) -> bool:  # noqa: N802 - reads as a predicate on the pattern
    match = LETTERED.match(text)
    return bool(match and match["code"].isalpha())


def _all_goals(goals: list[dict]):
    for goal in goals:
        yield goal
        yield from _all_goals(goal["subgoals"])


def _append(existing: str, text: str) -> str:
    if not text:
        return existing
    return f"{existing}\n\n{text}" if existing else text


def _markdown_table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.replace("|", "/").replace("\n", " ") for cell in row]
        cells += [""] * (width - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)


def _continues_row(previous: str, current: str) -> bool:
    """A cell that starts in lower case after one that did not end a sentence."""
    previous = previous.rstrip()
    return bool(current) and current[:1].islower() and not previous.endswith((".", "!", "?"))


def _number(raw: str) -> Decimal:
    try:
        return Decimal(re.sub(r"[ .\u00a0\u202f]", "", raw).replace(",", "."))
    except InvalidOperation:
        return Decimal(0)


def _add_target(goal, match, value, kind, unit, year, name) -> None:
    if any(t["kind"] == kind and Decimal(t["target_value"]) == value for t in goal["targets"]):
        return
    goal["targets"].append(
        {
            "name": name[:300],
            "kind": kind,
            "unit": unit[:50],
            "target_value": str(value),
            "target_date": f"{year}-12-31",
            "source": match[0],
        }
    )


def _due_dict(window) -> dict:
    return {
        "text": window.text,
        "understood": True,
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "precision": window.precision,
    }


def split_responsible(text: str) -> tuple[list[str], list[str]]:
    """ "Styret og AU i samarbeid med Skoleringsutvalget" -> (["Styret", "AU"], [...])."""
    text = (text or "").strip().rstrip(".")
    if not text:
        return [], []
    parts = COOPERATION.split(text, maxsplit=1)
    names = [n.strip() for n in NAME_SPLIT.split(parts[0]) if n.strip()]
    cooperating = (
        [n.strip() for n in NAME_SPLIT.split(parts[1]) if n.strip()] if len(parts) > 1 else []
    )
    return names, cooperating


def read_plan(blocks: list[Block], *, filename: str = "", today: date | None = None) -> dict:
    """The plan as read from a document's blocks, with warnings; nothing is written."""
    return Reader(blocks, filename=filename, today=today).read()
