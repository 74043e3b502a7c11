from django.urls import path

from . import views, views_progress, views_targets

app_name = "goals"

urlpatterns = [
    path("sections/<int:pk>/add/", views.goal_add, name="goal_add"),
    path("sections/<int:pk>/reorder/", views.goals_reorder_view, name="goals_reorder"),
    path("<int:pk>/", views.goal_item, name="goal"),
    path("<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/delete/", views.goal_delete_view, name="goal_delete"),
    path("<int:pk>/move/", views.goal_move_view, name="goal_move"),
    path("<int:pk>/subgoals/add/", views.subgoal_add, name="subgoal_add"),
    path("<int:pk>/subgoals/reorder/", views.subgoals_reorder_view, name="subgoals_reorder"),
    path("<int:pk>/measures/", views.measures_list, name="measures"),
    path("<int:pk>/measures/add/", views.measure_add, name="measure_add"),
    path("<int:pk>/measures/reorder/", views.measures_reorder_view, name="measures_reorder"),
    path("measures/<int:pk>/", views.measure_item, name="measure"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", views.measure_delete_view, name="measure_delete"),
    path("measures/<int:pk>/move/", views.measure_move_view, name="measure_move"),
]

urlpatterns += [
    path("measures/<int:pk>/tick/", views_progress.measure_tick_view, name="tick"),
    path("mine/", views_progress.my_measures, name="mine"),
    path("plans/<int:pk>/delegation/", views_progress.delegation_matrix, name="delegation"),
]

urlpatterns += [
    path("measures/", views_progress.measure_list, name="list"),
    path("measures/export.<str:fmt>", views_progress.measure_export, name="export"),
]

urlpatterns += [
    path("targets/<int:pk>/", views_targets.target_detail, name="target"),
    path(
        "targets/<int:pk>/measurements/add/", views_targets.measurement_add, name="measurement_add"
    ),
    path(
        "targets/<int:pk>/from-register/",
        views_targets.measurement_from_register,
        name="from_register",
    ),
]
