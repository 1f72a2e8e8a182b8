//! A refusal worded for people, in English and French: who may do it and what it is ("Only a
//! clinician can change the level."), never the owner's internal name of the operation. The
//! strings layer's part for the policy table: `auth` (above this layer) knows which roles may do
//! an operation; `crate::shell::owner_error` turns an owner's refusal into a [`Refusal`].

use crate::instrument::Lang;

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
    fn words(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Who::Admin, Lang::En) => "Only an administrator can",
            (Who::Admin, Lang::Fr) => "Seules les personnes administratrices peuvent",
            (Who::Clinician, Lang::En) => "Only a clinician can",
            (Who::Clinician, Lang::Fr) => "Seules les personnes cliniciennes peuvent",
            (Who::AdminOrClinician, Lang::En) => "Only an administrator or a clinician can",
            (Who::AdminOrClinician, Lang::Fr) => "Seules les personnes administratrices ou cliniciennes peuvent",
            (Who::ClinicianOrIntake, Lang::En) => "Only clinicians and intake workers can",
            (Who::ClinicianOrIntake, Lang::Fr) => "Seules les personnes cliniciennes ou chargées de l'accueil peuvent",
            (Who::Staff, Lang::En) => "Only staff can",
            (Who::Staff, Lang::Fr) => "Seul le personnel peut",
            (Who::Kiosk, Lang::En) => "Only a kiosk can",
            (Who::Kiosk, Lang::Fr) => "Seule une borne peut",
            (Who::Other, Lang::En) => "This role cannot",
            (Who::Other, Lang::Fr) => "Ce rôle ne peut pas",
        }
    }
}

/// What each operation does, by the owner's name for it (`auth::Operation::name`), in English and
/// French, to follow "Only … can".
const DOING: &[(&str, &str, &str)] = &[
    ("read_organisation", "read the organisation's settings", "consulter les paramètres de l'organisme"),
    ("update_settings", "change the organisation's settings", "modifier les paramètres de l'organisme"),
    ("manage_accounts", "manage staff accounts", "gérer les comptes du personnel"),
    ("list_accounts", "list staff accounts", "consulter la liste des comptes du personnel"),
    ("change_own_password", "change a password", "changer un mot de passe"),
    ("create_client", "add a client", "ajouter une personne cliente"),
    ("update_client", "edit a client's details", "modifier les renseignements d'une personne cliente"),
    ("read_client", "read a client's record", "consulter le dossier d'une personne cliente"),
    ("list_clients", "search the clients", "chercher parmi la clientèle"),
    ("start_encounter", "start an intake", "commencer une entrevue d'accueil"),
    ("read_encounter", "open an intake", "ouvrir une entrevue d'accueil"),
    ("record_consent", "record consent", "consigner le consentement"),
    ("save_answer", "save answers", "enregistrer des réponses"),
    ("save_result", "save results", "enregistrer des résultats"),
    ("record_decision", "confirm the level", "confirmer le niveau"),
    ("override_decision", "change the level", "changer le niveau"),
    ("record_referral", "record referrals", "consigner des orientations"),
    ("record_crisis_action", "record crisis actions", "consigner des interventions de crise"),
    ("waive_follow_up", "waive a follow-up", "renoncer à un suivi"),
    ("update_encounter_status", "finish an intake", "terminer une entrevue d'accueil"),
    ("reopen_encounter", "reopen a finished intake", "rouvrir une entrevue d'accueil terminée"),
    ("submit_sealed", "send kiosk answers", "envoyer des réponses de borne"),
    ("read_submissions", "read kiosk submissions", "consulter les envois des bornes"),
    ("subscribe_events", "receive alerts", "recevoir les alertes"),
    ("read_audit", "read the audit log", "consulter le journal d'audit"),
    ("verify_audit", "verify the audit log", "vérifier le journal d'audit"),
    ("create_backup", "make backups", "faire des sauvegardes"),
    ("stop_owner", "stop the triage service", "arrêter le service triage"),
    ("seed_synthetic", "add synthetic test data", "ajouter des données de test synthétiques"),
    ("issue_checkin", "issue check-in codes", "émettre des codes d'accueil"),
    ("list_checkins", "list check-in codes", "consulter les codes d'accueil"),
    ("revoke_checkin", "revoke check-in codes", "révoquer des codes d'accueil"),
    ("redeem_checkin", "use check-in codes", "utiliser des codes d'accueil"),
    ("exit_kiosk", "close a kiosk", "fermer une borne"),
    ("export_data", "export records", "exporter des dossiers"),
    ("import_data", "import records", "importer des dossiers"),
    ("read_reports", "read service reports", "consulter les rapports de service"),
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
        DOING.iter().position(|(name, _, _)| *name == operation).map(|doing| Refusal { doing, who })
    }

    /// The operations this interface can word, by the owner's names.
    pub fn operations() -> impl Iterator<Item = &'static str> {
        DOING.iter().map(|(name, _, _)| *name)
    }

    /// The sentence in `lang`, without its final full stop.
    pub fn sentence(self, lang: Lang) -> String {
        let what = DOING.get(self.doing).map_or("", |(_, en, fr)| if lang == Lang::Fr { *fr } else { *en });
        format!("{} {what}", self.who.words(lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
