"""A self-contained demo catalog built without network: real CPU/GPU models with approximate
PassMark scores, Korean brand-PC names and specs, component-driven prices with 90+ days of
history, and product photos drawn by code. Entry point: ``catalog.demo.service.seed_demo``
(``python manage.py seed_demo``)."""
