"""A stand-in for any owned record (a threat, a disruption...), so the scoping rules can be
tested before those apps exist and for every kind of owner."""

from django.db import models


class Dossier(models.Model):
    owner = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=100)

    scope_owner = "owner"

    def __str__(self):
        return self.title


class DossierNote(models.Model):
    """Owned through its dossier: scope_owner may be a path."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE)
    text = models.CharField(max_length=100)

    scope_owner = "dossier__owner"

    def __str__(self):
        return self.text


class Unscoped(models.Model):
    """A model that forgot to declare its owner: reading it must fail, not leak."""

    title = models.CharField(max_length=100)

    def __str__(self):
        return self.title
