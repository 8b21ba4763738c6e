"""Demo catalog: the Thanh Hóa sample registry (in-repo copy) through the real sync."""

from __future__ import annotations

from collections.abc import Callable

from catalog_sync import services as sync_services
from catalog_sync.fixtures import SAMPLE_CSV


def load_registry_demo(stdout: Callable[[str], None]) -> None:
    source = sync_services.source_for_location(str(SAMPLE_CSV), format="csv")
    run = sync_services.run_sync(source=source, trigger="demo")
    stdout(f"registry: {run.summary()}")
