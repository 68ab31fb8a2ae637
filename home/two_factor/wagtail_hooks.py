"""Wagtail hooks of the two-factor pages, loaded by `home/wagtail_hooks.py`
(Wagtail only auto-loads an app's top-level `wagtail_hooks`)."""

from django import forms
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.account import BaseSettingsPanel

from . import devices, urls


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [path("", include(urls))]


def _state(user) -> str:
    if devices.has_confirmed_app(user):
        return str(_("Activée"))
    if devices.must_use_two_factor(user):
        return str(_("Non activée (obligatoire pour votre compte)"))
    return str(_("Non activée"))


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("two_factor_account"),
        "label": _("Double authentification"),
        "help_text": _state(request.user),
    }


class _NoFields(forms.Form):
    pass


@hooks.register("register_account_settings_panel")
class TwoFactorSettingsPanel(BaseSettingsPanel):
    """The state on the account page, next to the password, with a link to
    the « Double authentification » page (nothing to save here)."""

    name = "two_factor"
    title = _("Double authentification")
    order = 550
    template_name = "two_factor/settings_panel.html"
    form_class = _NoFields

    def get_form(self):
        return _NoFields(prefix=self.name)

    def get_context_data(self):
        return {
            "enabled": devices.has_confirmed_app(self.user),
            "required": devices.must_use_two_factor(self.user),
            "url": reverse("two_factor_account"),
        }
