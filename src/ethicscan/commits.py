"""What the history source and the history classifier share: object ids and the
commits of the scanned range."""

from __future__ import annotations

from dataclasses import dataclass

from ethicscan.model import Commit

BlobId = bytes  # 40 hex characters, as dulwich names objects
TreeId = bytes


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """One commit of the scanned range: its id, committer time (UTC seconds) and the
    ``Commit`` a report shows."""

    sha: bytes
    time: int
    tree: TreeId
    commit: Commit
    # Its place in the order of the commit graph (``sources.history.commits``):
    # after its parents, whatever the dates say; -1 until placed.
    rank: int = -1

    @property
    def order(self) -> tuple[int, bytes]:
        """Parents sort before their children; ranks are distinct, the id only
        breaks ties between commits not placed."""
        return (self.rank, self.sha)
