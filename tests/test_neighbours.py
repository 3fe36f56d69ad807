"""The classifier's neighbourhood facts (value clusters, words of the same trait,
code tables) are gathered once per line; they must be what asking every other hit
of the window gives (the plain definition, written out here)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ethicscan.classify.analyse import TABLE_MIN, _link_neighbours
from ethicscan.classify.capability import WINDOW, Hit
from ethicscan.model import Trait
from ethicscan.rules.catalogue import Term, TermKind, load_catalogue

CAT = load_catalogue(())
TERMS = sorted(
    {k.payload for k in CAT.terms.keys if isinstance(k.payload, Term)},
    key=lambda t: (t.rule_id, t.text),
)
# A few rules' terms, so that windows often share a rule and a trait.
RULES = sorted({t.rule_id for t in TERMS})


def _plain(hits: list[Hit]) -> list[tuple[object, ...]]:
    out = []
    for h in hits:
        near = [o for o in hits if abs(o.line - h.line) <= WINDOW]
        close = [o for o in near if abs(o.line - h.line) <= 2]
        cluster: tuple[str, ...] = ()
        if h.term.kind is TermKind.VALUE:
            cluster = tuple(
                sorted(
                    {
                        o.term.text.lower()
                        for o in close
                        if o is not h
                        and o.term.rule_id == h.term.rule_id
                        and o.term.kind is TermKind.VALUE
                    }
                )
            )
        words = tuple(
            sorted(
                {
                    o.term.text
                    for o in near
                    if o.term.trait is h.term.trait
                    and o.term.kind is not TermKind.VALUE
                    and o.term.text.lower() != h.term.text.lower()
                }
            )
        )
        traits = frozenset(
            o.term.trait for o in near if o.term.kind is not TermKind.VALUE and o is not h
        )
        religion = any(
            o.term.trait is Trait.RELIGION and o.term.kind is not TermKind.MARKER for o in near
        )
        table: tuple[str, ...] = ()
        if h.term.kind in (TermKind.TABLE, TermKind.GROUP):
            names = {
                o.term.text
                for o in near
                if o.term.kind in (TermKind.TABLE, TermKind.GROUP)
                and o.term.trait in (Trait.ETHNIC_GROUP, Trait.ETHNICITY)
            }
            if len(names) >= TABLE_MIN:
                table = tuple(sorted(names))
        out.append((cluster, words, traits, religion, table))
    return out


# Terms of up to four rules placed on up to 13 lines, up to 40 of them.
_PLACED = st.lists(st.sampled_from(RULES), min_size=1, max_size=4).flatmap(
    lambda rules: st.lists(
        st.tuples(st.sampled_from([t for t in TERMS if t.rule_id in rules]), st.integers(0, 12)),
        max_size=40,
    )
)


@settings(max_examples=300)
@given(_PLACED)
def test_gathered_per_line_equals_the_plain_definition(
    placed: list[tuple[Term, int]],
) -> None:
    hits = [Hit(t, i, i + 1, line, False) for i, (t, line) in enumerate(placed)]
    _link_neighbours(hits)
    got = [(h.cluster, h.trait_words_near, h.traits_near, h.religion_near, h.table) for h in hits]
    assert got == _plain(hits)


@settings(max_examples=300)
@given(_PLACED)
def test_what_a_hit_learnt_is_numbered_one_for_equal_ones(
    placed: list[tuple[Term, int]],
) -> None:
    """``Hit.near`` numbers what a hit learnt from its neighbours, its cluster as
    ``_cluster_class`` tells it (what the line keys read of it): two hits have one
    number exactly where that is equal (``_line_hits_key`` keys a hit by it)."""
    from ethicscan.classify.capability import _cluster_class

    hits = [Hit(t, i, i + 1, line, False) for i, (t, line) in enumerate(placed)]
    _link_neighbours(hits)
    for a in hits:
        assert a.near >= 0
        learnt = (
            _cluster_class(a.cluster),
            a.trait_words_near,
            a.traits_near,
            a.religion_near,
            a.table,
        )
        for b in hits:
            other = (
                _cluster_class(b.cluster),
                b.trait_words_near,
                b.traits_near,
                b.religion_near,
                b.table,
            )
            assert (a.near == b.near) == (learnt == other)
