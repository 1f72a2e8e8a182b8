//! A refusal worded for people, in English and French: who may do it and what it is ("Only a
//! clinician can change the level."), never the owner's internal name of the operation; the
//! words are in the strings table (`ui::strings`, admin area), like all interface text. The
//! strings layer's part for the policy table: `auth` (above this layer) knows which roles may do
//! an operation; `crate::shell::owner_error` turns an owner's refusal into a [`Refusal`].

use crate::instrument::Lang;
use crate::ui::strings::Text;

/// Who may do what was refused, as the policy table says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    Admin,
    Clinician,
    AdminOrClinician,
    ClinicianOrIntake,
    /// Every staff role (administrators, clinicians, intake workers).
    Staff,
    Kiosk,
    /// Any other combination: said without naming roles.
    Other,
}

impl Who {
    /// The start of the sentence, before what may be done.
    fn words(self) -> Text {
        match self {
            Who::Admin => Text::RefusalWhoAdmin,
            Who::Clinician => Text::RefusalWhoClinician,
            Who::AdminOrClinician => Text::RefusalWhoAdminOrClinician,
            Who::ClinicianOrIntake => Text::RefusalWhoClinicianOrIntake,
            Who::Staff => Text::RefusalWhoStaff,
            Who::Kiosk => Text::RefusalWhoKiosk,
            Who::Other => Text::RefusalWhoOther,
        }
    }
}

/// What each operation does, by the owner's name for it (`auth::Operation::name`), to follow
/// "Only … can".
const DOING: &[(&str, Text)] = &[
    ("read_organisation", Text::RefusalDoReadOrganisation),
    ("update_settings", Text::RefusalDoUpdateSettings),
    ("manage_accounts", Text::RefusalDoManageAccounts),
    ("list_accounts", Text::RefusalDoListAccounts),
    ("change_own_password", Text::RefusalDoChangeOwnPassword),
    ("create_client", Text::RefusalDoCreateClient),
    ("update_client", Text::RefusalDoUpdateClient),
    ("read_client", Text::RefusalDoReadClient),
    ("list_clients", Text::RefusalDoListClients),
    ("start_encounter", Text::RefusalDoStartEncounter),
    ("read_encounter", Text::RefusalDoReadEncounter),
    ("record_consent", Text::RefusalDoRecordConsent),
    ("save_answer", Text::RefusalDoSaveAnswer),
    ("save_result", Text::RefusalDoSaveResult),
    ("record_decision", Text::RefusalDoRecordDecision),
    ("override_decision", Text::RefusalDoOverrideDecision),
    ("record_referral", Text::RefusalDoRecordReferral),
    ("record_crisis_action", Text::RefusalDoRecordCrisisAction),
    ("waive_follow_up", Text::RefusalDoWaiveFollowUp),
    ("update_encounter_status", Text::RefusalDoUpdateEncounterStatus),
    ("reopen_encounter", Text::RefusalDoReopenEncounter),
    ("submit_sealed", Text::RefusalDoSubmitSealed),
    ("read_submissions", Text::RefusalDoReadSubmissions),
    ("subscribe_events", Text::RefusalDoSubscribeEvents),
    ("read_audit", Text::RefusalDoReadAudit),
    ("verify_audit", Text::RefusalDoVerifyAudit),
    ("create_backup", Text::RefusalDoCreateBackup),
    ("stop_owner", Text::RefusalDoStopOwner),
    ("seed_synthetic", Text::RefusalDoSeedSynthetic),
    ("issue_checkin", Text::RefusalDoIssueCheckin),
    ("list_checkins", Text::RefusalDoListCheckins),
    ("revoke_checkin", Text::RefusalDoRevokeCheckin),
    ("redeem_checkin", Text::RefusalDoRedeemCheckin),
    ("exit_kiosk", Text::RefusalDoExitKiosk),
    ("export_data", Text::RefusalDoExportData),
    ("import_data", Text::RefusalDoImportData),
    ("read_reports", Text::RefusalDoReadReports),
];

/// A refused operation and who may do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Refusal {
    /// The operation's entry in [`DOING`].
    doing: usize,
    pub who: Who,
}

impl Refusal {
    /// The refusal of the operation the owner names `operation`, if this interface knows it.
    pub fn of(operation: &str, who: Who) -> Option<Refusal> {
        DOING.iter().position(|(name, _)| *name == operation).map(|doing| Refusal { doing, who })
    }

    /// The operations this interface can word, by the owner's names.
    pub fn operations() -> impl Iterator<Item = &'static str> {
        DOING.iter().map(|(name, _)| *name)
    }

    /// The sentence in `lang`, without its final full stop.
    pub fn sentence(self, lang: Lang) -> String {
        let what = DOING.get(self.doing).map_or("", |(_, text)| text.get(lang));
        format!("{} {what}", self.who.words().get(lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16: the sentences are interface text, so they live in the strings table; this file
    /// holds only the owner's operation names (snake case) and how the two parts are joined.
    #[test]
    fn the_words_of_a_refusal_are_in_the_strings_table() {
        let source = include_str!("refusal.rs");
        let code = source.split("#[cfg(test)]").next().unwrap_or(source);
        let code: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let literals: Vec<&str> = code.split('"').skip(1).step_by(2).collect();
        assert!(!literals.is_empty(), "the operation names are found");
        for literal in literals {
            let operation = literal.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            assert!(operation || literal == "{} {what}", "literal text outside the strings table: {literal:?}");
        }
        for name in Refusal::operations() {
            let refusal = Refusal::of(name, Who::Admin).unwrap();
            for lang in Lang::ALL {
                let said = refusal.sentence(lang);
                let from_table = Text::ALL.iter().any(|t| said.starts_with(t.get(lang)))
                    && Text::ALL.iter().any(|t| said.ends_with(t.get(lang)));
                assert!(from_table, "{name} in {lang:?}: {said}");
            }
        }
    }

    #[test]
    fn each_refusal_is_a_sentence_for_people_in_both_languages() {
        let override_level = Refusal::of("override_decision", Who::Clinician).unwrap();
        assert_eq!(override_level.sentence(Lang::En), "Only a clinician can change the level");
        assert_eq!(override_level.sentence(Lang::Fr), "Seules les personnes cliniciennes peuvent changer le niveau");
        let export = Refusal::of("export_data", Who::Admin).unwrap();
        assert_eq!(export.sentence(Lang::En), "Only an administrator can export records");
        assert_eq!(export.sentence(Lang::Fr), "Seules les personnes administratrices peuvent exporter des dossiers");
        assert_eq!(Refusal::of("no_such_operation", Who::Staff), None);
        for name in Refusal::operations() {
            for lang in Lang::ALL {
                let said = Refusal::of(name, Who::Staff).unwrap().sentence(lang);
                assert!(!said.contains('_') && !said.contains(name), "{name} in {lang:?}: {said}");
            }
        }
    }
}
