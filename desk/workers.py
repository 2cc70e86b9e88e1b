"""Worker processes that prepare a burst of mail in parallel (see ``desk.prepare``).

Parsing, the documentation lookup and the classifier cost most of a mail's
time and read no shared state, so a burst is split into chunks prepared by one
worker process per core, while the calling process threads, decides and
commits each mail in the original order. Workers start by ``forkserver`` (no
SQLite connection, lock or OpenMP team is inherited), load their own models
once, and keep every numeric library to one thread, so N workers use N cores.

A small batch is prepared in the calling process: starting the workers costs
seconds. If a worker dies, its chunk is prepared in the calling process and
the pool is started again on next use: a burst gets slower, never lost.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from types import TracebackType

from desk.config import Config
from desk.prepare import PreparedMail, Preparer

log = logging.getLogger(__name__)

_preparer: Preparer | None = None  # the worker process's own


def _start_worker(config: Config) -> None:
    global _preparer
    # One thread per numeric library: the workers are the parallelism.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    from threadpoolctl import threadpool_limits

    from desk import services

    models = services.load_models(config)
    threadpool_limits(1)  # libraries loaded before the variables were read
    _preparer = services.preparer(config, models)


def _prepare_chunk(items: Sequence[tuple[bytes, str]]) -> list[PreparedMail]:
    if _preparer is None:
        raise RuntimeError("worker process started without its models")
    return _preparer.prepare(items)


def _chunks(items: Iterable[tuple[bytes, str]], size: int) -> Iterator[list[tuple[bytes, str]]]:
    source = iter(items)
    while chunk := list(islice(source, size)):
        yield chunk


def worker_count(configured: int) -> int:
    """``configured`` workers; 0 means one per core this process may use."""
    if configured > 0:
        return configured
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class PreparePool:
    """Prepares mail in worker processes once a batch is big enough to pay for them."""

    def __init__(
        self, config: Config, local: Preparer, workers: int, parallel_from: int, chunk: int = 16
    ) -> None:
        self.config = config
        self.local = local
        self.workers = workers
        self.parallel_from = parallel_from
        self.chunk = chunk
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._executor is not None

    def stream(self, items: Iterable[tuple[bytes, str]]) -> Iterator[PreparedMail]:
        """The prepared mails, in the order of ``items``, as they become ready.

        ``items`` is read ahead by at most two chunks per worker, so the caller can
        commit one mail while the workers parse the next ones. Fewer than
        ``parallel_from`` mails in all are prepared here, without workers; so is
        the rest of the stream once a worker has died.
        """
        source = iter(items)
        head = list(islice(source, max(self.parallel_from, 2)))
        if self.workers <= 1 or len(head) < max(self.parallel_from, 2):
            for chunk in _chunks(chain(head, source), self.chunk):
                yield from self.local.prepare(chunk)
            return
        pending: deque[tuple[list[tuple[bytes, str]], Future[list[PreparedMail]] | None]]
        pending = deque()
        broken = False
        for chunk in _chunks(chain(head, source), self.chunk):
            future = None if broken else self._submit(chunk)
            broken = future is None
            pending.append((chunk, future))
            while len(pending) > 2 * self.workers or (pending and broken):
                done, broken = self._result(*pending.popleft(), broken)
                yield from done
        while pending:
            done, broken = self._result(*pending.popleft(), broken)
            yield from done

    def _submit(self, chunk: list[tuple[bytes, str]]) -> Future[list[PreparedMail]] | None:
        """The chunk handed to a worker; None if the workers cannot take it."""
        for _attempt in range(2):  # a worker that died while idle: start afresh once
            try:
                return self._start().submit(_prepare_chunk, chunk)
            except BrokenProcessPool as exc:
                log.warning("mail-preparing workers are gone (%s)", exc)
                self.close()
        return None

    def _result(
        self,
        chunk: list[tuple[bytes, str]],
        future: Future[list[PreparedMail]] | None,
        broken: bool,
    ) -> tuple[list[PreparedMail], bool]:
        """A chunk's prepared mails (prepared here if its worker died); whether the pool is
        broken now."""
        if future is not None and not broken:
            try:
                return future.result(), False
            except BrokenProcessPool as exc:
                log.warning("a mail-preparing worker died (%s); preparing here instead", exc)
                self.close()
        return self.local.prepare(chunk), True

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            log.info("starting %d mail-preparing worker processes", self.workers)
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=_start_worker,
                initargs=(self.config,),
            )
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> PreparePool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
