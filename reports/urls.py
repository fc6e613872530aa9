from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/report.docx", views.report_docx_download, name="docx"),
    path("<int:pk>/figures/<slug:key>/", views.figure, name="figure"),
    path("support/", views.support, name="support"),
    path("support/payments/new/", views.payment_new, name="payment_new"),
    path("support/payments/import/", views.payments_import, name="payments_import"),
    path("support/payments.<str:fmt>", views.payments_export, name="payments_export"),
    path("support/template.<str:fmt>", views.payments_template, name="payments_template"),
    path("support/courses/new/", views.course_new, name="course_new"),
    path("support/materials/new/", views.material_new, name="material_new"),
    path("support/work/new/", views.work_new, name="work_new"),
]
