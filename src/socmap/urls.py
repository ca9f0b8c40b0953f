from django.contrib import admin
from django.urls import include, path

from socmap.api import api

urlpatterns = [
    path("", include("socmap.web.urls")),
    path("", include("socmap.orgs.urls")),
    path("audit/", include("socmap.audit.urls")),
    path("people/", include("socmap.people.urls")),
    path("threats/", include("socmap.threats.urls")),
    path("scoring/", include("socmap.scoring.urls")),
    path("plans/", include("socmap.plans.urls")),
    path("disruptions/", include("socmap.disruptions.urls")),
    path("lifetime/", include("socmap.lifetime.urls")),
    path("intel/", include("socmap.intel.urls")),
    path("networks/", include("socmap.networks.urls")),
    path("performance/", include("socmap.performance.urls")),
    path("profiles/", include("socmap.profiles.urls")),
    path("control-strategy/", include("socmap.profiles.strategy_urls")),
    path("search/", include("socmap.search.urls")),
    path("security/", include("socmap.security.urls")),
    path("retention/", include("socmap.retention.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
