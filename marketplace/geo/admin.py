from django.contrib import admin

from marketplace.geo.models import Commune, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "division_type")
    search_fields = ("name", "name_folded")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province", "division_type")
    list_filter = ("province",)
    search_fields = ("name", "name_folded")
