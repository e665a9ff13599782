"""Display links (data_access/briefing/display.py) on a real database: made, opened, renamed and revoked with their
audit entries; every kind of bad token refused; a screen reads only the link's scope."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from data_access.briefing import display
from data_access.db import transaction
from data_access.models import AuditLog, Community, User, UserRole
from domain.access import scope
from domain.briefing.screen import SLIDES, sign
from domain.errors import PermissionDenied, ValidationFailed
from tests.conftest import NOW

pytestmark = pytest.mark.db


def new(engine, settings, actor, **data) -> str:
    values = {"name": "街道大厅大屏", "community_id": None, "slides": [], "days": 30} | data
    return display.create(engine, settings, actor=actor, data=values, now=NOW)


def audit_actions(engine, action: str) -> list[AuditLog]:
    with transaction(engine) as session:
        return list(session.execute(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))
                    .scalars())


def community_of(engine, code: str) -> int:
    with transaction(engine) as session:
        return session.execute(select(Community.id).where(Community.code == code)).scalar_one()


def test_a_street_link_opens_without_login_reads_only_and_its_first_use_each_day_is_audited(demo_engine, settings,
                                                                                            actors):
    token = new(demo_engine, settings, actors["leader"], slides=["ranking", "service"])
    assert [a.after["name"] for a in audit_actions(demo_engine, "display.create")][-1] == "街道大厅大屏"
    opened = display.open_link(demo_engine, settings, token, now=NOW)
    assert opened.slides == ("ranking", "service") and opened.community_id is None
    assert opened.actor.permissions() == {"briefing.read", "overview.read", "committee.read", "council.read",
                                          "volunteer.read", "fund.read"}
    assert scope(opened.actor, "matter.read").empty, "a screen never reads matters, so no personal data"
    display.open_link(demo_engine, settings, token, now=NOW + timedelta(hours=3))
    assert len(audit_actions(demo_engine, "display.use")) == 1, "used twice on one day: audited once"
    display.open_link(demo_engine, settings, token, now=NOW + timedelta(days=1))
    uses = audit_actions(demo_engine, "display.use")
    assert len(uses) == 2 and uses[-1].actor_name == "leader"


def test_every_screen_of_the_same_scope_reads_as_the_same_actor_so_their_cached_reads_are_shared(
        demo_engine, settings, actors):
    one = display.open_link(demo_engine, settings, new(demo_engine, settings, actors["leader"]), now=NOW)
    other = display.open_link(demo_engine, settings, new(demo_engine, settings, actors["leader"], name="会议室"),
                              now=NOW)
    assert one.link_id != other.link_id and one.actor == other.actor and hash(one.actor) == hash(other.actor)


@pytest.mark.parametrize("bad", ["", "abc", "1.1", "1.1.", "x.1.abc", "99999999999999.1.abc", "1.1.1.1",
                                 "１.1.abc", "1.1.abc\x00"])
def test_malformed_tokens_are_refused_as_not_valid(demo_engine, settings, bad):
    with pytest.raises(display.LinkRefused) as refused:
        display.open_link(demo_engine, settings, bad, now=NOW)
    assert refused.value.key == "screen.forged"


def test_an_altered_or_foreign_token_is_refused(demo_engine, settings, actors):
    token = new(demo_engine, settings, actors["leader"])
    link_id, version, signature = token.split(".")
    altered = [f"{link_id}.{version}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
               f"{link_id}.{int(version) + 1}.{signature}", f"{int(link_id) + 1}.{version}.{signature}",
               sign(b"another server's secret, 32 bytes or more", int(link_id), int(version))]
    for bad in altered:
        with pytest.raises(display.LinkRefused) as refused:
            display.open_link(demo_engine, settings, bad, now=NOW)
        assert refused.value.key == "screen.forged", bad
    assert display.open_link(demo_engine, settings, token, now=NOW).link_id == int(link_id)


def test_revoked_and_expired_links_stop_and_say_why(demo_engine, settings, actors):
    leader = actors["leader"]
    token = new(demo_engine, settings, leader, days=2)
    link_id = int(token.split(".")[0])
    with pytest.raises(display.LinkRefused) as refused:
        display.open_link(demo_engine, settings, token, now=NOW + timedelta(days=2, seconds=1))
    assert refused.value.key == "screen.expired"
    display.revoke(demo_engine, actor=leader, link_id=link_id, now=NOW)
    display.revoke(demo_engine, actor=leader, link_id=link_id, now=NOW)
    with pytest.raises(display.LinkRefused) as refused:
        display.open_link(demo_engine, settings, token, now=NOW)
    assert refused.value.key == "screen.revoked"
    assert len(audit_actions(demo_engine, "display.revoke")) == 1, "revoking twice is audited once"
    listed = display.links(demo_engine, settings, actor=leader, now=NOW)
    row = listed[listed["id"] == link_id].iloc[0]
    assert row["status"] == "revoked" and not isinstance(row["token"], str), "no address for a revoked link"


def test_a_disabled_account_s_links_stop(demo_engine, settings, actors):
    token = new(demo_engine, settings, actors["leader"])
    with transaction(demo_engine) as session:
        session.execute(update(User).where(User.username == "leader").values(is_active=False))
    with pytest.raises(display.LinkRefused) as refused:
        display.open_link(demo_engine, settings, token, now=NOW)
    assert refused.value.key == "screen.account"


def test_a_locked_creator_s_links_keep_running_but_losing_the_right_stops_them(demo_engine, settings, actors):
    token = new(demo_engine, settings, actors["leader"])
    with transaction(demo_engine) as session:  # anyone can type five wrong passwords for "leader"
        session.execute(update(User).where(User.username == "leader").values(locked_until=NOW + timedelta(hours=1)))
    assert display.open_link(demo_engine, settings, token, now=NOW).community_id is None
    with transaction(demo_engine) as session:
        leader = session.execute(select(User.id).where(User.username == "leader")).scalar_one()
        session.execute(update(UserRole).where(UserRole.user_id == leader).values(role="worker"))
    with pytest.raises(display.LinkRefused) as refused:
        display.open_link(demo_engine, settings, token, now=NOW)
    assert refused.value.key == "screen.account"


def test_a_secretary_makes_links_for_their_community_only(demo_engine, settings, actors):
    secretary = actors["secretary"]
    own = community_of(demo_engine, "KS")
    with pytest.raises(PermissionDenied):
        new(demo_engine, settings, secretary, community_id=None)
    with pytest.raises(PermissionDenied):
        new(demo_engine, settings, secretary, community_id=community_of(demo_engine, "KH"))
    opened = display.open_link(demo_engine, settings, new(demo_engine, settings, secretary, community_id=own), now=NOW)
    assert scope(opened.actor, "overview.read").community_ids() == (own,)
    listed = display.links(demo_engine, settings, actor=secretary, now=NOW)
    assert set(listed["community"]) == {"康盛社区"}, "the leader's street links are not the secretary's to manage"
    street_link = int(new(demo_engine, settings, actors["leader"]).split(".")[0])
    with pytest.raises(PermissionDenied):
        display.revoke(demo_engine, actor=secretary, link_id=street_link, now=NOW)
    with pytest.raises(PermissionDenied):
        new(demo_engine, settings, actors["worker"], community_id=own)


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "  "}, "name"), ({"name": "大" * 41}, "name"), ({"days": 0}, "days"), ({"days": 100000}, "days"),
    ({"days": "30"}, "days"), ({"days": True}, "days"), ({"days": None}, "days"), ({"slides": ["nope"]}, "slides"),
    ({"slides": "service"}, "slides")])
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_written(demo_engine, settings, actors, data, field):
    before = len(display.links(demo_engine, settings, actor=actors["leader"], now=NOW))
    with pytest.raises(ValidationFailed) as failed:
        new(demo_engine, settings, actors["leader"], **data)
    assert field in failed.value.errors
    assert len(display.links(demo_engine, settings, actor=actors["leader"], now=NOW)) == before


def test_names_are_cleaned_and_renaming_is_audited(demo_engine, settings, actors):
    leader = actors["leader"]
    token = new(demo_engine, settings, leader, name="大厅\x00大屏\x0c")
    link_id = int(token.split(".")[0])
    display.rename(demo_engine, actor=leader, link_id=link_id, name=" 二楼会议室\x07 ", now=NOW)
    listed = display.links(demo_engine, settings, actor=leader, now=NOW)
    assert listed[listed["id"] == link_id].iloc[0]["name"] == "二楼会议室"
    renamed = audit_actions(demo_engine, "display.rename")[-1]
    assert renamed.before == {"name": "大厅大屏"} and renamed.after == {"name": "二楼会议室"}
    assert display.open_link(demo_engine, settings, token, now=NOW).name == "二楼会议室", "renaming keeps the URL"
    with pytest.raises(ValidationFailed):
        display.rename(demo_engine, actor=leader, link_id=link_id, name="\x00 ", now=NOW)


def test_the_demo_street_has_a_working_link_for_the_street_hall(demo_engine, settings):
    token = display.demo_token(demo_engine, settings, "街道大厅大屏", now=NOW)
    opened = display.open_link(demo_engine, settings, token, now=NOW)
    assert opened.community_id is None and opened.slides == SLIDES


def test_the_secret_lives_in_its_own_owner_only_file_and_signs_every_token(tmp_path, monkeypatch, settings):
    path = tmp_path / "keys" / "secret"
    monkeypatch.setenv("GONGZHI_SECRET_FILE", str(path))
    first = display.secret(settings)
    assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600 and len(first) >= 32
    assert display.secret(settings) == first, "made once, then read"
    monkeypatch.setenv("GONGZHI_SECRET_FILE", str(tmp_path / "other"))
    assert display.secret(settings) != first
