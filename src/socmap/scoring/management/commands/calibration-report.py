from django.core.management.base import BaseCommand, CommandError

from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.scoping import visible_to
from socmap.scoring import reports
from socmap.scoring.management.commands._output import add_format_argument, write_rows
from socmap.scoring.models import CalibrationExercise
from socmap.scoring.selectors import calibration_report


class Command(BaseCommand):
    help = (
        "Agreement in a calibration exercise: Krippendorff's alpha (ordinal) for the band and "
        "for each attribute, overall and within each organisation, and each organisation's "
        "mean difference from the median score of each case."
    )

    def add_arguments(self, parser):
        parser.add_argument("exercise", type=int, metavar="EXERCISE_ID")
        add_actor_argument(parser)
        add_format_argument(parser)

    def handle(self, *args, exercise: int, actor, format, **options):
        user = resolve_actor(actor)
        exercises = CalibrationExercise.objects.select_related("methodology")
        if user is not None:
            exercises = visible_to(user, exercises)
        found = exercises.filter(pk=exercise).first()
        if found is None:
            raise CommandError(f"There is no calibration exercise {exercise} you can see.")
        report = calibration_report(user, found)
        if format == "table":
            self.stdout.write(
                f"{found.title} ({found.methodology.label}, "
                f"{'open' if found.is_open else 'closed'}): {report.cases} cases, "
                f"{report.responses} answers from {report.assessors} assessors."
            )
            if not report.responses:
                self.stdout.write("No answers yet: agreement cannot be measured.")
                return
        write_rows(
            self.stdout, format, reports.CALIBRATION_HEADER, reports.calibration_table(report)
        )
