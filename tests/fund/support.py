"""The demo fund's rows as the fund's tests need them, and small files of each kind."""

from __future__ import annotations

from sqlalchemy import func, select

from data_access.db import reading
from data_access.demo.fund import FUND, GARDEN
from data_access.models import AuditLog, CouncilDecision, Fund, FundIncome, FundRequest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def demo_fund(engine) -> Fund:
    with reading(engine) as session:
        return session.execute(select(Fund).where(Fund.name == FUND)).scalars().one()


def balance(engine, fund_id: int) -> int:
    with reading(engine) as session:
        return session.get(Fund, fund_id).balance_fen


def books(engine, fund_id: int) -> int:
    """The balance as the entries make it: opening + income - payments."""
    with reading(engine) as session:
        fund = session.get(Fund, fund_id)
        received = session.execute(select(func.coalesce(func.sum(FundIncome.amount_fen), 0))
                                   .where(FundIncome.fund_id == fund_id)).scalar_one()
        paid = session.execute(select(func.coalesce(func.sum(FundRequest.amount_fen), 0))
                               .where(FundRequest.fund_id == fund_id, FundRequest.status == "paid")).scalar_one()
        return fund.opening_fen + int(received) - int(paid)


def garden_decision(engine) -> CouncilDecision:
    """The decision the demo's large spending rests on."""
    return decision(engine, GARDEN)


def decision(engine, starts: str) -> CouncilDecision:
    with reading(engine) as session:
        return session.execute(select(CouncilDecision).where(CouncilDecision.text.startswith(starts))).scalars().one()


def garden_number(engine) -> str:
    """The number of the demo's request paid on the garden decision."""
    with reading(engine) as session:
        return session.execute(select(FundRequest.number).where(
            FundRequest.decision_id == garden_decision(engine).id)).scalar_one()


PUBLIC_INCOME = "公共收益收支每季度在公告栏公示"  # a passed decision of 幸福里 no spending rests on yet


def counts(engine) -> tuple[int, int, int]:
    """Income entries, requests and audit entries: what a refused write must leave as it was."""
    with reading(engine) as session:
        return tuple(session.execute(select(func.count()).select_from(model)).scalar_one()
                     for model in (FundIncome, FundRequest, AuditLog))
