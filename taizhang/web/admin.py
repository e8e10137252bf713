"""The admin (系统管理) wears Taizhang's name in Chinese; each app's section is named by its AppConfig."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.forms import AdminLoginForm

admin.site.site_header = _("台账 · 系统管理")
admin.site.site_title = _("台账系统管理")
admin.site.index_title = _("系统管理")
admin.site.site_url = "/"
admin.site.login_form = AdminLoginForm  # says so when the account is locked (taizhang.accounts.lockout)
