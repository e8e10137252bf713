"""The admin (系统管理) wears Taizhang's name in Chinese; each app's section is named by its AppConfig."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("台账 · 系统管理")
admin.site.site_title = _("台账系统管理")
admin.site.index_title = _("系统管理")
admin.site.site_url = "/"
