"""CSV export and import of the actor directory: one column list, both ways,
so that export → import is a round trip.

`columns` holds the column list and the cell encoding, `export` the rows
(`actor_rows` from values for the exports, `actor_to_row` of one instance,
both through `actor_row`) and the import's file (`iter_csv`), `parse` the
reading of a file (`parse_csv`, one `ActorRowForm` per line), `plan` what a
file would do (`resolve_plan`) and `apply` the import itself (`apply_plan`).
The file format, for editors and developers: docs/csv-import.md.
"""

from .apply import ImportReport, RowResult, apply_plan
from .columns import CSV_COLUMNS
from .export import actor_row, actor_rows, actor_to_row, contact_to_text, iter_csv
from .parse import ActorRowForm, parse_csv
from .plan import ImportPlan, PlannedRow, RowError, resolve_plan

__all__ = [
    "CSV_COLUMNS",
    "ActorRowForm",
    "ImportPlan",
    "ImportReport",
    "PlannedRow",
    "RowError",
    "RowResult",
    "actor_row",
    "actor_rows",
    "actor_to_row",
    "apply_plan",
    "contact_to_text",
    "iter_csv",
    "parse_csv",
    "resolve_plan",
]
