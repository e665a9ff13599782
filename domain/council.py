"""Rules of the resident council (居民议事会) and the estate joint meeting: whether a meeting has its quorum and
whether a vote passes, under the rule configured for the council's kind. Pure: no storage, no Streamlit."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from domain.errors import ValidationFailed

BASES = ("present", "members", "votes_cast")  # what a majority is a share of

# Codes stored in the council tables (labels: council.* keys of i18n/*/council*.yaml).
TOPIC_SOURCES = ("opinion", "matter", "member")  # gathered at an opinion meeting, a 365 matter, a member's proposal
TOPIC_STAGES = ("raised", "discussed", "decided", "implementing", "reviewed", "rejected", "withdrawn")
MEETING_STATUSES = ("planned", "open", "closed")
ATTENDANCE = ("present", "absent", "excused")  # observers (列席) are not members and are named apart
VOTE_METHODS = ("hands", "ballot", "named")  # 举手表决, 无记名投票, 记名投票 (named: one ballot per present member)
CHOICES = ("for", "against", "abstain")
DECISION_STATUSES = ("passed", "rejected", "invalid")  # invalid: taken without quorum (council.no_quorum: invalid)
OUTCOMES = ("carried_out", "partly", "not")  # 已落实, 部分落实, 未落实
RATINGS = ("satisfied", "basic", "unsatisfied")  # 满意, 基本满意, 不满意


@dataclass(frozen=True)
class Threshold:
    """A share that must be passed ("超过", strict) or reached ("不少于") by a count."""

    share: Fraction
    strict: bool = True

    def met(self, count: int, base: int) -> bool:
        return count > self.share * base if self.strict else count >= self.share * base


@dataclass(frozen=True)
class VotingRule:
    """How a council of one kind decides: the quorum of those entitled to attend and the majority of a base.

    `excused_expected`: whether members excused in advance (请假) still count among those expected.
    """

    quorum: Threshold = Threshold(Fraction(1, 2))
    majority: Threshold = Threshold(Fraction(1, 2))
    base: str = "present"
    excused_expected: bool = True


@dataclass(frozen=True)
class Quorum:
    expected: int
    present: int
    needed: int
    met: bool


@dataclass(frozen=True)
class Vote:
    base: int
    votes_for: int
    needed: int
    passed: bool


def quorum(rule: VotingRule, *, members: int, present: int, excused: int = 0) -> Quorum:
    """应到/实到: whether enough of those expected are present (observers are not members and never count)."""
    if min(members, present, excused) < 0 or present + excused > members:
        raise ValidationFailed({"attendance": ("council_error.attendance_counts", {"members": members})})
    expected = members if rule.excused_expected else members - excused
    return Quorum(expected=expected, present=present, needed=_needed(rule.quorum, expected),
                  met=expected > 0 and rule.quorum.met(present, expected))


def check_votes(*, votes_for: int, against: int, abstain: int, present: int) -> None:
    """Vote counts are whole, not negative, and add up to at most the members present."""
    errors = {}
    for field, value in (("votes_for", votes_for), ("against", against), ("abstain", abstain)):
        if value < 0:
            errors[field] = ("council_error.votes_negative", {})
    if not errors and votes_for + against + abstain > present:
        errors["votes_for"] = ("council_error.votes_above_present", {"present": present})
    if errors:
        raise ValidationFailed(errors)


def vote(rule: VotingRule, *, votes_for: int, against: int, abstain: int, present: int, members: int) -> Vote:
    """Whether a decision passes: the votes for against the configured base (present members, all members, or
    the votes cast, where abstentions do not count). A tie never passes a strict majority."""
    check_votes(votes_for=votes_for, against=against, abstain=abstain, present=present)
    base = {"present": present, "members": members, "votes_cast": votes_for + against}[rule.base]
    return Vote(base=base, votes_for=votes_for, needed=_needed(rule.majority, base),
                passed=base > 0 and rule.majority.met(votes_for, base))


def _needed(threshold: Threshold, base: int) -> int:
    """The smallest whole count that meets the threshold out of `base`."""
    count = int(threshold.share * base)
    while not threshold.met(count, base):
        count += 1
    while count > 0 and threshold.met(count - 1, base):
        count -= 1
    return count
