"""URL map. Each area keeps its own prefix: the PWA at /, the API at /api/v1/, staff at /admin/ and /staff/,
the public lists at /public/."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from inspections.login_guard import GuardedAdminAuthenticationForm, admin_login

admin.site.site_header = _("分类巡查 管理后台")
admin.site.site_title = _("分类巡查")
admin.site.index_title = _("街道生活垃圾分类巡查")
# "View site" from the admin leads staff to their desk pages (coverage, flags, rankings), not to the phone app.
admin.site.site_url = "/staff/"
# Admin (and staff-page) logins go through the login lockout: the form says so, the status is 429.
admin.site.login_form = GuardedAdminAuthenticationForm

urlpatterns = [
    path("admin/login/", admin_login, name="admin-login"),  # admin.site.login, 429 while locked out
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("checklists.urls")),  # GET /api/v1/checklists/
    path("api/v1/rectifications/", include("rectifications.api_urls")),  # the phone's answers and re-checks
    path("", include("rankings.urls")),
    path("", include("plans.urls")),
    path("", include("inspections.urls")),
]

# No media folder is served, not even under DEBUG: photos go through inspections/media.py.

# Under /api/ these answer JSON in the API's error shape; elsewhere Django's own pages (inspections/api/errors.py).
handler400 = "inspections.api.errors.bad_request"
handler403 = "inspections.api.errors.permission_denied"
handler404 = "inspections.api.errors.page_not_found"
handler500 = "inspections.api.errors.server_error"
