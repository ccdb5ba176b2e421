"""商家中心: the merchant's own pages (dashboard, profile, stores, lead status)."""

from django.shortcuts import render

from .base import MerchantView


class HomeView(MerchantView):
    """商家中心: the merchant's home (stores, providers and requests arrive with the merchants issue)."""

    merchant_required = False

    def get(self, request):
        return render(request, "merchant/home.html")
