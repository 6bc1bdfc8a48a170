from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vangnet.core.audit import Actor
from vangnet.organisations.importing import KINDS, MAX_BYTES, do_import, summary_lines
from vangnet.organisations.models import Board


class Command(BaseCommand):
    help = (
        "Import pupils, guardians or staff from a CSV export: "
        "`vangnet import_csv pupils|guardians|staff FILE --board BOARD_ID`. "
        "All rows or none: on any error nothing is written and the command exits 1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--board", type=int, required=True, help="id of the board")

    def handle(self, *args: Any, kind: str, file: Path, board: int, **options: Any) -> None:
        target = Board.objects.filter(pk=board).first()
        if target is None:
            raise CommandError(f"no board with id {board}")
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)  # one byte more: do_import reports "too big"
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        result = do_import(target, kind, data, actor=Actor.system("cli"), filename=file.name)
        if not result.ok:
            for error in result.errors:
                where = _("rij %(row)d") % {"row": error.row} if error.row else _("bestand")
                column = f", {error.column}" if error.column else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            raise CommandError(
                _("%(count)d fout(en) gevonden; er is niets geïmporteerd.")
                % {"count": result.error_count},
                returncode=1,
            )
        self.stdout.write(
            _("%(kind)s geïmporteerd voor %(board)s: %(rows)d rijen.")
            % {"kind": KINDS[kind], "board": target.name, "rows": result.rows}
        )
        for label, number in summary_lines(result.counts, result.unchanged):
            self.stdout.write(f"  {label}: {number}")
