"""Asking the visitor what one partner may know, as part of making a warm referral.  Only
what is ticked here goes into the handover note (see `loket.referrals.handover`); "Does not
agree" (or nothing ticked) is a refusal: the referral is made cold and the visitor goes
alone with the address."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QPushButton, QVBoxLayout

from loket.i18n import _
from loket.referrals.lifecycle import Consent
from ui.models.counter_models import isolate
from ui.views.base import plain_label


class ConsentDialog(QDialog):
    """What the visitor agrees may be shared with this one partner."""

    def __init__(self, partner: str, current: Consent | None, parent=None) -> None:
        super().__init__(parent)
        partner = isolate(partner)  # a Latin name must not reorder an Arabic sentence
        self.setObjectName("consentDialog")
        self.setModal(True)
        self.setWindowTitle(_("Consent for {partner}").format(partner=partner))
        layout = QVBoxLayout(self)
        # The partner's name, as typed in the directory, on a line of its own: inside a
        # right-to-left sentence a wrapped Latin name came out in pieces.
        name = plain_label(self, partner)
        name.setObjectName("consentPartner")
        name.setWordWrap(True)
        font = name.font()
        font.setBold(True)
        name.setFont(font)
        layout.addWidget(name)
        intro = plain_label(
            self, _("Ask the visitor what this partner may know. Only that goes into the handover.")
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
        refusal = plain_label(
            self,
            _(
                "If the visitor does not agree, the desk does not contact the partner: "
                "the visitor gets the address and goes alone."
            ),
        )
        refusal.setWordWrap(True)
        layout.addWidget(refusal)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.refuse_button = QPushButton(_("Visitor does not agree"), self)
        self.refuse_button.setObjectName("consentRefused")
        buttons.addButton(self.refuse_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.refuse_button.clicked.connect(self.refuse)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def refuse(self) -> None:
        for box in self.boxes.values():
            box.setChecked(False)
        self.accept()

    def consent(self) -> Consent:
        return Consent(**{k: b.isChecked() for k, b in self.boxes.items()})

    @classmethod
    def ask(cls, parent, partner: str, current: Consent | None) -> Consent | None:
        dialog = cls(partner, current, parent)
        return dialog.consent() if dialog.exec() == QDialog.DialogCode.Accepted else None
