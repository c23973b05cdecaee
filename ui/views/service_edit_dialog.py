"""Editing or creating a partner service (supervisor, beheerder): the main fields, the needs
it helps with, languages, phones, warm handover, and "I checked these details today"."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
)

from loket import directory
from loket.context import Context
from loket.directory import ServiceDetail, ServiceEdit
from loket.errors import LoketError, ValidationError
from loket.i18n import _
from ui.views.base import plain_label


def blank_detail() -> ServiceDetail:
    return ServiceDetail(
        id="",
        organization_id="",
        organization_name="",
        name="",
        description="",
        status="active",
        url=None,
        email=None,
        website=None,
        interpretation_services=None,
        application_process=None,
        fees_description=None,
        eligibility_description=None,
        assured_date=None,
        warm_handover=False,
        is_escalation=False,
        to_verify=False,
        stale=True,
    )


class ServiceEditDialog(QDialog):
    """Edit the main fields of a service (supervisor, beheerder)."""

    def __init__(
        self, ctx: Context, detail: ServiceDetail | None, need_labels: dict[str, str], parent=None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_new = detail is None
        detail = detail or blank_detail()
        self.detail = detail
        self.saved_id: str | None = None
        self.setObjectName("serviceEditDialog")
        self.setModal(True)
        self.setWindowTitle(
            _("New service") if self.is_new else _("Edit {service}").format(service=detail.name)
        )
        form = QFormLayout(self)
        self.organisation = QComboBox(self)
        self.organisation.setObjectName("serviceOrganisation")
        self.organisation.setProperty("i18n_data", True)  # organisation names are data
        self.organisation.setAccessibleName(_("Organisation"))
        self.place = QLineEdit(self)
        self.place.setObjectName("servicePlace")
        self.place.setAccessibleName(_("Place (leave empty for a national service)"))
        if self.is_new:
            for org_id, org_name in directory.organisations(ctx):
                self.organisation.addItem(org_name, org_id)
            form.addRow(_("Organisation"), self.organisation)
            form.addRow(_("Place (leave empty for a national service)"), self.place)
        else:
            self.organisation.hide()
            self.place.hide()
        self.name = QLineEdit(detail.name, self)
        self.description = QPlainTextEdit(detail.description, self)
        self.languages = QLineEdit(", ".join(detail.languages), self)
        self.phones = QLineEdit(", ".join(detail.phones), self)
        self.warm = QCheckBox(_("Accepts a warm handover"), self)
        self.warm.setChecked(detail.warm_handover)
        self.checked = QCheckBox(_("I checked these details today"), self)
        self.needs: dict[str, QCheckBox] = {}
        for widget, label in (
            (self.name, _("Name")),
            (self.description, _("Description")),
            (self.languages, _("Language codes (nl, ar, ...)")),
            (self.phones, _("Phone numbers")),
        ):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        for code, label in need_labels.items():
            box = QCheckBox(label, self)
            box.setAccessibleName(label)
            box.setChecked(code in detail.needs)
            self.needs[code] = box
            form.addRow("", box)
        for box in (self.warm, self.checked):
            box.setAccessibleName(box.text())
            form.addRow("", box)
        self.error = plain_label(self)
        self.error.setWordWrap(True)
        self.error.setAccessibleName(_("Message"))
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def edit(self) -> ServiceEdit:
        d = self.detail
        split = lambda text: [p.strip() for p in text.split(",") if p.strip()]  # noqa: E731
        return ServiceEdit(
            id=d.id,
            organization_id=self.organisation.currentData() if self.is_new else d.organization_id,
            name=self.name.text(),
            description=self.description.toPlainText(),
            url=d.url,
            status=d.status,
            interpretation_services=d.interpretation_services,
            application_process=d.application_process,
            fees_description=d.fees_description,
            eligibility_description=d.eligibility_description,
            assured_date=d.assured_date,
            warm_handover=self.warm.isChecked(),
            is_escalation=d.is_escalation,
            to_verify=d.to_verify,
            needs=[c for c, b in self.needs.items() if b.isChecked()],
            languages=split(self.languages.text()),
            phones=split(self.phones.text()),
            required_documents=d.required_documents,
            location_ids=[loc.id for loc in d.locations],
        )

    def save(self) -> None:
        try:
            if self.is_new:
                service_id = directory.create_service(self.ctx, self.edit(), city=self.place.text())
            else:
                service_id = directory.save_service(self.ctx, self.edit())
            self.saved_id = service_id
            if self.checked.isChecked():
                directory.mark_checked(self.ctx, service_id)
        except ValidationError as err:
            self.error.setText("\n".join(err.errors.values()))
            return
        except LoketError as err:
            self.error.setText(str(err))
            return
        self.accept()
