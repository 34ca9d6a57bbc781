from django.contrib import admin
from django.urls import path

from branding import views

app_name = "branding"

# admin_view: staff login required, same session and look as the admin
urlpatterns = [
    path("honours/<int:mediator_id>/", admin.site.admin_view(views.honours_roll_view), name="honours_roll"),
]
