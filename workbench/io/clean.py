"""Optional clean-up of plain-text web scrapes: boilerplate out, article sentences kept.

Scraped pages carry the site's furniture as text: a date line, "No menu
items!", a breadcrumb glued into one line, the headline, image captions in the
middle of sentences ("... North Korea (Image: GETTY)"), share/follow footers and
"RELATED ARTICLES" tails. Every rule here matches a *kind* of boilerplate, and
each is written so that it cannot take an article sentence with it: a caption
that ends like a sentence is only removed when it repeats text found elsewhere
in the article (a pull quote), tails are only cut when nothing after them reads
like prose, and anything removed is listed in ``meta["cleaning"]`` next to the
untouched ``meta["original_text"]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench.core.quote_marks import CLOSING_MARKS, QUOTE_MARKS
from workbench.core.record import Record, text_sha256

MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_MONTH_NO = {m: n for n, full in enumerate(MONTHS[:12], 1) for m in MONTHS if full.startswith(m[:3])}
_DATE_WORDS = set(MONTHS) | set(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun "
    "published updated posted last first on at am pm gmt bst utc cet cest et est edt pt pst pdt st nd rd th "
    "modified date".split()
)
_WORD = re.compile(r"[^\W_]+")
_DOMAIN = re.compile(
    r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:co\.uk|org\.uk|com\.au|co\.nz|com|org|net|news|info|uk|us|ca|de|fr|ie|eu|in|au)(?![a-z0-9])"
)
# Section names that breadcrumbs are built from; stripped from a crumb to find the site's name in it.
_CRUMB_WORDS = (
    "Home Homepage News Sources Source World UK US Politics Business Sport Sports Opinion Latest Tech "
    "Technology Science Health Entertainment Lifestyle Culture Local National International Europe Asia "
    "Africa Americas "
    "Money Finance Markets Economy Travel Weather Life Style Showbiz Celebrity Royal Breaking"
).split()
# "/" and "|" also occur in URLs and credits, so they separate crumbs only with spaces around them.
_CRUMB_SEP = re.compile(r"\s+(?:>|/|\||·|•)\s+|\s*(?:›|»|→)\s*")
_NAV_LINE = re.compile(
    r"(?:no menu items!?|scroll down for (?:video|more)|share or comment on this article:?|"
    r"skip to (?:main )?content|skip navigation|(?:main |open |close )?menu|search|"
    r"sign ?in|log ?in|sign ?up|register|subscribe(?: now)?|home|share|"
    r"share (?:this|the) (?:article|story|page)|"
    r"advertisement|advert|sponsored(?: content)?|close|back to top|toggle navigation|print|email|e-mail|"
    r"copy link|link copied|loading\.*|listen to (?:this )?article|click to (?:expand|enlarge)|"
    r"image \d+ of \d+|\d+ comments?|comments?|show comments|view comments|"
    r"accept (?:all )?cookies|cookie (?:policy|settings)|we use cookies.*|all rights reserved\.?|"
    r"(?:©|\(c\)|copyright)\s.*|"
    r"(?:(?:facebook|twitter|x|whatsapp|linkedin|pinterest|reddit|email|messenger|telegram|flipboard)[\s,|·•]*)+)",
    re.IGNORECASE,
)
_TAIL_HEADING = re.compile(
    r"(?:related (?:articles?|stories|content|topics|coverage|news|posts)|related|most popular|most read|"
    r"recent comments|comments|more (?:from|on|stories|news|like this)\b.*|"
    r"you (?:may|might) also (?:like|be interested in)|"
    r"recommended(?: for you)?|trending(?: now)?|read next|top stories|latest (?:news|stories)|"
    r"popular (?:now|posts|stories)|also read|see also|don't miss|promoted (?:stories|content)|"
    r"around the web)"
    r"\s*:?",
    re.IGNORECASE,
)
_TEASER = re.compile(
    r"(?:read more|see also|also read|related|more on this|watch|listen|pictured|revealed)\s*:.*",
    re.IGNORECASE,
)
_CAPTION_LINE = re.compile(
    r"(?:(?:image|photo|picture|video)\s*(?:caption|source|credit)s?\b.*|"
    r"(?:image|images|photo|photos|picture|pictures|pic|photograph|credit)\s*:\s*.{1,80}|"
    r"getty images|afp via getty images|\((?:image|picture|photo|pic|credit)s?:[^()]{1,80}\)|"
    # A caption paragraph closed by its credit ("... on Monday. Photograph: Jane Doe/PA").
    r".{1,200}\s(?:photograph|photo|picture|image|illustration)\s*:\s*[^.!?]{1,60})",
    re.IGNORECASE,
)
_MARKER = re.compile(
    r"[(\[](?:image|images|picture|pictures|photo|photos|photograph|pic|video|credit)s?\s*:\s*[^()\[\]\n]{1,80}[)\]]",
    re.IGNORECASE,
)
# Quote marks from the one table (core.quote_marks), as regex character-class bodies: a sentence
# may end inside a quote ('said.”') and the next one start with one.
_CLOSE_Q = re.escape("".join(sorted(CLOSING_MARKS)))
_OPEN_Q = re.escape("".join(sorted(m for m, (_, role) in QUOTE_MARKS.items() if role != "close")))
_BOUNDARY = re.compile(rf"[.!?…][{_CLOSE_Q}]?\s+(?=[{_OPEN_Q}]?[A-Z0-9])")
_SENTENCE_END = re.compile(rf"[.!?…][{_CLOSE_Q}]?$")
# Marks that only open (a straight mark may as well close): where a quoted caption starts.
_OPENERS = "".join(m for m, (_, role) in QUOTE_MARKS.items() if role == "open")
_CLOSERS = CLOSING_MARKS
_SOCIAL = re.compile(
    r"(?:follow|like|join|find|subscribe|sign up|share|download|click|tap|get)\b[^.!?\n]{0,200}?"
    r"\b(?:facebook|twitter|instagram|tiktok|youtube|whatsapp|telegram|linkedin|social media|newsletter|"
    r"our app|@\w+)",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"(?:[Bb]y|[Ww]ritten by|[Ww]ords by)\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})(?:\s*[,|].{0,60})?"
)
_SPACE_BEFORE_PUNCT = re.compile(rf"(?<=[\w{_CLOSE_Q})]) +(?=[,.;:!?](?:\s|$))")
MAX_CAPTION = 250


@dataclass(slots=True)
class Cleaned:
    text: str
    found: dict[str, Any] = field(default_factory=dict)
    removed: list[dict[str, str]] = field(default_factory=list)

    def drop(self, rule: str, fragment: str) -> None:
        if fragment.strip():
            self.removed.append({"rule": rule, "text": fragment.strip()})


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _norm(text: str) -> str:
    return " ".join(_tokens(text))


def date_of(line: str) -> str | None:
    """ISO date of a line made only of date words ("30 August, Friday, 2024", "Updated 5 Sep 2023 10:35")."""
    words = _tokens(re.sub(r"\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\b", " ", line))  # times are not days
    if not words or len(words) > 12:
        return None
    if not all(w in _DATE_WORDS or w.isdigit() or re.fullmatch(r"\d+(?:st|nd|rd|th)", w) for w in words):
        return None
    iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", line)
    if iso:
        return iso.group(0)
    month = next((_MONTH_NO[w] for w in words if w in _MONTH_NO), None)
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4), None)
    days = [int(re.match(r"\d+", w).group()) for w in words if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", w)]
    days = [d for d in days if 1 <= d <= 31]
    if month and year and days:
        return f"{year:04d}-{month:02d}-{days[0]:02d}"
    return None


def _is_prose(line: str) -> bool:
    """A line that reads like article text: long, or sentences ending in punctuation."""
    s = line.strip()
    if len(s) >= 200 or len(_BOUNDARY.findall(s)) >= 1:
        return True
    return bool(_SENTENCE_END.search(s)) and len(s.split()) >= 12


def _is_title_like(line: str) -> bool:
    s = line.strip()
    n = len(s.split())
    # A line ending in a full stop (inside closing quotes too) is a sentence, and sentences stay in the text.
    ends_sentence = re.search(rf"[.:;,][{_CLOSE_Q}]*$", s)
    return 2 <= n <= 30 and len(s) <= 200 and not ends_sentence and not _BOUNDARY.search(s)


def _site_from_crumb(crumb: str) -> str | None:
    m = _DOMAIN.search(crumb)
    if m:
        start = m.start()
        # Glued crumbs ("HomeSourcesexpress.co.uk"): peel off section words before the domain.
        head = crumb[:start]
        glued = head and head[-1].isalnum()
        if glued:
            word_start = max(head.rfind(" "), head.rfind(">"), head.rfind("/")) + 1
            token = crumb[word_start : m.end()]
            changed = True
            while changed:
                changed = False
                for w in _CRUMB_WORDS:
                    if token.startswith(w) and len(token) > len(w):
                        token, changed = token[len(w) :], True
            return token if _DOMAIN.fullmatch(token) else m.group(0)
        return m.group(0)
    return None


def _is_crumb(line: str, title: str | None) -> bool:
    s = line.strip()
    if len(s) > 300:
        return False
    parts = [p for p in _CRUMB_SEP.split(s) if p]
    if len(parts) >= 3 and all(len(p.split()) <= 6 and ":" not in p for p in parts[:-1]):
        return True
    starts_home = re.match(r"(?:Home|HOME|Homepage)(?=[A-Z\s›»>/|·•])", s) is not None
    return starts_home and (
        len(parts) >= 2 or (title is not None and s.endswith(title)) or bool(_DOMAIN.search(s))
    )


def _is_boilerplate_line(s: str) -> bool:
    return bool(
        date_of(s) is not None
        or _NAV_LINE.fullmatch(s)
        or _CAPTION_LINE.fullmatch(s)
        or _TEASER.fullmatch(s)
        or _BYLINE.fullmatch(s)
        or _DOMAIN.fullmatch(s.lower())
    )


def _headline(header: list[str]) -> str | None:
    """The headline among the header lines: the one a breadcrumb ends with, else the first title-like one."""
    candidates = [
        s
        for s in (line.strip() for line in header)
        if _is_title_like(s) and not _is_boilerplate_line(s) and not _is_crumb(s, None)
    ]
    for line in header:
        for c in candidates:
            if line.strip() != c and line.strip().endswith(c):
                return c
    return candidates[0] if candidates else None


def _header(lines: list[str], out: Cleaned, known_title: str | None) -> int:
    """Move the lines above the body (date, menus, crumb, headline, byline) into metadata.

    Returns the index of the first line kept. Only lines matching one of the
    header kinds are taken; the first line that reads like prose ends the header.
    """
    end = 0
    while end < len(lines) and not _is_prose(lines[end]):
        end += 1
    title = known_title if known_title else _headline(lines[:end])
    keep_from = 0
    taken: list[int] = []
    for i in range(end):
        s = lines[i].strip()
        if not s:
            taken.append(i)
            continue
        if title is not None and _norm(s) == _norm(title):
            out.found.setdefault("title", title)
            out.drop("title", s)
        elif (d := date_of(s)) is not None:
            low = s.lower()
            key = (
                "updated"
                if "updated" in low or "modified" in low
                else "published"
                if "publish" in low
                else "page_date"
            )
            out.found.setdefault(key, d)
            out.drop("date_line", s)
        elif _NAV_LINE.fullmatch(s):
            out.drop("navigation", s)
        elif _is_crumb(s, title):
            site = _site_from_crumb(s[: -len(title)] if title and s.endswith(title) else s)
            if site:
                out.found.setdefault("source", site)
            out.drop("breadcrumb", s)
        elif (m := _BYLINE.fullmatch(s)) is not None:
            out.found.setdefault("author", m.group(1))
            out.drop("byline", s)
        elif _DOMAIN.fullmatch(s.lower()):
            out.found.setdefault("source", s.lower())
            out.drop("site_line", s)
        else:
            continue  # an unrecognised header line (a standfirst?) stays in the text
        taken.append(i)
    taken_set = set(taken)
    while keep_from < end and keep_from in taken_set:
        keep_from += 1
    # Lines taken further down (after an unrecognised one) are blanked, not shifted.
    for i in taken:
        if i >= keep_from:
            lines[i] = ""
    return keep_from


def _is_short_sentence(line: str) -> bool:
    """ "He declined to comment." Related-link headlines rarely end in a full stop; sentences do."""
    s = line.strip()
    return len(s.split()) >= 3 and bool(re.search(rf"\.[{_CLOSE_Q}]?$", s))


def _tail(lines: list[str], out: Cleaned) -> list[str]:
    """Cut "RELATED ARTICLES"/"Most Popular" tails when nothing after them reads like article prose."""
    for i, line in enumerate(lines):
        if _TAIL_HEADING.fullmatch(line.strip()):
            rest = lines[i:]
            if not any(_is_prose(r) or _is_short_sentence(r) for r in rest[1:]):
                for r in rest:
                    out.drop("related_tail", r)
                return lines[:i]
    return lines


def _captions(par: str, out: Cleaned, whole_norm: str) -> str:
    """Remove "caption text (Image: AGENCY)" runs from a paragraph."""
    pieces: list[str] = []
    pos = 0
    for m in _MARKER.finditer(par):
        seg = par[pos : m.start()]
        body = seg.rstrip()
        start = 0
        for b in _BOUNDARY.finditer(body):
            if b.end() < len(body):
                start = b.end()
        caption = body[start:]
        if caption and caption[-1] in _CLOSERS and not any(c in caption[:-1] for c in _OPENERS):
            # A quoted caption: extend back to the quote's opening mark.
            opener = max(body.rfind(o, 0, start) for o in _OPENERS)
            if opener >= 0 and len(body) - opener <= MAX_CAPTION:
                start, caption = opener, body[opener:]
        sentence_like = bool(_SENTENCE_END.search(caption))
        key = _norm(caption)
        repeated = bool(key) and whole_norm.count(f" {key} ") >= 2
        if caption and len(caption) <= MAX_CAPTION and (not sentence_like or repeated):
            out.found.setdefault("captions", []).append(caption.strip())
            out.drop("caption", caption + " " + m.group(0))
            pieces.append(seg[:start])
        else:
            out.drop("image_credit", m.group(0))
            pieces.append(seg)
        pos = m.end()
    pieces.append(par[pos:])
    return re.sub(r"[ \t]{2,}", " ", "".join(pieces)).strip()


def _social(par: str, out: Cleaned) -> str:
    """Drop a closing "Follow us on Facebook and @handle" sentence from a paragraph."""
    last = 0
    for b in _BOUNDARY.finditer(par):
        last = b.end()
    tail = par[last:]
    if _SOCIAL.match(tail) and len(tail) <= MAX_CAPTION:
        out.drop("social_footer", tail)
        return par[:last].rstrip()
    return par


def clean_text(text: str, *, title: str | None = None, fix_spacing: bool = True) -> Cleaned:
    """The article without boilerplate, what was found (title, dates, site, captions) and what was removed."""
    out = Cleaned(text="")
    lines = text.split("\n")
    start = _header(lines, out, title)
    lines = _tail(lines[start:], out)
    kept: list[str] = []
    for line in lines:
        s = line.strip()
        short = len(s) <= MAX_CAPTION
        if s and short and (_NAV_LINE.fullmatch(s) or _TEASER.fullmatch(s)):
            out.drop("navigation" if _NAV_LINE.fullmatch(s) else "teaser", s)
            continue
        if s and short and _CAPTION_LINE.fullmatch(s):
            out.drop("caption", s)
            continue
        kept.append(line)
    whole_norm = f" {_norm(' '.join(kept))} "
    pars: list[str] = []
    for line in kept:
        if _MARKER.search(line):
            line = _captions(line, out, whole_norm)
        if line.strip():
            line = _social(line, out)
        if fix_spacing:
            fixed = _SPACE_BEFORE_PUNCT.sub("", line)
            if fixed != line:
                out.found["spacing_fixes"] = out.found.get("spacing_fixes", 0) + len(line) - len(fixed)
                line = fixed
        pars.append(line.rstrip())
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(pars)).strip("\n")
    # Untouched articles keep their exact text (and so their id), trailing newline included.
    out.text = cleaned if out.removed or out.found.get("spacing_fixes") else text
    return out


def clean_record(rec: Record) -> Record:
    """A new record with the cleaned text (and so a new content id), the original kept in meta."""
    res = clean_text(rec.text, title=rec.meta.get("title"))
    if res.text == rec.text or not res.text.strip():
        return rec
    meta = dict(rec.meta)
    for key, value in res.found.items():
        if key not in ("captions", "spacing_fixes"):
            meta.setdefault(key, value)
    meta["original_text"] = rec.text
    meta["original_sha256"] = text_sha256(rec.text)
    meta["sha256"] = text_sha256(res.text)
    meta["cleaning"] = {
        "removed": res.removed,
        "captions": res.found.get("captions", []),
        "spacing_fixes": res.found.get("spacing_fixes", 0),
    }
    return Record.new(res.text, meta)
