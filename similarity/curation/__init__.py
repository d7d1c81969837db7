"""Staff curation of the similarity index: re-index runs with progress (``reindex``) and
near-duplicate products found by picture and title (``duplicates``, on ``phash`` and
``titles``, which import no Django models)."""
