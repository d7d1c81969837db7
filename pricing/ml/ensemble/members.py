"""Training the four reference networks: one with early stopping on validation loss, and all of
them side by side in spawned worker processes when there are spare CPU cores."""

from __future__ import annotations

import math
import multiprocessing
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pricing.ml.ensemble.config import Progress, TrainConfig
from pricing.ml.ensemble.data import BASE_SCALE, Dataset, as_tensors, to_target
from pricing.ml.features import SpecEncoder
from pricing.ml.network import MEMBER_BY_KEY, build_network


def train_member(
    key: str,
    train: Dataset,
    val: Dataset,
    encoder: SpecEncoder,
    image_dim: int,
    config: TrainConfig,
    progress: Callable[[int], None] | None,
) -> tuple[object, dict[str, float], dict[str, float]]:
    """Train one network with early stopping on validation loss; returns (net, meta, log)."""
    import torch

    member = MEMBER_BY_KEY[key]
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        # Small batches of a small network: one thread beats two (no sync overhead).
        torch.set_num_threads(1)
    # A stable per-member seed (``hash(str)`` changes from process to process).
    torch.manual_seed(config.seed + zlib.crc32(key.encode()) % 1000)
    residual = key in config.residual_members and train.base_log is not None
    logs = np.log(train.y) - (train.base_log if residual else 0.0)
    meta = {
        "residual": residual,
        "log_target": member.log_target,
        "offset": float(np.mean(logs)),
        "log_scale": float(np.std(logs)) if np.std(logs) > 1e-6 else 1.0,
        "mean": float(np.mean(train.y)),
        "scale": float(np.std(train.y)) if np.std(train.y) > 0 else BASE_SCALE,
    }
    net = build_network(encoder.width, image_dim, encoder.manufacturer_count, member).to(device)
    # The fused AdamW kernel (same update rule) takes ~1/3 of the foreach step time on CPU,
    # which is a third of each training step for this small network.
    optim = torch.optim.AdamW(
        net.parameters(), lr=config.lr, weight_decay=config.weight_decay, fused=True
    )
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(optim, T_max=config.t_max)
    loss_fn = torch.nn.HuberLoss(delta=config.huber_delta)
    xs = [t.to(device) for t in as_tensors(train)]
    yt = torch.from_numpy(to_target(train.y, meta, train.base_log).astype(np.float32)).to(device)
    xv = [t.to(device) for t in as_tensors(val)]
    yv = torch.from_numpy(to_target(val.y, meta, val.base_log).astype(np.float32)).to(device)
    gen = torch.Generator().manual_seed(config.seed)
    best, best_state, best_epoch, stale, epoch = math.inf, None, 0, 0, 0
    for epoch in range(1, config.max_epochs + 1):
        net.train()
        order = torch.randperm(len(yt), generator=gen).to(device)
        # Shuffle once per epoch, then take contiguous slices (views, no per-step gather).
        xe = [t[order] for t in xs]
        ye = yt[order]
        for start in range(0, len(order), config.batch_size):
            stop = start + config.batch_size
            if len(ye[start:stop]) < 2:
                continue
            optim.zero_grad(set_to_none=True)
            loss = loss_fn(net(*(t[start:stop] for t in xe)), ye[start:stop])
            loss.backward()
            optim.step()
        sched.step()
        net.eval()
        with torch.inference_mode():
            val_loss = float(loss_fn(net(*xv), yv))
        if val_loss < best - 1e-6:
            best, best_epoch, stale = val_loss, epoch, 0
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        else:
            stale += 1
        if progress:
            progress(epoch)
        if stale >= config.patience:
            break
    net.load_state_dict(best_state)
    net.to("cpu").eval()
    return net, meta, {"epochs": epoch, "best_epoch": best_epoch, "val_loss": best}


def _member_worker_init(events: object) -> None:
    global _EVENTS
    _EVENTS = events


_EVENTS: object = None


def _member_job(
    key: str,
    train: Dataset,
    val: Dataset,
    width: int,
    mfr_count: int,
    image_dim: int,
    config: TrainConfig,
) -> tuple[str, dict[str, np.ndarray], dict[str, float], dict[str, float]]:
    """Train one member in a worker process; returns plain arrays (no tensors over the pipe)."""
    encoder = _EncoderShape(width, mfr_count)

    def report(epoch: int) -> None:
        if _EVENTS is not None:
            _EVENTS.put((key, epoch))

    net, meta, log = train_member(key, train, val, encoder, image_dim, config, report)
    state = {k: v.detach().cpu().numpy() for k, v in net.state_dict().items()}
    return key, state, meta, log


@dataclass
class _EncoderShape:
    """What ``build_network`` needs from an encoder (workers get this, not the encoder)."""

    width: int
    manufacturer_count: int


def train_members(
    train: Dataset,
    val: Dataset,
    encoder: SpecEncoder,
    image_dim: int,
    config: TrainConfig,
    progress: Progress | None,
) -> tuple[dict[str, object], dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Train the configured networks, side by side in worker processes when there are spare
    CPU cores (each worker uses one torch thread), else one after another in this process."""
    import torch

    keys = list(config.members)
    workers = config.workers or min(len(keys), os.cpu_count() or 1)
    if torch.cuda.is_available() or multiprocessing.current_process().daemon:
        workers = 1  # one GPU; or a daemonic (Celery prefork) process that may not fork
    workers = max(1, min(workers, len(keys)))
    total = config.max_epochs * len(keys)
    done = dict.fromkeys(keys, 0)

    def tick(key: str, epoch: int) -> None:
        done[key] = epoch
        if progress:
            progress("train", sum(done.values()), total)

    networks, meta, logs = {}, {}, {}
    if workers == 1:
        for key in keys:
            networks[key], meta[key], logs[key] = train_member(
                key, train, val, encoder, image_dim, config, lambda e, k=key: tick(k, e)
            )
            tick(key, config.max_epochs)
        return networks, meta, logs
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # "spawn": a fresh interpreter per worker (forking a process whose torch thread pools are
    # already running can deadlock); the workers import only pricing.ml, not Django.
    ctx = multiprocessing.get_context("spawn")
    events = ctx.SimpleQueue()
    args = (train, val, encoder.width, encoder.manufacturer_count, image_dim, config)
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_member_worker_init,
                             initargs=(events,)) as pool:  # fmt: skip
        pending = {pool.submit(_member_job, key, *args) for key in keys}
        while pending:
            finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            while not events.empty():
                tick(*events.get())
            for future in finished:
                key, state, meta[key], logs[key] = future.result()
                net = build_network(encoder.width, image_dim, encoder.manufacturer_count,
                                    MEMBER_BY_KEY[key])  # fmt: skip
                net.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
                networks[key] = net.eval()
                tick(key, config.max_epochs)
    return {k: networks[k] for k in keys}, meta, logs
