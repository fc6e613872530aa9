import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congress.models import Division
from deputies.models import LiaisonStation


class StationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Station name"), method="search")
    division = django_filters.ModelChoiceFilter(
        label=_("County / district"), queryset=Division.objects.all(), empty_label=_("All")
    )
    township = django_filters.CharFilter(label=_("Township or street"), method="in_township")

    class Meta:
        model = LiaisonStation
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))

    def in_township(self, queryset, name, value):
        value = value.strip()[:50]
        return queryset.filter(township__icontains=value) if value else queryset
