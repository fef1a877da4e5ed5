"""The engine's single-threaded apply loop: order.command.v1 -> books -> engine.event.v1.

Exactly-once output without broker transactions (docs/ARCHITECTURE.md → Contracts, "Exactly once"):

1. Load the latest BookSnapshot per symbol from engine.snapshot.v1 and restore those books.
2. Learn the last engine_seq already published per symbol from the tail of engine.event.v1.
3. Replay order.command.v1 from the lowest (snapshot input_offset + 1) per partition (from the
   start for a partition without snapshots); a command at or below its own book's snapshot
   offset is skipped. The engine is deterministic, so the replay re-creates the same events with
   the same ids; those with seq <= last published are not produced again.
4. Continue live. Every book is snapshotted after its first command and then every
   ENGINE_SNAPSHOT_EVERY commands: events are flushed first, then the snapshot and its BookHash
   are produced and flushed before the next command, so a snapshot never gets ahead of its
   events and the snapshots on the topic are a prefix of the processing order.

Consumer offsets are committed only as a hint for operators; the snapshots are the truth.
"""
from __future__ import annotations

import asyncio
import logging

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from tradex.engine.v1 import events_pb2 as pb

from services.engine.adapters import topic_reader
from services.engine.adapters.publisher import TOPIC_EVENTS, TOPIC_HASHES, TOPIC_SNAPSHOTS, Publisher
from services.engine.api.commands import apply_command, new_book
from services.engine.api.events import to_protos
from services.engine.api.snapshots import from_snapshot, to_book_hash, to_snapshot
from services.engine.app.book import InputPosition, SymbolBook
from services.platform.kafka_clients import STORED_OFFSETS, PolledClient, make_consumer, poll_on_thread

log = logging.getLogger(__name__)

TOPIC_COMMANDS = "order.command.v1"


class CommandLoop:
    def __init__(self, bootstrap: str, snapshot_every: int, group_id: str = "engine") -> None:
        self._bootstrap = bootstrap
        self._snapshot_every = snapshot_every
        self._group_id = group_id
        self.books: dict[str, SymbolBook] = {}
        self._last_published: dict[str, int] = {}
        self._snapshotted: set[str] = set()
        self.ready = asyncio.Event()  # set once recovery has caught up with the input's end
        self._catch_up: dict[int, int] = {}

    async def run(self) -> None:
        publisher = Publisher(self._bootstrap)
        consumer = make_consumer(self._bootstrap, self._group_id, **STORED_OFFSETS)
        try:
            try:
                await asyncio.to_thread(self._recover, consumer)
            except BaseException:
                await asyncio.to_thread(consumer.close)
                raise
            # The batch is applied on the loop while the polling thread waits for it, so the
            # offsets stored here never meet a running poll (PolledClient says why that matters).
            await poll_on_thread(PolledClient(consumer, self._group_id),
                                 lambda records: self._apply_batch(records, consumer, publisher))
        except BaseException:
            publisher.abandon()
            raise

    def _apply_batch(self, records: list, consumer: Consumer, publisher: Publisher) -> None:
        last = {}
        for record in records:
            self._apply(record, publisher)
            last[record.partition()] = record.offset()
        publisher.check()
        if last:
            consumer.store_offsets(offsets=[TopicPartition(TOPIC_COMMANDS, p, o + 1) for p, o in last.items()])
        self._note_progress(last)

    # ----------------------------------------------------------------------------------- recovery

    def _recover(self, consumer: Consumer) -> None:
        self.books.clear()
        self._snapshotted.clear()
        snapshots = topic_reader.latest_snapshots(self._bootstrap, TOPIC_SNAPSHOTS)
        for symbol, snap in snapshots.items():
            self.books[symbol] = from_snapshot(snap)
            self._snapshotted.add(symbol)
        seqs = topic_reader.last_published_seqs(
            self._bootstrap, TOPIC_EVENTS, {s: snap.engine_seq for s, snap in snapshots.items()})
        # Everything up to a snapshot was flushed before it, even if retention dropped it since.
        self._last_published = {s: max(seqs.get(s, 0), snapshots[s].engine_seq if s in snapshots else 0)
                                for s in set(seqs) | set(snapshots)}
        meta = consumer.list_topics(TOPIC_COMMANDS, timeout=10).topics[TOPIC_COMMANDS]
        starts = {}
        for partition in sorted(meta.partitions):
            offsets = [s.input_offset + 1 for s in snapshots.values() if s.input_partition == partition]
            starts[partition] = min(offsets) if offsets else OFFSET_BEGINNING
            self._catch_up[partition] = consumer.get_watermark_offsets(
                TopicPartition(TOPIC_COMMANDS, partition), timeout=10)[1]
        consumer.assign([TopicPartition(TOPIC_COMMANDS, p, o) for p, o in starts.items()])
        log.info("engine recovered", extra={"snapshots": len(snapshots), "start_offsets": str(starts),
                                            "last_published": len(self._last_published)})
        self._note_progress({})

    def _note_progress(self, last: dict[int, int]) -> None:
        for partition, offset in last.items():
            if offset + 1 >= self._catch_up.get(partition, 0):
                self._catch_up.pop(partition, None)
        if not self._catch_up or all(h == 0 for h in self._catch_up.values()):
            self._catch_up.clear()
            self.ready.set()

    # -------------------------------------------------------------------------------------- apply

    def _apply(self, record, publisher: Publisher) -> None:
        partition, offset = record.partition(), record.offset()
        try:
            cmd = pb.OrderCommand.FromString(record.value() or b"")
        except Exception:  # noqa: BLE001 - a malformed record is skipped the same way on every replay
            log.error("skipping malformed command at %s@%s", partition, offset)
            return
        symbol = cmd.symbol or (record.key() or b"").decode()
        if not symbol or not cmd.command_id:
            log.error("skipping command without symbol/command_id at %s@%s", partition, offset)
            return
        book = self.books.get(symbol)
        if book is None:
            book = self.books[symbol] = new_book(symbol)
        elif book.position.partition == partition and offset <= book.position.offset:
            return  # already inside this book's snapshot
        applied = apply_command(book, cmd)
        book.position = InputPosition(partition, offset, cmd.issued_at_unix_ms)
        already = self._last_published.get(symbol, 0)
        for event in to_protos(book, applied, cmd, partition, offset):
            if event.engine_seq > already:
                publisher.send(TOPIC_EVENTS, symbol, event, event.event_id, event.occurred_at_unix_ms)
        book.commands_since_snapshot += 1
        if symbol not in self._snapshotted or book.commands_since_snapshot >= self._snapshot_every:
            self._snapshot(book, publisher)

    def _snapshot(self, book: SymbolBook, publisher: Publisher) -> None:
        publisher.flush()  # the snapshot must never be on the topic before its events
        snap = to_snapshot(book)
        occurred = book.position.issued_at_unix_ms
        publisher.send(TOPIC_SNAPSHOTS, book.symbol, snap, f"{book.symbol}:snapshot:{snap.engine_seq}", occurred)
        publisher.send(TOPIC_HASHES, book.symbol, to_book_hash(book), f"{book.symbol}:bookhash:{snap.engine_seq}",
                       occurred)
        publisher.flush()
        book.commands_since_snapshot = 0
        self._snapshotted.add(book.symbol)
