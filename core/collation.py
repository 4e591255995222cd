"""Names in Vietnamese alphabetical order. PostgreSQL sorts with the ICU collation "vi-x-icu"
(created by core's migration 0002 where the server lacks it); SQLite, for `make run`, with a
collation registered on each connection from core.text.vietnamese_sort_key."""

from django.db.models.functions import Collate

from .text import vietnamese_sort_key

POSTGRESQL_COLLATION = "vi-x-icu"
SQLITE_COLLATION = "vietnamese"


class VietnameseOrder(Collate):
    """`order_by(VietnameseOrder("full_name"))`: "Đỗ Văn Nam" before "Vũ Thị Hoa"."""

    def __init__(self, expression):
        super().__init__(expression, POSTGRESQL_COLLATION)

    def as_sqlite(self, compiler, connection, **extra_context):
        extra_context.setdefault("collation", connection.ops.quote_name(SQLITE_COLLATION))
        return super().as_sql(compiler, connection, **extra_context)


def _sqlite_compare(left: str, right: str) -> int:
    left_key, right_key = vietnamese_sort_key(left), vietnamese_sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def sqlite_collation_register(sender, connection, **kwargs) -> None:
    """connection_created: give SQLite the Vietnamese collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _sqlite_compare)
