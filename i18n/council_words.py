"""The quorum and vote of a council meeting in words, as minutes and the live screen state them:
"应到9人，实到6人，超过半数，符合规定". Pure: no Streamlit, no database."""

from __future__ import annotations

from fractions import Fraction

from domain.council.rules import Quorum, Threshold, Vote, VotingRule
from i18n import translate


def share(lang: str, threshold: Threshold, base: str | None = None, *, met: bool = True) -> str:
    """"超过半数", "不少于2/3", with a base "超过到会人数半数" ("more than half of those present"); not met:
    "未超过半数", "不足2/3"."""
    if threshold.share == Fraction(1, 2):
        amount = translate(lang, "council.share_half")
    else:
        amount = translate(lang, "council.share_fraction", numerator=threshold.share.numerator,
                           denominator=threshold.share.denominator)
    if base is not None:
        amount = translate(lang, "council.share_of", share=amount, base=translate(lang, f"council.base_{base}"))
    key = "council.share_more_than" if threshold.strict else "council.share_at_least"
    if not met:
        key = "council.share_not_more_than" if threshold.strict else "council.share_less_than"
    return translate(lang, key, share=amount)


def quorum_words(lang: str, rule: VotingRule, q: Quorum) -> str:
    """应到/实到 and whether that meets the configured quorum."""
    key = "council.quorum_met" if q.met else "council.quorum_not_met"
    return translate(lang, key, expected=q.expected, present=q.present, rule=share(lang, rule.quorum, met=q.met))


def vote_words(lang: str, rule: VotingRule, *, votes_for: int, against: int, abstain: int, quorum_met: bool,
               vote: Vote | None = None) -> str:
    """The counts and the result: passed, rejected, or invalid for want of a quorum."""
    counts = {"votes_for": votes_for, "against": against, "abstain": abstain}
    if not quorum_met:
        return translate(lang, "council.vote_invalid", **counts)
    passed = vote is not None and vote.passed
    key = "council.vote_passed" if passed else "council.vote_rejected"
    return translate(lang, key, rule=share(lang, rule.majority, rule.base, met=passed), **counts)
