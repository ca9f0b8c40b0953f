"""The four Ps of the national SOC strategy, shared by plans (objectives, actions) and
disruptions (their category), so the two always speak of the same four things."""

from django.db import models


class FourP(models.TextChoices):
    PURSUE = "pursue", "Pursue"
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"


MEANING = {
    FourP.PURSUE: "Prosecute and disrupt people engaged in serious and organised crime.",
    FourP.PREVENT: "Stop people being drawn into serious and organised crime, or returning to it.",
    FourP.PROTECT: "Safeguard people, businesses and communities against it.",
    FourP.PREPARE: "Reduce the impact where it happens, working with partners.",
}
