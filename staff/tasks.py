"""Background tasks of the staff workspace, through Django's tasks API (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from pledges.imports import import_job_run
from staff.imports import IMPORTERS


@task()
def import_job_task(job_id: str) -> None:
    """Preview or apply an import file; the page reads the job's progress and result."""
    from pledges.models import ImportJob

    kind = ImportJob.objects.values_list("kind", flat=True).get(pk=job_id)
    import_job_run(job_id=job_id, importer=IMPORTERS[kind])
