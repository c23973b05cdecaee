"""Asking the visitor what one partner may know before a warm handover.  Only what is
ticked here goes into the handover note (see `loket.referrals.handover`)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QVBoxLayout

from loket.i18n import _
from loket.referrals.lifecycle import Consent, Referral
from ui.views.base import plain_label


class ConsentDialog(QDialog):
    """What the visitor agrees may be shared with this one partner."""

    def __init__(self, referral: Referral, current: Consent | None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("consentDialog")
        self.setModal(True)
        self.setWindowTitle(_("Consent for {partner}").format(partner=referral.organization_name))
        layout = QVBoxLayout(self)
        intro = plain_label(  # the partner's name, as typed in the directory
            self,
            _("Ask the visitor what {partner} may know. Only that goes into the handover.").format(
                partner=referral.organization_name
            ),
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        current = current or Consent()
        self.boxes: dict[str, QCheckBox] = {}
        for key, text in (
            ("share_name", _("Name")),
            ("share_contact", _("Phone and e-mail")),
            ("share_needs", _("What the visitor needs help with")),
            ("share_summary", _("Summary of the visit")),
        ):
            box = QCheckBox(text, self)
            box.setObjectName(key)
            box.setAccessibleName(text)
            box.setChecked(getattr(current, key))
            layout.addWidget(box)
            self.boxes[key] = box
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def consent(self) -> Consent:
        return Consent(**{k: b.isChecked() for k, b in self.boxes.items()})

    @classmethod
    def ask(cls, parent, referral: Referral, current: Consent | None) -> Consent | None:
        dialog = cls(referral, current, parent)
        return dialog.consent() if dialog.exec() == QDialog.DialogCode.Accepted else None
