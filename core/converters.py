"""URL ids bounded to the database's 64-bit integers. SQLite's driver raises OverflowError on a
larger number (a 500 on `make run`'s embedded default) where PostgreSQL merely finds nothing: with
`<id:…>` such a URL is a plain 404 before any view or query runs."""

from django.urls import register_converter


class ObjectIdConverter:
    regex = "[0-9]{1,18}"  # below 2**63 whatever the digits

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(ObjectIdConverter, "id")
