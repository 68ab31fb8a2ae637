from django.urls import path

from . import views

urlpatterns = [
    path("two-factor/", views.AccountView.as_view(), name="two_factor_account"),
    path("two-factor/verify/", views.verify, name="two_factor_verify"),
    path("two-factor/setup/", views.setup, name="two_factor_setup"),
    path("two-factor/backup-codes/", views.backup_codes, name="two_factor_backup_codes"),
]
