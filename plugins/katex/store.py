"""The disk cache of rendered formulas, shared by every build on the machine."""

from __future__ import annotations

from pathlib import Path

from plugins.katex.process import in_background


class FormulaStore:
    """The disk cache of rendered formulas: one SQLite database (a file per formula cost
    ~1.3 ms to write here, which capped a cold build at ~500 formulas a second).

    One transaction per page's batch; write-ahead logging, so a build killed mid-write
    leaves the last committed batches, and builds running side by side (tests, the dev
    server beside `make html`) read and write it safely. Values are keyed by the digest
    of the TeX, display mode, KaTeX version and options, and this code."""

    def __init__(self, path: Path):
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable up to the last checkpoint, never corrupt
        self.db.execute("CREATE TABLE IF NOT EXISTS formula (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")

    def get(self, keys: list[bytes]) -> dict[bytes, bytes]:
        found = {}
        for start in range(0, len(keys), 500):  # SQLite's limit on parameters
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(f"SELECT key, value FROM formula WHERE key IN ({marks})", chunk))
        return found

    def put(self, rows: list[tuple[bytes, bytes]]) -> None:
        if not rows:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("INSERT OR REPLACE INTO formula (key, value) VALUES (?, ?)", rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Closing checkpoints the write-ahead log into the database (~10 ms of writes and a
        sync): done in a thread, off the build's path. A process that exits first leaves the
        log, which SQLite replays on the next open: nothing is lost or corrupted."""
        in_background(self.db.close)
