from django.urls import URLPattern, path

from taizhang.supervision import views

urlpatterns: list[URLPattern] = [
    path("", views.supervision_index, name="supervision_index"),
    path("documents/<int:pk>/", views.document_detail, name="supervision_document"),
    path("documents/<int:pk>/document.docx", views.document_docx, name="supervision_document_docx"),
    path("documents/<int:pk>/document.pdf", views.document_pdf, name="supervision_document_pdf"),
    path("documents/<int:pk>/print/", views.document_print, name="supervision_document_print"),
    path("documents/<int:pk>/sign/", views.document_sign, name="supervision_document_sign"),
    path("documents/<int:pk>/review/", views.document_review, name="supervision_document_review"),
    path("documents/<int:pk>/reply/", views.document_reply, name="supervision_document_reply"),
    path("problems/<int:pk>/extension/", views.extension_request, name="supervision_extension_request"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="supervision_extension_decide"),
    path("problems/<int:pk>/instruction/", views.instruction_give, name="supervision_instruction_give"),
    path("instructions/<int:pk>/reply/", views.instruction_reply, name="supervision_instruction_reply"),
    path("instructions/", views.instruction_list, name="supervision_instructions"),
    path("instructions/<int:pk>/", views.instruction_detail, name="supervision_instruction"),
    path("units/<int:pk>/instruction/", views.unit_instruction_give, name="supervision_unit_instruction"),
    path("inbox/", views.inbox, name="supervision_inbox"),
    path("subscriptions/", views.subscriptions, name="supervision_subscriptions"),
    path("accountability/", views.accountability, name="supervision_accountability"),
    path("calendar/", views.calendar, name="supervision_calendar"),
]
