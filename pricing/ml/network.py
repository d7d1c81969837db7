"""The multimodal fair-price network (torch is imported by the caller's function first).

Image branch: pooled backbone features (EfficientNet-B2: 1408-d) -> 256-d, read as
``IMAGE_TOKENS`` tokens of 64-d. Spec branch: encoded spec vector (+ a learned manufacturer
embedding for V3) -> 256-d, read the same way. (Small on purpose: all four members train on
3,600 products in minutes on two CPU cores.) Cross-attention: spec tokens query the image tokens plus a learned
"no image" token; a product without an image masks its image tokens, so attention falls on the
"no image" token. A learnable gate mixes the spec representation with what attention brought
back, and a small head regresses the (scaled or log) price.
"""

from __future__ import annotations

from dataclasses import dataclass

HIDDEN = 256  # spec branch output; also the image projection width
IMAGE_TOKENS = 4  # the 256-d vectors are read as 4 tokens of 64-d for cross-attention
TOKEN = HIDDEN // IMAGE_TOKENS
HEADS = 4


@dataclass(frozen=True)
class MemberSpec:
    """What distinguishes the four reference members."""

    key: str
    label: str
    log_target: bool
    dropout: float
    manufacturer_embedding: bool


MEMBERS: list[MemberSpec] = [
    MemberSpec("base", "Base", log_target=False, dropout=0.1, manufacturer_embedding=False),
    MemberSpec("v1", "V1 (로그 가격)", log_target=True, dropout=0.1, manufacturer_embedding=False),
    MemberSpec(
        "v2", "V2 (로그 + 드롭아웃 0.3)", log_target=True, dropout=0.3, manufacturer_embedding=False
    ),
    MemberSpec(
        "v3", "V3 (제조사 임베딩)", log_target=True, dropout=0.1, manufacturer_embedding=True
    ),
]
MEMBER_BY_KEY = {m.key: m for m in MEMBERS}


def build_network(
    spec_dim: int,
    image_dim: int,
    manufacturer_count: int,
    member: MemberSpec,
) -> object:
    """A ``FairPriceNet`` (torch.nn.Module) for one member."""
    import torch
    from torch import nn

    class FairPriceNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            emb = 16 if member.manufacturer_embedding else 0
            self.mfr = nn.Embedding(manufacturer_count, emb) if emb else None
            self.spec = nn.Sequential(
                nn.Linear(spec_dim + emb, HIDDEN),
                nn.GELU(),
                nn.Dropout(member.dropout),
                nn.Linear(HIDDEN, HIDDEN),
                nn.LayerNorm(HIDDEN),
                nn.GELU(),
            )
            self.image = nn.Sequential(
                nn.LayerNorm(image_dim),
                nn.Dropout(member.dropout),
                nn.Linear(image_dim, HIDDEN),
            )
            self.no_image = nn.Parameter(torch.zeros(1, 1, TOKEN))
            self.attn = nn.MultiheadAttention(TOKEN, HEADS, dropout=0.0, batch_first=True)
            self.gate = nn.Sequential(nn.Linear(2 * HIDDEN, HIDDEN), nn.Sigmoid())
            self.head = nn.Sequential(
                nn.Linear(HIDDEN, 128),
                nn.GELU(),
                nn.Dropout(member.dropout),
                nn.Linear(128, 1),
            )

        def forward(
            self,
            spec: torch.Tensor,
            image: torch.Tensor,
            has_image: torch.Tensor,
            mfr: torch.Tensor,
        ) -> torch.Tensor:
            if self.mfr is not None:
                spec = torch.cat([spec, self.mfr(mfr)], dim=1)
            s = self.spec(spec)  # (B, 256)
            batch = s.shape[0]
            queries = s.view(batch, IMAGE_TOKENS, TOKEN)
            img = self.image(image).view(batch, IMAGE_TOKENS, TOKEN)
            keys = torch.cat([self.no_image.expand(batch, 1, TOKEN), img], dim=1)
            # True = ignore: image tokens are masked for products without an image.
            mask = torch.cat(
                [
                    torch.zeros(batch, 1, dtype=torch.bool, device=spec.device),
                    (~has_image.bool()).unsqueeze(1).expand(batch, IMAGE_TOKENS),
                ],
                dim=1,
            )
            attended, _ = self.attn(queries, keys, keys, key_padding_mask=mask)
            a = attended.reshape(batch, HIDDEN)
            g = self.gate(torch.cat([s, a], dim=1))
            fused = g * s + (1 - g) * a
            return self.head(fused).squeeze(1)

    return FairPriceNet()
