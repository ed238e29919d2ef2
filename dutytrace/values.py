"""Stored values in words, the same on every surface (UI pages, CLI, brief): what a case.yaml or the
facts reader stores as a code (`gas_supply`) and what a reader is shown (Gas supply / 燃气供应)."""

from __future__ import annotations

INDUSTRIES = {  # the industry values of case.yaml files, in words (others: underscores read as spaces)
    "agriculture": ("Agriculture", "农业"), "chemicals": ("Chemicals", "化工"), "construction": ("Construction", "建筑施工"),
    "fishery": ("Fishery", "渔业"), "food": ("Food processing", "食品加工"), "gas_supply": ("Gas supply", "燃气供应"),
    "logistics": ("Logistics", "物流"), "manufacturing": ("Manufacturing", "制造业"), "mining": ("Mining", "矿山"),
    "municipal": ("Municipal works", "市政"), "other": ("Other", "其他行业"), "power": ("Electric power", "电力"),
    "shipbuilding": ("Shipbuilding", "船舶修造"), "textile": ("Textiles", "纺织"), "transport": ("Transport", "交通运输"),
    "warehousing": ("Warehousing", "仓储"), "hazardous_chemicals": ("Hazardous chemicals", "危险化学品"),
    "metallurgy": ("Metallurgy", "冶金"), "trade": ("Trade and retail", "商贸"), "catering": ("Catering", "餐饮"),
}


def industry_words(value, lang: str) -> str:
    """An industry value in words in `lang` ("en" or "zh"); an unknown value with its underscores read as spaces."""
    if value in (None, ""):
        return ""
    key = str(value).strip().lower()
    if key in INDUSTRIES:
        return INDUSTRIES[key][1 if lang == "zh" else 0]
    return str(value).replace("_", " ")
