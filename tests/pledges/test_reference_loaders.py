"""The reference-data loaders themselves (issue 15: mutants of reference_upsert, mnr_load and
pledge_text_load survived): what a load creates, updates and leaves alone, field by field.

The test database is loaded once (tests/conftest.py), so a load in any other test only meets
rows that are already there. These tests load rows that are not: an MNR version of their own,
a pledge-text version of their own.
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pledges.models import (
    Capability,
    MNRDomain,
    PledgeText,
    PledgeTextStatus,
    ReviewState,
)
from pledges.services import LoadReport, mnr_load, pledge_text_load, reference_upsert

pytestmark = pytest.mark.django_db

DOMAINS = str(MNRDomain._meta.verbose_name_plural)
CAPABILITIES = str(Capability._meta.verbose_name_plural)
TEXTS = str(PledgeText._meta.verbose_name_plural)


def test_reference_upsert_creates_then_leaves_alone_then_updates_only_what_differs():
    # given a row that is not there yet
    report = LoadReport()
    values = {"number": 9, "name": "Test domain", "name_fr": "Domaine", "mnr_version": "2099"}
    # when it is loaded
    created = reference_upsert(
        model=MNRDomain, lookup={"key": "test-domain"}, values=values, report=report
    )
    # then it is saved with every value, and counted as created
    stored = MNRDomain.objects.get(key="test-domain")
    assert stored.pk == created.pk
    assert (stored.number, stored.name, stored.name_fr, stored.mnr_version) == (
        9,
        "Test domain",
        "Domaine",
        "2099",
    )
    assert report.created == {DOMAINS: 1}
    assert (report.updated, report.unchanged) == ({}, {})

    # when the same values are loaded again
    again = LoadReport()
    same = reference_upsert(
        model=MNRDomain, lookup={"key": "test-domain"}, values=values, report=again
    )
    # then nothing is written, and it is counted as unchanged
    assert same.pk == created.pk
    assert again.unchanged == {DOMAINS: 1}
    assert (again.created, again.updated, again.changed) == ({}, {}, False)

    # when one value changed
    changed = LoadReport()
    reference_upsert(
        model=MNRDomain,
        lookup={"key": "test-domain"},
        values={**values, "name_fr": "Domaine d'essai"},
        report=changed,
    )
    # then that value is saved, the others kept, and it is counted as updated
    stored = MNRDomain.objects.get(key="test-domain")
    assert (stored.number, stored.name, stored.name_fr) == (9, "Test domain", "Domaine d'essai")
    assert changed.updated == {DOMAINS: 1}
    assert (changed.created, changed.unchanged, changed.changed) == ({}, {}, True)
    assert changed.lines() == [f"{DOMAINS}: 0 created, 1 updated, 0 unchanged"]


def test_reference_upsert_refuses_an_invalid_row_and_saves_nothing():
    with pytest.raises(ValidationError):
        reference_upsert(
            model=Capability,
            lookup={"key": "not-a-key"},
            values={"number": 1, "name": "x", "description": "x", "mnr_version": "2099"},
            report=LoadReport(),
        )
    assert not Capability.objects.filter(key="not-a-key").exists()


def mnr_file(tmp_path, *, name="Test capability", with_french=True):
    capability = {
        "key": "mnr-98",
        "number": 98,
        "name": name,
        "description": "What it means",
        "name_es": "Capacidad",
        "description_es": "Qué significa",
    }
    domain = {"key": "test-domain", "number": 9, "name": "Test domain", "name_es": "Dominio"}
    if with_french:
        capability |= {"name_fr": "Capacité", "description_fr": "Ce que cela veut dire"}
        domain |= {"name_fr": "Domaine"}
    path = tmp_path / "mnr.json"
    path.write_text(
        json.dumps({"mnr_version": "2099", "domains": [domain | {"capabilities": [capability]}]}),
        encoding="utf-8",
    )
    return path


def test_mnr_load_makes_each_domain_and_capability_with_every_field(tmp_path):
    # given an MNR file whose domain and capability are not loaded, with no Russian, Chinese
    # or Arabic names
    report = LoadReport()
    # when it is loaded
    mnr_load(path=mnr_file(tmp_path), report=report)
    # then both are made, with the file's version and, where a language is missing, ""
    domain = MNRDomain.objects.get(key="test-domain")
    assert (domain.number, domain.name, domain.mnr_version) == (9, "Test domain", "2099")
    assert (domain.name_fr, domain.name_es) == ("Domaine", "Dominio")
    assert (domain.name_ru, domain.name_zh, domain.name_ar) == ("", "", "")
    capability = Capability.objects.get(key="mnr-98")
    assert capability.domain == domain
    assert (capability.number, capability.mnr_version) == (98, "2099")
    assert (capability.name, capability.description) == ("Test capability", "What it means")
    assert (capability.name_fr, capability.description_fr) == ("Capacité", "Ce que cela veut dire")
    assert (capability.name_es, capability.description_es) == ("Capacidad", "Qué significa")
    for code in ("ru", "zh", "ar"):
        assert getattr(capability, f"name_{code}") == ""
        assert getattr(capability, f"description_{code}") == ""
    assert report.created == {DOMAINS: 1, CAPABILITIES: 1}


def test_mnr_load_again_updates_what_changed_and_counts_the_rest_unchanged(tmp_path):
    # given the file loaded once
    mnr_load(path=mnr_file(tmp_path), report=LoadReport())
    # when a new edition renames the capability and drops the French
    report = LoadReport()
    mnr_load(path=mnr_file(tmp_path, name="Renamed", with_french=False), report=report)
    # then the capability and the domain are updated, in place
    capability = Capability.objects.get(key="mnr-98")
    assert (capability.name, capability.name_fr, capability.description_fr) == ("Renamed", "", "")
    assert MNRDomain.objects.get(key="test-domain").name_fr == ""
    assert report.updated == {DOMAINS: 1, CAPABILITIES: 1}
    assert report.created == {}
    # and loading the same file once more changes nothing
    report = LoadReport()
    mnr_load(path=mnr_file(tmp_path, name="Renamed", with_french=False), report=report)
    assert report.unchanged == {DOMAINS: 1, CAPABILITIES: 1}
    assert not report.changed


def test_pledge_text_load_makes_a_published_version_with_its_clauses_numbered():
    # given a version that is not there, whose second clause has no key
    data = {
        "version": 99,
        "title": "Test pledge",
        "changelog": "Loaded by a test",
        "is_placeholder": True,
        "clauses": [
            {"key": "protect", "formal": "We protect.", "child": "We keep you safe."},
            {"formal": "We listen.", "child": "We hear you."},
        ],
    }
    report = LoadReport()
    # when it is loaded
    text = pledge_text_load(data=data, report=report)
    # then it is stored as a draft-status version, verified and published today, no author
    text = PledgeText.objects.get(pk=text.pk)
    assert (text.version, text.title, text.changelog) == (99, "Test pledge", "Loaded by a test")
    assert text.status == PledgeTextStatus.DRAFT and text.is_placeholder
    assert text.review_state == ReviewState.VERIFIED and text.verified_at is not None
    assert text.published_on == timezone.now().date() and text.final_on is None
    assert text.created_by is None
    clauses = list(text.clauses.order_by("number").values_list("number", "key", "formal_text"))
    assert clauses == [(1, "protect", "We protect."), (2, "clause-2", "We listen.")]
    assert report.created == {TEXTS: 1}

    # when it is loaded again, even changed
    again = LoadReport()
    same = pledge_text_load(data={**data, "title": "Changed"}, report=again)
    # then the stored version is kept as it is
    assert same.pk == text.pk
    assert PledgeText.objects.get(pk=text.pk).title == "Test pledge"
    assert again.unchanged == {TEXTS: 1} and again.created == {}


def test_pledge_text_load_of_a_final_version_dates_it_final():
    text = pledge_text_load(
        data={
            "version": 98,
            "title": "Final pledge",
            "status": PledgeTextStatus.FINAL,
            "clauses": [{"formal": "We act.", "child": "We do it."}],
        },
        report=LoadReport(),
    )
    text = PledgeText.objects.get(pk=text.pk)
    assert text.status == PledgeTextStatus.FINAL
    assert text.final_on == text.published_on == timezone.now().date()
    assert (text.changelog, text.is_placeholder) == ("", False)
    assert text.clauses.get().key == "clause-1"
