"""The versions of the versioned caches (home/cache.py), kept in the database
when the cache itself is local to each process (no Redis): every worker reads
the same rows, so a change published through one worker renews the version
seen by all the others at their next request."""

from django.db import models


class CacheVersion(models.Model):
    namespace = models.CharField(max_length=100, primary_key=True)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "cache version"

    def __str__(self) -> str:
        return f"{self.namespace}: {self.token}"
