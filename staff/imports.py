"""The import pages' kinds: the domain apps' importers, in the order the index lists them."""

from __future__ import annotations

from campaign.imports import PartnerImporter
from pledges.imports import CapabilityStatusImporter, Importer, PledgeStatusImporter

IMPORTERS: dict[str, Importer] = {
    importer.key: importer
    for importer in (PledgeStatusImporter(), CapabilityStatusImporter(), PartnerImporter())
}
