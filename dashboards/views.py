from django.shortcuts import render

from dashboards.selectors import home_summary


def home(request):
    return render(request, "dashboards/home.html", {"summary": home_summary()})
