"""Referrals to partners: the state machine and its lifecycle, handover and consent,
the lists staff work from and the supervisors' referral log.
May import the base, `loket.db`, `loket.i18n`, `loket.privacy` and `loket.reports`.
"""
