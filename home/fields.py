"""A StreamField that does not write its block definitions into migrations.

Wagtail serialises every block of a StreamField into each migration, so any
change to a block (a label, a help text, a new block) costs a migration that
only rewrites the field. The stored JSON does not depend on those definitions,
so, like torchbox.com, we leave them out: migrations see an opaque JSON field
and block changes cost nothing. Data migrations that need to walk the blocks
should import the live block definitions instead of the historical model's.
"""

from wagtail.fields import StreamField


class LeanStreamField(StreamField):
    def deconstruct(self):
        name, path, _args, kwargs = super().deconstruct()
        kwargs.pop("block_lookup", None)
        return name, "home.fields.LeanStreamField", [[]], kwargs
