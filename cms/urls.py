from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from cms import views
from cms.sitemaps import SITEMAPS

app_name = "cms"

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
