"""Partner import: new partners from CSV or XLSX, as drafts awaiting verification."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.models import EndorsementStatus, Partner, PartnerType
from campaign.services import partner_create
from pledges.imports import (
    Column,
    Importer,
    RowPlan,
    choice_resolve,
    country_index,
    country_resolve,
    model_errors,
    url_check,
)

TRUE_WORDS = {"yes", "y", "true", "1", "oui", "si", "sí"}
FALSE_WORDS = {"no", "n", "false", "0", "non", ""}


class PartnerImporter(Importer):
    key = "partners"
    label = gettext_lazy("Partners")
    columns = (
        Column("name", True, gettext_lazy("Name of the organisation."), "ECPAT International"),
        Column(
            "slug",
            False,
            gettext_lazy("Short name for URLs (a-z, 0-9, -); made from the name when empty."),
            "ecpat",
        ),
        Column(
            "type",
            True,
            format_lazy(gettext_lazy("One of: {values}."), values=", ".join(PartnerType.values)),
            "",
        ),
        Column("website", False, gettext_lazy("https://..."), ""),
        Column("description", False, gettext_lazy("What they do."), ""),
        Column(
            "endorsement",
            False,
            format_lazy(
                gettext_lazy("One of: {values} (default not_contacted)."),
                values=", ".join(EndorsementStatus.values),
            ),
            "",
        ),
        Column(
            "coi_disclosure",
            False,
            gettext_lazy("Conflict-of-interest disclosure (needed to publish industry partners)."),
            "",
        ),
        Column(
            "countries",
            False,
            gettext_lazy("Countries worked in, separated by | (ISO3, ISO2 or names)."),
            "KEN|UGA",
        ),
        Column("works_globally", False, gettext_lazy("yes or no."), "no"),
    )
    example_rows = (
        (
            "Example Child Rights Network",
            "example-network",
            "civil_society",
            "https://example.org",
            "A network of child-rights organisations.",
            "invited",
            "",
            "KEN|Uganda|Côte d'Ivoire",
            "no",
        ),
    )

    def context(self) -> dict[str, Any]:
        return {
            "countries": country_index(),
            "existing": set(Partner.objects.values_list("slug", flat=True)),
            "seen": {},
        }

    def plan_row(self, *, line: int, values: dict[str, str], context: dict[str, Any]) -> RowPlan:
        name = values.get("name", "").strip()
        slug = values.get("slug", "").strip() or slugify(name)[:80]
        row = RowPlan(line=line, subject=name or slug)
        if not name:
            row.errors.append(_("The name is missing."))
        partner_type = endorsement = None
        try:
            partner_type = choice_resolve(
                values.get("type", ""), PartnerType.choices, what=_("partner type")
            )
        except ValidationError as exc:
            row.errors.extend(exc.messages)
        try:
            endorsement = (
                choice_resolve(
                    values["endorsement"], EndorsementStatus.choices, what=_("endorsement")
                )
                if values.get("endorsement", "").strip()
                else EndorsementStatus.NOT_CONTACTED
            )
        except ValidationError as exc:
            row.errors.extend(exc.messages)
        website = ""
        try:
            website = url_check(values.get("website", ""), required=False)
        except ValidationError:
            row.errors.append(
                _("The website '%(text)s' is not a web address.") % {"text": values.get("website")}
            )
        countries = []
        for text in filter(None, (t.strip() for t in values.get("countries", "").split("|"))):
            try:
                countries.append(country_resolve(text, context["countries"]))
            except ValidationError as exc:
                row.errors.extend(exc.messages)
        globally = values.get("works_globally", "").strip().lower()
        if globally not in TRUE_WORDS | FALSE_WORDS:
            row.errors.append(
                _("works_globally is '%(text)s': write yes or no.") % {"text": globally}
            )
        if slug:
            first = context["seen"].setdefault(slug, line)
            if first != line:
                row.errors.append(
                    _("The short name '%(slug)s' is already on line %(line)d.")
                    % {"slug": slug, "line": first}
                )
        if row.errors:
            return row
        if slug in context["existing"]:
            row.skip = True
            row.change = _(
                "A partner '%(slug)s' already exists: skipped (edit it in the staff pages)."
            ) % {"slug": slug}
            return row
        values_clean = {
            "slug": slug,
            "name": name,
            "partner_type": partner_type,
            "website": website,
            "description": values.get("description", "").strip(),
            "endorsement": endorsement,
            "coi_disclosure": values.get("coi_disclosure", "").strip(),
            "works_globally": globally in TRUE_WORDS,
        }
        try:
            Partner(**values_clean).full_clean()
        except ValidationError as exc:
            row.errors.extend(model_errors(exc))
            return row
        row.change = _(
            "New partner (%(type)s), %(count)d countries (a draft, awaiting verification)"
        ) % {
            "type": dict(PartnerType.choices)[partner_type],
            "count": len(countries),
        }
        row.payload = {**values_clean, "countries": countries}
        return row

    def apply_row(self, *, row: RowPlan, user, filename: str, batch: str = "") -> None:
        partner_create(
            user=user,
            reason=_("Imported from %(file)s, line %(line)d")
            % {"file": filename, "line": row.line},
            import_batch=batch,
            **row.payload,
        )
