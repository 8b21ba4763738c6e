"""`manage.py sync_registry SOURCE [--format csv|xlsx|json] [--dry-run] [--snapshot] [--force]`."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from catalog_sync import services
from catalog_sync.sources import FORMATS
from marketplace.core.errors import DomainError

MAX_DIFF_LINES = 200


class Command(BaseCommand):
    help = "Make the catalog follow an OCOP certification registry file or feed (path or http(s) URL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="A CSV/XLSX/JSON file, or an http(s) URL of a JSON feed")
        parser.add_argument("--format", choices=FORMATS, help="Default: guessed from the extension/content type")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing")
        parser.add_argument("--snapshot", action="store_true", help="A full snapshot: absent products are delisted")
        parser.add_argument("--force", action="store_true", help="Apply even past the snapshot delist guard")

    def handle(self, *args: Any, **options: Any) -> None:
        bars: list[Any] = []

        def progress(total: int) -> Any:
            if not (hasattr(self.stdout, "isatty") and self.stdout.isatty()) and not sys.stdout.isatty():
                return None
            from tqdm import tqdm

            bar = tqdm(total=total, unit="sp", desc="registry", file=sys.stderr, leave=False)
            bars.append(bar)
            return bar.update

        try:
            source = services.source_for_location(options["source"], format=options["format"])
            run = services.run_sync(
                source=source,
                dry_run=options["dry_run"],
                force=options["force"],
                snapshot=True if options["snapshot"] else None,
                format=options["format"],
                trigger="command",
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message} (nothing applied)", returncode=1)
        finally:
            for bar in bars:
                bar.close()
        changes = getattr(run, "changes", [])
        for line in changes[:MAX_DIFF_LINES]:
            self.stdout.write(line)
        if len(changes) > MAX_DIFF_LINES:
            self.stdout.write(f"… {len(changes) - MAX_DIFF_LINES} more")
        for issue in run.quarantined.all():
            self.stderr.write(f"row {issue.row_number} [{issue.column}] {issue.message_vi} / {issue.message_en}")
        if run.dry_run:
            self.stdout.write("dry run: nothing written")
        if run.status == run.Status.NOT_MODIFIED:
            self.stdout.write("not modified (ETag)")
        self.stdout.write(run.summary())
