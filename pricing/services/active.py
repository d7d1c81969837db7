"""The active fair-price model: which one it is, its ensemble (loaded once per process), and
what it estimates (its scope)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from pricing.configurations import NOT_ESTIMATED
from pricing.ml import registry
from pricing.ml.ensemble import FairPriceEnsemble
from pricing.ml.features import SpecRecord
from pricing.models import PricingModel

logger = logging.getLogger(__name__)

TRAIN_KINDS = ("desktop", "laptop")

NO_MODEL = "아직 학습된 적정가 모델이 없습니다"


class NoActiveModel(LookupError):
    """No usable fair-price model: none trained yet, or the active one's artifact is missing or
    of another format version (the message says which)."""


class NotEstimated(LookupError):
    """The active model was not trained on this product's kind or category (a sofa, a jacket,
    or a PC category it has not seen): it gives no fair price for it."""

    def __init__(self, message: str = NOT_ESTIMATED) -> None:
        super().__init__(message)


def artifact_dir() -> Path:
    return Path(settings.MODEL_DIR) / "pricing"


def artifact_path(model: PricingModel) -> Path:
    path = Path(model.artifact)
    return path if path.is_absolute() else artifact_dir() / path


def load_ensemble(model: PricingModel) -> FairPriceEnsemble:
    """The model's ensemble, loaded once per process (``pricing.ml.registry``). Raises
    NoActiveModel when its artifact is missing or incompatible: no usable model either way."""
    try:
        return registry.load(
            artifact_path(model), version=model.version, format_version=model.format_version
        )
    except registry.NoUsableModel as exc:
        raise NoActiveModel(str(exc)) from exc


def get_active() -> tuple[PricingModel, FairPriceEnsemble]:
    """(active model row, its ensemble); raises NoActiveModel when there is none, or when its
    artifact is missing or of another format version."""
    model = PricingModel.objects.current()
    if model is None:
        raise NoActiveModel(NO_MODEL)
    return model, load_ensemble(model)


def reset_model_cache() -> None:
    registry.reset()


def cached_model_version() -> int | None:
    """The version of the model this process holds loaded, None when it holds none."""
    return registry.held_version()


def warm_up() -> bool:
    """Load the active model and its members into this process now (one estimate included, so
    torch's first-call set-up happens here too), so the first product page of a web worker does
    not wait for it. Never raises: without a model, a model file or a database it logs and
    returns False (called at web-worker start, ``pcadvisor/wsgi.py``)."""
    try:
        model, ensemble = get_active()
        ensemble.estimate([SpecRecord(key="warm-up", name="")])
    except NoActiveModel as exc:
        logger.info("pricing warm-up skipped: %s", exc)
        return False
    except Exception:  # no database yet, an unreadable artifact, ...: start anyway
        logger.warning("pricing warm-up failed; the model loads on first use", exc_info=True)
        return False
    logger.info("pricing model v%s loaded at start-up", model.version)
    return True


@dataclass(frozen=True)
class Scope:
    """What a model estimates: category kinds, and catalog category codes (empty: any category
    of those kinds, for models registered before categories were recorded)."""

    kinds: tuple[str, ...]
    categories: tuple[str, ...] = ()

    def covers(self, kind: str, category: str = "") -> bool:
        if kind not in self.kinds:
            return False
        return not self.categories or category in self.categories

    def filter(self, products: object) -> object:
        """``products`` (a Product QuerySet) narrowed to those in scope."""
        products = products.filter(category__kind__in=list(self.kinds))
        if self.categories:
            products = products.filter(category__code__in=list(self.categories))
        return products


def model_scope(model: PricingModel, ensemble: FairPriceEnsemble | None = None) -> Scope:
    """The kinds/categories recorded with the model at training time; for a model registered
    before they were recorded, the kinds its encoder learned (its artifact is loaded for that).
    Never a kind outside PC_KINDS."""
    from catalog.models import PC_KINDS

    domain = model.domain or {}
    if not domain.get("kinds"):
        ensemble = ensemble or load_ensemble(model)
        domain = ensemble.domain or {"kinds": ensemble.kinds}
    kinds = domain.get("kinds") or TRAIN_KINDS
    return Scope(
        kinds=tuple(k for k in kinds if k in PC_KINDS),
        categories=tuple(domain.get("categories") or ()),
    )


def product_in_scope(scope: Scope, product: object) -> bool:
    category = product.category if product.category_id else None
    return category is not None and scope.covers(category.kind, category.code)
