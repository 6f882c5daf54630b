"""The plans app's URLs: desk pages for street staff under /staff/plans/, a covert draw's public page under
/public/draws/."""

from django.urls import path

from . import public, staff

urlpatterns = [
    path("staff/plans/", staff.plan_list, name="staff-plans"),
    path("staff/plans/build/", staff.plan_build_view, name="staff-plan-build"),
    path("staff/plans/<int:pk>/", staff.plan_detail, name="staff-plan"),
    path("staff/plans/<int:pk>/commit/", staff.plan_commit_view, name="staff-plan-commit"),
    path("staff/plans/<int:pk>/reveal/", staff.plan_reveal_view, name="staff-plan-reveal"),
    path("staff/plans/tasks/<int:pk>/", staff.assignment_change_view, name="staff-assignment-change"),
    path("public/draws/<int:pk>/", public.draw_page, name="public-draw"),
]
