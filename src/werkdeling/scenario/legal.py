"""Legal-form presets: the rules each form of worker sharing brings, as plain data.

A scenario declares ``legal_form``; the preset's values become its rules, and every rule the
scenario sets itself wins over the preset (see :attr:`Scenario.effective_rules`). Sources are in
``DOMAIN.md``; none of this is legal advice.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class LegalForm(StrEnum):
    """How the pool shares its workers.

    ``be_werkgeversgroepering``
        Belgian employer group: the group employs the workers and places them only with its
        members; at most 50 workers; contracts of at least 19 h a week (werk.belgie.be;
        Securex Lex4you).
    ``be_terbeschikkingstelling``
        Belgian placement with another firm under art. 31-32 of the law of 24 July 1987: only
        permanent staff, for a limited time, with a written agreement and notice to the
        inspectorate (emploi.belgique.be). The agreed duration is the scenario's
        ``rules.max_periods_per_employer``; the preset cannot guess it, so it must be set.
    ``de_aueg``
        German Arbeitnehmerüberlassung: at most 18 months per worker and user employer; the count
        starts again after 3 months away (arbeitgeberzusammenschluesse.de). Equal pay and about
        15 % overhead do not change who works where, so they are not rules here.
    ``nl_collegiaal_uitlenen``
        Dutch collegial lending without profit: no Waadi registration and no planning rule beyond
        the pool's own. (NL payroll serves one user only and cannot share workers.)
    ``fr_groupement``
        French groupement d'employeurs: one contract with the group, placements with its members,
        equal pay with the user firm's staff.
    ``custom``
        No preset rules (the default).
    """

    BE_WERKGEVERSGROEPERING = "be_werkgeversgroepering"
    BE_TERBESCHIKKINGSTELLING = "be_terbeschikkingstelling"
    DE_AUEG = "de_aueg"
    NL_COLLEGIAAL_UITLENEN = "nl_collegiaal_uitlenen"
    FR_GROUPEMENT = "fr_groupement"
    CUSTOM = "custom"


#: Rule values each form sets; keys are fields of :class:`~werkdeling.scenario.Rules`.
PRESETS: dict[LegalForm, dict[str, Any]] = {
    LegalForm.BE_WERKGEVERSGROEPERING: {"max_workers": 50, "min_contract_hours_per_week": 19, "members_only": True},
    LegalForm.BE_TERBESCHIKKINGSTELLING: {"permanent_staff_only": True},
    LegalForm.DE_AUEG: {"max_assignment_months": 18, "assignment_break_months": 3},
    LegalForm.NL_COLLEGIAAL_UITLENEN: {},
    LegalForm.FR_GROUPEMENT: {"members_only": True},
    LegalForm.CUSTOM: {},
}

#: Rules a form needs but cannot set itself, with the reason shown when one is missing.
REQUIRED_BY_FORM: dict[LegalForm, dict[str, str]] = {
    LegalForm.BE_TERBESCHIKKINGSTELLING: {
        "max_periods_per_employer": "placement with another firm is allowed only for a limited time; "
        "set rules.max_periods_per_employer to the duration in the written agreement",
    },
}
