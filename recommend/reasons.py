"""Reasons: the template reason built from an entry's facts (labelled "자동 작성 문구"), shown
at once; the LLM's reason replaces it when a validated one is cached (``recommend.llm``)."""

from __future__ import annotations

TEMPLATE_LABEL = "자동 작성 문구"


def _won(amount: int) -> str:
    return f"{amount:,}원"


def template_reason(facts: dict[str, object]) -> str:
    """One or two Korean sentences from the facts alone (no number or name that is not there)."""
    use = facts["use"]
    parts = [p for p in (facts.get("cpu"), facts.get("gpu")) if p]
    config = " · ".join(parts) if parts else "사양"
    if facts.get("score") is None:
        first = f"{config} 구성으로, 벤치마크 정보가 없어 {use} 점수를 매기지 못했습니다."
    else:
        first = f"{config} 구성으로 {use} 점수 {facts['score']}점입니다."
    second = []
    if facts.get("price"):
        second.append(f"가격은 {_won(int(facts['price']))}")
    if facts.get("deal"):
        second.append(f"적정가 대비 {facts['deal']}")
    if facts.get("verdict"):
        second.append(f"구매 시점은 '{facts['verdict']}'")
    if not second:
        return first
    return f"{first} {', '.join(second)}입니다."
