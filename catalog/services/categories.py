"""Categories and manufacturers: the rows products point to, created on first use."""

from __future__ import annotations

from catalog.danawa import categories as danawa_categories
from catalog.models import Category, CategoryKind, Manufacturer

# Danawa category id -> (name, kind), from the one list of Danawa's ids.
KNOWN_CATEGORIES: dict[str, tuple[str, str]] = {
    code: (name, CategoryKind(kind)) for code, (name, kind) in danawa_categories.CATEGORIES.items()
}

# Kinds a user may name in an import file, with the category they land in.
KIND_CATEGORY_CODES = {CategoryKind(k): code for k, code in danawa_categories.KIND_CODES.items()}


def get_category(code: str, name: str = "", kind: str = "") -> Category:
    """The category with Danawa id (or local slug) ``code``, created on first use."""
    default_name, default_kind = KNOWN_CATEGORIES.get(
        code, (name or code, kind or CategoryKind.OTHER)
    )
    category, _ = Category.objects.get_or_create(
        code=code, defaults={"name": name or default_name, "kind": kind or default_kind}
    )
    return category


def get_category_for_kind(kind_or_name: str) -> Category:
    """desktop/cpu/gpu/laptop map to their Danawa categories; any other word is a local category."""
    value = kind_or_name.strip()
    key = value.lower()
    if key in KIND_CATEGORY_CODES:
        return get_category(KIND_CATEGORY_CODES[key])
    for code, (name, _kind) in KNOWN_CATEGORIES.items():
        if value == name:
            return get_category(code)
    return get_category(f"local:{key}", name=value, kind=CategoryKind.OTHER)


MANUFACTURER_ALIASES = {
    "삼성": "삼성전자",
    "samsung": "삼성전자",
    "lg": "LG전자",
    "엘지": "LG전자",
    "엘지전자": "LG전자",
    "hp": "HP",
    "dell": "Dell",
    "델": "Dell",
    "lenovo": "Lenovo",
    "레노버": "Lenovo",
    "asus": "ASUS",
    "에이수스": "ASUS",
    "msi": "MSI",
    "apple": "Apple",
    "애플": "Apple",
    "한성": "한성컴퓨터",
    "주연": "주연테크",
}


def canonical_manufacturer(name: str) -> str:
    clean = " ".join(name.split())
    return MANUFACTURER_ALIASES.get(clean.lower(), clean)


def get_manufacturer(name: str) -> Manufacturer | None:
    clean = canonical_manufacturer(name or "")
    if not clean:
        return None
    manufacturer, _ = Manufacturer.objects.get_or_create(name=clean)
    return manufacturer
