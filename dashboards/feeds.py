"""Atom feeds of verified pledge status changes: overall, per country, per region (issue 11).

Verified data only: every item comes from pledges.selectors.pledge_events_public().
"""

from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from dashboards import public
from pledges.selectors import country_get, pledge_events_public

FEED_SIZE = 50


class VerifiedChangesFeed(Feed):
    feed_type = Atom1Feed

    def title(self, obj=None):
        return _("Global Pledge Tracker: verified changes")

    def subtitle(self, obj=None):
        return _("Verified changes of pledge status; drafts never appear here.")

    def link(self, obj=None):
        return reverse("dashboards:home")

    def events(self, obj=None):
        return pledge_events_public()

    def items(self, obj=None):
        return self.events(obj).order_by("-verified_at", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        return item.note or item.get_to_status_display()

    def item_link(self, item):
        return reverse("dashboards:country", kwargs={"iso3": item.pledge.country.iso3})

    def item_guid(self, item):
        return f"pledge-event-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.verified_at

    def item_updateddate(self, item):
        return item.verified_at


class CountryChangesFeed(VerifiedChangesFeed):
    def get_object(self, request, iso3):
        try:
            return country_get(iso3=iso3)
        except ObjectDoesNotExist:
            raise Http404(_("No UN Member or observer State has this code.")) from None

    def title(self, obj=None):
        return _("Global Pledge Tracker: verified changes for %(country)s") % {
            "country": obj.short_name
        }

    def link(self, obj=None):
        return reverse("dashboards:country", kwargs={"iso3": obj.iso3})

    def events(self, obj=None):
        return super().events().filter(pledge__country=obj)


class RegionChangesFeed(VerifiedChangesFeed):
    def get_object(self, request, region):
        for known in public.REGIONS:
            if known.lower() == region.lower():
                return known
        raise Http404(_("Unknown region."))

    def title(self, obj=None):
        return _("Global Pledge Tracker: verified changes in %(region)s") % {
            "region": public.region_label(obj)
        }

    def events(self, obj=None):
        return super().events().filter(pledge__country__region=obj)
