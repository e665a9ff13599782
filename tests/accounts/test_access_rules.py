"""Pure rules of issue 3: grants and scopes, personal-data masks and ID numbers, password and account rules."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from data_access.config import CONFIG_PATH
from domain.access import Actor, can, grants_for, require, scope
from domain.accounts import check_password, clean_account
from domain.errors import ConfigError, PermissionDenied, ValidationFailed
from domain.personal import mask_id_number, mask_name, mask_phone, masked, valid_id_number
from domain.settings import parse_settings


@pytest.fixture(scope="module")
def cfg():
    with open(CONFIG_PATH, encoding="utf-8") as fh:
        return parse_settings(yaml.safe_load(fh))


def actor(cfg, *rows) -> Actor:
    return Actor(1, "u", "U", grants_for(cfg, rows))


# --- grants, permissions and scopes ---

def test_leader_reads_the_whole_street_and_may_change_nothing(cfg):
    leader = actor(cfg, ("leader", None, None))
    assert scope(leader, "matter.read").everything
    assert not any(can(leader, p, 1) for p in ("matter.create", "matter.advance", "matter.evaluate",
                                                 "matter.assess", "personal.view", "account.manage", "audit.read"))
    with pytest.raises(PermissionDenied):
        require(leader, "matter.create", 1)


def test_secretary_acts_only_in_their_own_community(cfg):
    secretary = actor(cfg, ("secretary", 1, None))
    assert can(secretary, "matter.assess", 1) and not can(secretary, "matter.assess", 2)
    assert scope(secretary, "matter.read").community_ids() == (1,)
    assert scope(secretary, "audit.read").communities == {1}
    assert not can(secretary, "account.manage")


def test_worker_cannot_evaluate_or_assess_and_may_be_limited_to_grids(cfg):
    worker = actor(cfg, ("worker", 1, 11), ("worker", 1, 12))
    assert can(worker, "matter.advance", 1, 11) and not can(worker, "matter.advance", 1, 13)
    assert not can(worker, "matter.evaluate", 1, 11) and not can(worker, "matter.assess", 1, 11)
    reads = scope(worker, "matter.read")
    assert reads.allows(1, 11) and not reads.allows(1, 13) and not reads.allows(1)
    assert reads.community_ids() == (1,), "the community is touched through its grids"
    assert scope(worker, "overview.read").community_ids() == (1,)


def test_roles_in_several_communities_add_up(cfg):
    user = actor(cfg, ("secretary", 1, None), ("worker", 2, None))
    assert can(user, "matter.assess", 1) and not can(user, "matter.assess", 2) and can(user, "matter.advance", 2)
    assert scope(user, "matter.read").community_ids() == (1, 2)
    assert scope(user, "matter.read").community_ids([2, 3]) == (2,)


def test_unknown_roles_and_community_roles_without_a_community_grant_nothing(cfg):
    nobody = actor(cfg, ("mayor", None, None), ("secretary", None, None))
    assert nobody.grants == () and scope(nobody, "matter.read").empty
    assert scope(nobody, "matter.read").community_ids() == ()


def test_admin_manages_accounts_and_audit_but_reads_no_matters(cfg):
    admin = actor(cfg, ("admin", None, None))
    assert can(admin, "account.manage") and scope(admin, "audit.read").everything
    assert scope(admin, "matter.read").empty and not can(admin, "personal.view", 1)


def test_config_refuses_a_permission_it_does_not_know(cfg):
    with open(CONFIG_PATH, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    raw["roles"]["leader"]["can"] = ["matter.read", "matter.delete"]
    with pytest.raises(ConfigError) as err:
        parse_settings(raw)
    assert err.value.key == "config.unknown_permission" and err.value.params["code"] == "matter.delete"
    raw["roles"]["leader"]["can"] = ["matter.read"]
    raw["security"] = {"lockout_minutes": 0}
    with pytest.raises(ConfigError) as err:
        parse_settings(raw)
    assert err.value.key == "config.bad_number"


# --- personal data ---

def test_masks_keep_only_what_identifies_nobody():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("010-62345678") == "010*****5678"
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_name("王丽娟") == "王**" and mask_name("王") == "*"
    assert masked({"reporter_phone": None, "description": "x"}) == {"reporter_phone": None, "description": "x"}


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_a_masked_phone_never_shows_its_middle_digits(phone):
    shown = mask_phone(phone)
    assert len(shown) == len(phone) and shown[3:7] == "****" and shown[-4:] == phone[-4:]


def test_id_numbers_need_a_birth_date_and_the_right_check_character():
    assert valid_id_number("11010519491231002X")
    assert not valid_id_number("110105194912310021"), "wrong check character"
    assert not valid_id_number("110105194913310029"), "month 13"
    assert not valid_id_number("11010519491231002")


# --- accounts ---

def test_password_rules():
    for bad, key in (("short", "error.password_short"), ("wangli-1234", "error.password_weak"),
                     ("aaaaaaaaaaaa", "error.password_weak"), ("长" * 30, "error.password_long")):
        with pytest.raises(ValidationFailed) as err:
            check_password(bad, username="WangLi-1234", min_length=10)
        assert err.value.errors["password"][0] == key, bad
    check_password("a-long-password", username="wangli", min_length=10)


def test_account_form_reports_every_field_at_once():
    with pytest.raises(ValidationFailed) as err:
        clean_account({"username": "王", "display_name": "", "email": "not-mail", "password": "longenough-1",
                       "password_again": "different-1"}, min_length=10, with_password=True)
    assert set(err.value.errors) == {"username", "display_name", "email", "password_again"}
    ok = clean_account({"username": " WangLi ", "display_name": "王丽", "email": "Wang@Example.cn",
                        "password": "longenough-1", "password_again": "longenough-1"}, min_length=10,
                       with_password=True)
    assert (ok["username"], ok["email"]) == ("wangli", "wang@example.cn")
