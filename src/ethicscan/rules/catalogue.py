"""The rule catalogue: YAML data in the package (and the user's own rule folders),
validated on load and compiled into lexicons.

Nothing here knows about files or findings; :mod:`ethicscan.classify` reads the
compiled :class:`Catalogue`.
"""

from __future__ import annotations

import bisect
import enum
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ethicscan.errors import ConfigError
from ethicscan.model import Capability, Ref, Trait
from ethicscan.rules.matcher import Key, Lexicon, Match, drop_contained, variants


class TermKind(str, enum.Enum):
    WORD = "word"
    FIELD = "field"
    VALUE = "value"
    GROUP = "group"
    TABLE = "table"
    MARKER = "marker"
    BOOLEAN = "boolean"


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    rule_id: str
    trait: Trait
    kind: TermKind
    lang: str  # en | zh | pinyin
    gloss: str
    ambiguous: bool
    distinctive: bool
    capability: Capability | None  # what the term alone implies, if anything
    not_after: tuple[str, ...]
    not_before: tuple[str, ...]
    language: bool = False  # the group's name is also a language's or script's name
    # context categories one of whose words must stand near: ``nation`` is the trait only
    # on an identity card's record
    needs: tuple[Category, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    trait: Trait
    name: str
    summary: str
    rationale: str
    refs: tuple[Ref, ...]
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Lookalike:
    text: str


@dataclass(frozen=True, slots=True)
class ContextWord:
    category: Category
    text: str


@dataclass(frozen=True, slots=True)
class ContextLookalike:
    """A phrase holding a context word in another sense (``hit_dice_faces``, ``mesh
    faces``, ``clock face``): the word inside it is no context."""

    text: str


class Category(str, enum.Enum):
    """A category of context words (``rules/data/context.yml``, ``contexts``): what the
    words around a hit say about it (docs/classifier.md)."""

    FACE = "face"
    ATTRIBUTES = "attributes"
    MODEL = "model"
    ANALYSIS = "analysis"
    IMAGE = "image"
    SURVEILLANCE = "surveillance"
    ALERT = "alert"
    COUNT = "count"
    QUERY = "query"
    STORE = "store"
    DECLARED = "declared"
    CLINICAL_CENSUS = "clinical_census"
    NAME = "name"
    CONCURRENCY = "concurrency"
    GAME_SPORT = "game_sport"
    TOPIC = "topic"
    UI_THEME = "ui_theme"
    EMOJI = "emoji"
    LANGUAGE = "language"
    COUNTRY = "country"
    COSMETICS = "cosmetics"
    FAIRNESS = "fairness"
    MODERATION = "moderation"
    NEGATION = "negation"
    ICON_SET = "icon_set"
    CALENDAR = "calendar"
    ID_CARD = "id_card"
    CAPTURED = "captured"


CONTEXT_CATEGORIES = tuple(c.value for c in Category)


_ASCII_DIGIT = re.compile("[0-9]")
# The rest of a Unicode character's name after its script's (``TIBETAN LETTER KA``,
# ``TIBETAN SUBJOINED LETTER FIXED-FORM RA``, ``TIBETAN VOWEL SIGN OO``): capitals only.
_CHARACTER_NAME = re.compile(
    r"^(?: [A-Z][A-Z-]*){0,2}? (?:LETTER|LETTERS|VOWEL|SIGN|DIGIT|MARK|SYLLABLE|LIGATURE"
    r"|NUMBER|PUNCTUATION|SYMBOL|CHARACTER|FRACTION|ASTROLOGICAL)\b"
)


@dataclass(frozen=True)
class Entities:
    """Names of places, languages, scripts and organisations that hold a group's name
    (广西壮族自治区, 维吾尔语, ``Language-Team: Uyghur``, ``Muslim World League``): the
    group's name there names no people.  Read from ``entities`` in context.yml; the
    classifier tests what touches a hit."""

    zh_after: tuple[str, ...] = ()  # Chinese: what may follow a (chain of) group name(s)
    en_after: tuple[str, ...] = ()  # English words that may follow a group name
    en_before: tuple[str, ...] = ()  # ... or stand just before it
    en_org: tuple[str, ...] = ()  # the head noun of an organisation's capitalised name
    zh_org: tuple[str, ...] = ()  # ... and of a Chinese one (协会, 大学)
    _zh: re.Pattern[str] = field(default=re.compile(r"(?!)"), repr=False, compare=False)
    _en_after: re.Pattern[str] = field(default=re.compile(r"(?!)"), repr=False, compare=False)
    _en_before: re.Pattern[str] = field(default=re.compile(r"(?!)"), repr=False, compare=False)
    _org_after: re.Pattern[str] = field(default=re.compile(r"(?!)"), repr=False, compare=False)
    _org_before: re.Pattern[str] = field(default=re.compile(r"(?!)"), repr=False, compare=False)
    # No word above holds an ASCII digit: :meth:`names_no_people` then reads every digit
    # alike (its patterns' classes hold all ten or none), so texts that differ only in
    # which digits stand where get one answer (``digit_blind``)
    digit_blind: bool = field(default=False, repr=False, compare=False)

    @staticmethod
    def of(raw: Mapping[str, Any]) -> Entities:
        zh = tuple(str(w) for w in raw.get("zh_after") or ())
        after = tuple(str(w).lower() for w in raw.get("en_after") or ())
        before = tuple(str(w).lower() for w in raw.get("en_before") or ())
        org = tuple(str(w) for w in raw.get("en_org") or ())
        zh_org = tuple(str(w) for w in raw.get("zh_org") or ())

        def alt(ws: tuple[str, ...]) -> str:
            return "|".join(map(re.escape, sorted(ws, key=len, reverse=True))) or "(?!)"

        # after the hit: other group names (…族), a part-of-speech tag (/nz), then the word
        return Entities(
            digit_blind=not any(_ASCII_DIGIT.search(w) for w in zh + after + before + org + zh_org),
            zh_after=zh,
            en_after=after,
            en_before=before,
            en_org=org,
            zh_org=zh_org,
            _zh=re.compile(
                rf"^(?:/[a-z]+)?\s*(?:[\u4e00-\u9fff]{{0,4}}族)*(?:/[a-z]+\s*)?(?:{alt(zh)})"
                rf"|^[\u4e00-\u9fff]{{0,2}}(?:{alt(zh_org)})"
                r"|^[\u4e00-\u9fff]{0,3}[文语語](?![\u4e00-\u9fff])"  # 穆斯林塔特文: a script
            ),
            _en_after=re.compile(rf"^[\s_\-(]*(?:{alt(after)})(?![a-z])", re.IGNORECASE),
            _en_before=re.compile(rf"(?<![a-z])(?:{alt(before)})[\s:=_\-\"']*$", re.IGNORECASE),
            # a capitalised name that ends in its head noun (``Muslim World League``,
            # ``World Ethnic Broadcasting Inc.``, ``MuslimWorldLeague``) or opens with it
            # (``University of Islamic Sciences``): case matters, ``muslim league`` is none
            _org_after=re.compile(
                # (a name wraps a line of prose: a line break is a space)
                rf"^(?:[ \t\n_]*[A-Z][a-z'.-]*|[ \t\n]+(?:of|and|for|the|&)){{0,4}}?"
                rf"[ \t\n_]*(?:{alt(org)})(?![a-z])"
            ),
            _org_before=re.compile(
                rf"\b(?:{alt(org)})[ \t]+(?:of|for)[ \t]+(?:the[ \t]+)?"
                rf"(?:[A-Z][\w'-]*[ \t]+){{0,2}}$"
            ),
        )

    def names_no_people(self, before: str, after: str, lang: str, capital: bool = False) -> bool:
        """Does the text around a group name (``before`` and ``after`` it, a few
        characters each) make it part of a place, language, script or organisation
        name?  ``capital``: the name is written with a capital, as in a proper name."""
        if lang == "zh":
            return bool(self._zh.match(after))
        if capital and (self._org_after.match(after) or self._org_before.search(before)):
            return True
        if _CHARACTER_NAME.match(after):
            return True  # TIBETAN SUBJOINED LETTER RA: a character of the script
        return bool(self._en_after.match(after) or self._en_before.search(before))


@dataclass(frozen=True)
class Calibration:
    """From a finding's evidence score to its confidence: the probability, measured on
    the tuning part of the labelled corpus, that a finding with that score is true.
    A step function fitted by isotonic regression (bench/precision.py fit): a score
    takes the probability of the highest point at or below it."""

    points: tuple[tuple[float, float], ...] = ()  # (score, probability), rising in both
    # the table of mentions: prose is judged true less often than a record or an inference
    # with the same evidence score
    mention: tuple[tuple[float, float], ...] = ()

    def confidence(self, score: float, capability: str = "") -> float:
        table = self.mention if capability == "mention" and self.mention else self.points
        if not table:
            return score  # no fitted table (a catalogue built without one): the score
        i = bisect.bisect_right([s for s, _ in table], score) - 1
        return table[max(i, 0)][1]

    @staticmethod
    def of(raw: Mapping[str, Any]) -> Calibration:
        tables = []
        for key in ("points", "mention"):
            pts = tuple((float(s), float(p)) for s, p in raw.get(key) or ())
            if any(not 0.0 <= p <= 1.0 for _, p in pts) or list(pts) != sorted(pts):
                raise ConfigError(f"calibration.yml: {key} must rise, probabilities in 0..1")
            tables.append(pts)
        return Calibration(tables[0], tables[1])


@dataclass(frozen=True)
class Catalogue:
    version: str
    rules: tuple[Rule, ...]
    refs: Mapping[str, Ref]
    terms: Lexicon[Term | Lookalike]
    context: Lexicon[ContextWord | ContextLookalike]
    sources: tuple[str, ...]
    entities: Entities = Entities()
    calibration: Calibration = Calibration()
    # SHA-256 of the text of every rule document the catalogue was built from (the
    # built-in ones and the user's, in order; not their paths): what compiled databases
    # and workers are keyed by and compared on, since an edited rule file keeps its path
    # and the version.
    digest: str = ""

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def context_words(
    matches: Sequence[Match[ContextWord | ContextLookalike]],
) -> list[Match[ContextWord]]:
    """The context word matches that count: not inside a context look-alike (the
    ``faces`` of ``hit_dice_faces``), and not the look-alikes themselves."""
    spans = [(m.start, m.end) for m in matches if isinstance(m.key.payload, ContextLookalike)]
    return [
        m  # type: ignore[misc]
        for m in matches
        if isinstance(m.key.payload, ContextWord)
        and not any(s < m.end and m.start < e for s, e in spans)
    ]


def standing_terms(matches: Sequence[Match[Term | Lookalike]]) -> list[Match[Term]]:
    """The term matches the classifier judges: not inside a longer match (``维族告警``
    over ``维族``) and not touching a look-alike (``Promise.race``, ``race
    condition``).  One definition, shared by the classifier and the prefilter's
    confirmation of its reasons to read."""
    kept = drop_contained(matches)
    spans = [(m.start, m.end) for m in kept if isinstance(m.key.payload, Lookalike)]
    return [
        m  # type: ignore[misc]
        for m in kept
        if isinstance(m.key.payload, Term) and not any(s < m.end and m.start < e for s, e in spans)
    ]


_RULE_KEYS = {"id", "trait", "name", "summary", "rationale", "refs", "kind", "terms"}
_TERM_KEYS = {
    "text",
    "lang",
    "gloss",
    "ambiguous",
    "distinctive",
    "capability",
    "kind",
    "not_after",
    "not_before",
    "language",
    "needs",
}


def _detect_lang(text: str) -> str:
    return "en" if text.isascii() else "zh"


def _require(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise ConfigError(f"{where}: missing key '{key}'")
    return mapping[key]


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _enum(cls: type[enum.Enum], value: Any, where: str) -> Any:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in cls)
        raise ConfigError(f"{where}: '{value}' is not one of: {allowed}") from None


def _parse_term(raw: Any, rule: Mapping[str, Any], rule_id: str, trait: Trait, where: str) -> Term:
    if isinstance(raw, str):
        raw = {"text": raw}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: a term is a string or a mapping with 'text'")
    unknown = set(raw) - _TERM_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown term key(s): {', '.join(sorted(unknown))}")
    text = _require(raw, "text", where)
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{where}: 'text' must be a non-empty string")
    lang = raw.get("lang") or _detect_lang(text)
    if lang not in ("en", "zh", "pinyin"):
        raise ConfigError(f"{where}: lang '{lang}' is not en, zh or pinyin")
    gloss = raw.get("gloss", "")
    if lang != "en" and not gloss:
        raise ConfigError(f"{where}: term '{text}' needs an English 'gloss'")
    cap = raw.get("capability")
    return Term(
        text=text,
        rule_id=rule_id,
        trait=trait,
        kind=_enum(TermKind, raw.get("kind", rule.get("kind", "word")), where),
        lang=lang,
        gloss=str(gloss),
        ambiguous=bool(raw.get("ambiguous", False)),
        distinctive=bool(raw.get("distinctive", False)),
        capability=_enum(Capability, cap, where) if cap is not None else None,
        not_after=_str_list(raw.get("not_after"), where),
        not_before=_str_list(raw.get("not_before"), where),
        language=bool(raw.get("language", False)),
        needs=tuple(_enum(Category, c, where) for c in _str_list(raw.get("needs"), where)),
    )


def _parse_rules(doc: Mapping[str, Any], refs: Mapping[str, Ref], source: str) -> list[Rule]:
    rules = []
    for i, raw in enumerate(doc.get("rules") or []):
        where = f"{source}: rules[{i}]"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: a rule is a mapping")
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown rule key(s): {', '.join(sorted(unknown))}")
        rule_id = _require(raw, "id", where)
        where = f"{source}: rule '{rule_id}'"
        trait = _enum(Trait, _require(raw, "trait", where), where)
        ref_ids = _str_list(raw.get("refs"), where)
        missing = [r for r in ref_ids if r not in refs]
        if missing:
            raise ConfigError(f"{where}: unknown ref(s): {', '.join(missing)}")
        raw_terms = _require(raw, "terms", where)
        if not isinstance(raw_terms, list):
            raise ConfigError(f"{where}: 'terms' must be a list of terms")
        terms = tuple(
            _parse_term(t, raw, rule_id, trait, f"{where} term {j}")
            for j, t in enumerate(raw_terms)
        )
        if not terms:
            raise ConfigError(f"{where}: no terms")
        rules.append(
            Rule(
                id=str(rule_id),
                trait=trait,
                name=str(_require(raw, "name", where)),
                summary=str(raw.get("summary", "")),
                rationale=" ".join(str(raw.get("rationale", "")).split()),
                refs=tuple(refs[r] for r in ref_ids),
                terms=terms,
            )
        )
    return rules


# libyaml's loader when PyYAML was built with it (the wheels are): ten times faster,
# the same documents (the catalogue is read by every scan).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _no_aliases(root: yaml.Node, source: str) -> None:
    """Refuse a document that uses an alias (``*name``): an alias is the node it names
    again, so a few hundred bytes of aliases of aliases stand for gigabytes once a value
    is turned into text (a "billion laughs"), or for a loop.  Rule files have no use for
    them; every node must be reached once."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise ConfigError(
                f"{source}: YAML aliases (*name) are not allowed in rule files; "
                "write each value out"
            )
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def _load_yaml(text: str, source: str) -> dict[str, Any]:
    loader = _Loader(text)  # a safe loader (see _Loader)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        _no_aliases(node, source)
        doc = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{source}: not valid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConfigError(f"{source}: expected a mapping at the top")
    return doc


def _builtin(name: str) -> str:
    data = resources.files("ethicscan.rules").joinpath("data")
    return data.joinpath(name).read_text(encoding="utf-8")


def build(rule_docs: Iterable[tuple[str, str]] = ()) -> Catalogue:
    """Compile the built-in catalogue plus extra rule documents ``(source, yaml_text)``."""
    rule_docs = list(rule_docs)
    texts = [_builtin(n) for n in ("refs.yml", "rules.yml", "context.yml", "calibration.yml")]
    digest = hashlib.sha256()
    for text in texts + [text for _, text in rule_docs]:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little") + data)
    refs_doc = _load_yaml(_builtin("refs.yml"), "refs.yml")
    refs = {
        rid: Ref(id=rid, title=str(v["title"]), url=str(v.get("url", "")))
        for rid, v in (refs_doc.get("refs") or {}).items()
    }
    main = _load_yaml(_builtin("rules.yml"), "rules.yml")
    version = str(main.get("catalogue_version", "0"))
    rules = _parse_rules(main, refs, "rules.yml")
    sources = ["builtin"]
    for source, text in rule_docs:
        doc = _load_yaml(text, source)
        unknown = set(doc) - {"rules", "catalogue_version"}
        if unknown:
            raise ConfigError(f"{source}: unknown key(s): {', '.join(sorted(unknown))}")
        rules.extend(_parse_rules(doc, refs, source))
        sources.append(source)
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise ConfigError(f"rule id '{r.id}' is defined twice")
        seen.add(r.id)

    ctx_doc = _load_yaml(_builtin("context.yml"), "context.yml")
    term_keys: list[Key[Term | Lookalike]] = []
    for r in rules:
        for t in r.terms:
            for v in variants(t.text):
                term_keys.append(Key(v, t, v.isascii(), t.not_after, t.not_before))
    for phrase in ctx_doc.get("lookalikes") or []:
        for v in variants(str(phrase)):
            term_keys.append(Key(v, Lookalike(str(phrase)), v.isascii()))
    ctx_keys: list[Key[ContextWord | ContextLookalike]] = []
    for phrase in ctx_doc.get("context_lookalikes") or []:
        for v in variants(str(phrase)):
            ctx_keys.append(Key(v, ContextLookalike(str(phrase)), v.isascii()))
    contexts = ctx_doc.get("contexts") or {}
    unknown = set(contexts) - set(CONTEXT_CATEGORIES)
    if unknown:
        raise ConfigError(f"context.yml: unknown categories: {', '.join(sorted(unknown))}")
    for category, words in contexts.items():
        for w in words:
            for v in variants(str(w)):
                ctx_keys.append(Key(v, ContextWord(Category(category), str(w)), v.isascii()))
    return Catalogue(
        version=version + ("+custom" if len(sources) > 1 else ""),
        rules=tuple(rules),
        refs=refs,
        terms=Lexicon(term_keys),
        context=Lexicon(ctx_keys),
        sources=tuple(sources),
        entities=Entities.of(ctx_doc.get("entities") or {}),
        calibration=Calibration.of(_load_yaml(_builtin("calibration.yml"), "calibration.yml")),
        digest=digest.hexdigest(),
    )


def rule_documents(dirs: Iterable[str | Path]) -> list[tuple[str, str]]:
    """Read every ``*.yml`` / ``*.yaml`` in the user's rule folders, sorted by name."""
    docs = []
    for d in dirs:
        path = Path(d)
        if not path.is_dir():
            raise ConfigError(f"--rules {d}: not a folder")
        for f in sorted([*path.glob("*.yml"), *path.glob("*.yaml")]):
            try:
                docs.append((str(f), f.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{f}: cannot read rule file: {exc}") from None
    return docs


@lru_cache(maxsize=1)
def load_default_catalogue() -> Catalogue:
    """The built-in catalogue (compiled once per process)."""
    return build()


def load_catalogue(rule_dirs: Iterable[str | Path] = ()) -> Catalogue:
    """The built-in catalogue plus the rules in ``rule_dirs``, compiled once per process
    for each distinct content of those files (they are read on every call, so an edited
    rule file is picked up; a pool or cluster worker compiles once, not per task)."""
    dirs = tuple(rule_dirs)
    if not dirs:
        return load_default_catalogue()
    return _build_cached(tuple(rule_documents(dirs)))


@lru_cache(maxsize=8)
def _build_cached(rule_docs: tuple[tuple[str, str], ...]) -> Catalogue:
    return build(rule_docs)
