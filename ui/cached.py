"""Cached reads for the pages: keyed by database URL, query and arguments; cleared after every write."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from data_access import org
from data_access.accounts import audit_trail
from data_access.briefing import content as briefing_content
from data_access.committee import meetings as committee_meetings
from data_access.committee import queries as committee_queries
from data_access.committee import writes as committee_writes
from data_access.config import settings
from data_access.council import queries as council_queries
from data_access.fund import queries as fund_queries
from data_access.service import kpis as service_kpis
from data_access.service import queries as service_queries
from data_access.volunteer import queries as volunteer_queries
from data_access.volunteer import registry as volunteer_registry

QUERIES = {
    "communities": org.communities,
    "grids": org.grids,
    "overview": service_kpis.overview,
    "overdue": service_queries.overdue,
    "ledger": service_queries.ledger_page,
    "count": service_queries.count_matters,
    "audit_count": audit_trail.count_entries,
    "audit_page": audit_trail.entries_page,
    "audit_communities": audit_trail.scope_communities,
    "committee_communities": committee_queries.committee_communities,
    "committee_dashboard": committee_queries.dashboard,
    "committee_unit_ranking": committee_queries.unit_ranking,
    "committee_project_ranking": committee_queries.project_ranking,
    "committee_units": committee_queries.units,
    "committee_agreements": committee_queries.agreements,
    "committee_needs": committee_queries.needs,
    "committee_resources": committee_queries.resources,
    "committee_projects": committee_queries.projects,
    "committee_items": committee_queries.items,
    "committee_claims": committee_queries.claims,
    "committee_representatives": committee_writes.representatives,
    "committee_claim_history": committee_meetings.claim_history,
    "council_communities": council_queries.council_communities,
    "council_councils": council_queries.councils,
    "council_members": council_queries.members,
    "council_topics": council_queries.topics,
    "council_topic_timeline": council_queries.topic_timeline,
    "council_meetings": council_queries.meetings,
    "council_meeting_detail": council_queries.meeting_detail,
    "council_decisions": council_queries.decisions,
    "council_participation": council_queries.participation,
    "council_quarterly": council_queries.quarterly,
    "council_overview": council_queries.overview,
    "council_decisions_of_matter": council_queries.decisions_of_matter,
    "briefing": briefing_content.gather,
    "fund_funds": fund_queries.funds,
    "fund_managers": fund_queries.managers,
    "fund_candidates": fund_queries.candidates,
    "fund_income": fund_queries.income,
    "fund_requests": fund_queries.requests,
    "fund_queue": fund_queries.queue,
    "fund_request": fund_queries.request_record,
    "fund_decisions": fund_queries.decisions,
    "fund_statement": fund_queries.statement,
    "fund_overview": fund_queries.overview,
    "volunteer_communities": volunteer_queries.volunteer_communities,
    "volunteer_volunteers": volunteer_queries.volunteers_page,
    "volunteer_teams": volunteer_queries.teams,
    "volunteer_units": volunteer_queries.unit_choices,
    "volunteer_accounts": volunteer_registry.account_choices,
    "volunteer_choices": volunteer_queries.volunteer_choices,
    "volunteer_orders": volunteer_queries.orders_page,
    "volunteer_order": volunteer_queries.order_detail,
    "volunteer_orders_of_matter": volunteer_queries.orders_of_matter,
    "volunteer_suggestions": volunteer_queries.suggestions,
    "volunteer_overview": volunteer_queries.overview,
    "volunteer_my_work": volunteer_queries.my_work,
    "volunteer_statement": volunteer_queries.statement,
    "volunteer_goods": volunteer_queries.goods,
    "volunteer_redemptions": volunteer_queries.redemptions_page,
}


@st.cache_data(ttl=settings().cache_ttl_s, show_spinner=False)
def _run(_engine: Engine, url: str, name: str, args: tuple, kwargs: tuple):
    return QUERIES[name](_engine, *args, **dict(kwargs))


def read(engine: Engine, name: str, *args, **kwargs):
    """QUERIES[name](engine, *args, **kwargs), served from the cache when the same read was made lately."""
    return _run(engine, str(engine.url), name, args, tuple(sorted(kwargs.items())))


@st.cache_data(ttl=settings().briefing.refresh_seconds, show_spinner=False)
def _run_for_screens(_engine: Engine, url: str, name: str, args: tuple, kwargs: tuple):
    return QUERIES[name](_engine, *args, **dict(kwargs))


def read_for_screens(engine: Engine, name: str, *args, **kwargs):
    """As `read`, kept for the big screen's refresh interval: every screen of the same scope and period, in this
    process, shares one read per interval (Streamlit computes a missing entry once while others wait)."""
    return _run_for_screens(engine, str(engine.url), name, args, tuple(sorted(kwargs.items())))
