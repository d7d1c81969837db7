"""Image pipeline of the look-alike search: loading, background, embedders. Imports no Django
models (adapters live in ``similarity.services``); torch, transformers and rembg are imported
inside functions so that Django starts without them."""
