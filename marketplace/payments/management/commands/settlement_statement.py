"""`manage.py settlement_statement --start 2026-11-01 --end 2026-11-30 [--producer ID] [--format xlsx] -o FILE`"""

from __future__ import annotations

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from marketplace.payments import settlement


class Command(BaseCommand):
    help = "Write a settlement statement (CSV or XLSX) for one producer or all, over a period of local dates."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--producer", type=int, help="producer id (default: all producers)")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("-o", "--output", help="file to write (default: stdout for CSV)")

    def handle(self, *args, **opts) -> None:
        try:
            start = datetime.date.fromisoformat(opts["start"])
            end = datetime.date.fromisoformat(opts["end"])
        except ValueError as exc:
            raise CommandError(f"Bad date: {exc}")
        if end < start:
            raise CommandError("--end is before --start")
        statement = settlement.build(settlement.entries_for(start=start, end=end, producer_id=opts["producer"]))
        data = settlement.to_xlsx(statement) if opts["format"] == "xlsx" else settlement.to_csv(statement)
        if opts["output"]:
            with open(opts["output"], "wb") as fh:
                fh.write(data)
            self.stderr.write(f"{len(statement.rows)} entries, net payable {statement.net} đồng → {opts['output']}")
        elif opts["format"] == "xlsx":
            raise CommandError("XLSX needs --output")
        else:
            sys.stdout.write(data.decode("utf-8"))
