"""Command-line output shared by several commands (no Django): the progress bar of a download."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn


@contextmanager
def transfer_bar(name: str, total: int | None, completed: int) -> Iterator[Callable[[int], None]]:
    """A transient bar for one file's transfer (see spaser.download.Progress); yields the function adding bytes."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task(name, total=total, completed=completed)
        yield lambda size: bar.advance(task, size)
