//! Every piece of interface text, in English and French. Screens never hold literal text: they ask
//! for a [`Text`] in the current language, so switching language takes effect on the next frame.
//! Instrument wording is not here: it comes from the questionnaire files, exactly as published.

use crate::instrument::Lang;

macro_rules! strings {
    ($($key:ident => $en:expr, $fr:expr;)*) => {
        /// A piece of interface text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Text { $($key,)* }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$key,)*];

            /// The text in `lang`.
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Text::$key, Lang::En) => $en, (Text::$key, Lang::Fr) => $fr,)*
                }
            }
        }
    };
}

strings! {
    AppName => "triage", "triage";
    LanguageName => "English", "Français";
    // Terminal and global
    TooSmall => "Please enlarge the window to at least 80 × 24.", "Veuillez agrandir la fenêtre à au moins 80 × 24.";
    KeysTitle => "Keys", "Touches";
    HelpTitle => "Help: keys on this screen", "Aide : touches de cet écran";
    HelpClose => "Press any key to close this help.", "Appuyez sur une touche pour fermer l'aide.";
    KeyHelp => "help", "aide";
    KeyQuit => "quit", "quitter";
    KeyLanguage => "français", "English";
    KeyBack => "back", "retour";
    KeyNextField => "next field", "champ suivant";
    KeyPrevField => "previous field", "champ précédent";
    KeySubmit => "confirm", "valider";
    KeyLock => "lock", "verrouiller";
    KeySwitchUser => "switch user (ends this session)", "changer d'utilisateur (termine cette session)";
    KeyToggle => "tick / untick", "cocher / décocher";
    KeyMove => "move", "déplacer";
    KeyTextEdit => "move in the text, delete a word (^W)", "se déplacer dans le texte, effacer un mot (^W)";
    KeyTyping => "type; delete the last letter, or all", "saisir ; effacer la dernière lettre, ou tout";
    KeyDismissAlert => "dismiss the alert", "masquer l'alerte";
    HelpLegend => "Marks and columns", "Marques et colonnes";
    LegendCritical => "CRITICAL: a critical risk answer; crisis protocol first", "CRITIQUE : réponse à risque critique ; protocole de crise";
    LegendUrgent => "URGENT: a brief suicide safety assessment is due", "URGENT : brève évaluation de la sécurité (suicide) due";
    LegendQueueColumns => "Columns: client, kind, last change", "Colonnes : personne, type, dernière modification";
    LegendUsersColumns => "Columns: user, name, role, status", "Colonnes : utilisateur, nom, rôle, état";
    LegendAuditColumns => "Columns: number, time, user, action, outcome, origin", "Colonnes : n°, heure, utilisateur, action, résultat, origine";
    LegendResultsMarks => "[x]: picked for the referral summary", "[x] : retenu pour le résumé d'orientation";
    RoleAdmin => "administrator", "administration";
    RoleClinician => "clinician", "clinicien·ne";
    RoleIntake => "intake worker", "accueil";
    RoleKiosk => "kiosk", "borne";
    Saving => "Saving…", "Enregistrement…";
    Saved => "Saved", "Enregistré";
    SigningIn => "Signing in…", "Connexion…";
    SettingUp => "Setting up…", "Création de l'organisation…";
    OwnerSlow => "The owner is slow to answer…", "Le propriétaire tarde à répondre…";
    NotSaved => "NOT SAVED", "NON ENREGISTRÉ";
    NotConfirmed => "NOT CONFIRMED", "NON CONFIRMÉ";
    ErrorPrefix => "Error", "Erreur";
    Required => "required", "obligatoire";
    // Errors and status lines (typed errors from the owner and local failures: `backend::ErrorKind`).
    // Sentences without a final full stop: a detail in parentheses may follow, then the stop.
    ErrorLabel => "Error: ", "Erreur : ";
    ErrWrongCredentials => "wrong user name or password", "nom d'utilisateur ou mot de passe incorrect";
    ErrThrottled => "too many failed sign-ins: wait before trying again", "trop de connexions échouées : attendez avant de réessayer";
    ErrLockedOut => "this account is locked after repeated failed sign-ins: an administrator must reset its password", "ce compte est verrouillé après des connexions échouées répétées : un administrateur ou une administratrice doit réinitialiser son mot de passe";
    ErrAccountDisabled => "this account is disabled: an administrator can enable it", "ce compte est désactivé : un administrateur ou une administratrice peut le réactiver";
    ErrPasswordChangeRequired => "an administrator set your password: choose a new one before anything else", "votre mot de passe a été fixé par l'administration : choisissez-en un nouveau avant toute autre chose";
    ErrSessionEnded => "your session has ended (the account was disabled, or its password or role changed): sign in again", "votre session a pris fin (le compte a été désactivé, ou son mot de passe ou son rôle a changé) : reconnectez-vous";
    ErrNotLoggedIn => "sign in first", "connectez-vous d'abord";
    ErrStoreLocked => "the data is locked: a staff member must sign in to unlock it", "les données sont verrouillées : un membre du personnel doit se connecter pour les déverrouiller";
    ErrDenied => "your role may not do this", "votre rôle ne permet pas cette action";
    ErrNotFound => "not found: it may have been removed, or the reference is wrong", "introuvable : l'élément a peut-être été supprimé, ou la référence est erronée";
    ErrClaimed => "this kiosk submission was taken over by staff: it takes no more answers", "cette soumission de la borne a été prise en charge par le personnel : elle n'accepte plus de réponses";
    ErrAlreadyInitialised => "this service is already set up", "ce service est déjà configuré";
    ErrNotInitialised => "this service is not set up yet", "ce service n'est pas encore configuré";
    ErrInvalid => "the entry was refused as invalid", "la saisie a été refusée, car elle n'est pas valide";
    ErrRefused => "the data store refuses this operation", "le stockage des données refuse cette opération";
    ErrOwnerBusy => "the triage service is busy: try again in a moment", "le service triage est occupé : réessayez dans un instant";
    ErrOwnerUnreachable => "the triage service cannot be reached", "le service triage est injoignable";
    ErrConnectionLost => "the connection to the triage service was lost: try again", "la connexion au service triage a été perdue : réessayez";
    ErrVersionMismatch => "this program and the triage service are different versions: restart triage", "ce programme et le service triage ne sont pas de la même version : redémarrez triage";
    ErrDiskFull => "the disk is full: this change could not be confirmed as saved (everything confirmed before is intact); check it once space is freed", "le disque est plein : l'enregistrement de cette modification n'a pas pu être confirmé (tout ce qui a été confirmé avant est intact) ; vérifiez-la une fois de l'espace libéré";
    ErrReadOnly => "the data cannot be written: nothing was saved", "les données sont en lecture seule : rien n'a été enregistré";
    ErrUnverified => "this kiosk submission could not be verified as coming from this service's kiosk and was not imported: it is kept for review; tell an administrator (the data is not damaged: no backup needs restoring)", "cette soumission n'a pas pu être vérifiée comme provenant de la borne de ce service et n'a pas été importée : elle est conservée pour examen ; avisez un administrateur ou une administratrice (les données ne sont pas endommagées : aucune sauvegarde à restaurer)";
    ErrDamaged => "a record is damaged: restore it from a backup or tell an administrator", "un enregistrement est endommagé : restaurez-le à partir d'une sauvegarde ou avisez un administrateur ou une administratrice";
    ErrAuditLoss => "the database has lost changes that were confirmed as saved, so the service will not open it: an administrator must restore the latest backup (nothing was changed)", "la base de données a perdu des modifications dont l'enregistrement avait été confirmé ; le service refuse donc de l'ouvrir : un administrateur ou une administratrice doit restaurer la dernière sauvegarde (rien n'a été modifié)";
    ErrNewerSchema => "the data was written by a newer version of triage: upgrade triage", "les données ont été écrites par une version plus récente de triage : mettez triage à jour";
    ErrForeignDirectory => "the data directory holds other data: choose the right one", "le répertoire de données contient d'autres données : choisissez le bon répertoire";
    ErrOwnerRunning => "another triage service holds the data directory", "un autre service triage occupe déjà le répertoire de données";
    ErrStorage => "storage error: this change could not be confirmed as saved; check it before trying again, and if the error persists check the disk", "erreur de stockage : l'enregistrement de cette modification n'a pas pu être confirmé ; vérifiez-la avant de réessayer et, si l'erreur persiste, vérifiez le disque";
    ErrBadBackup => "the backup is not valid", "la sauvegarde n'est pas valide";
    ErrFileExists => "the file already exists: choose a new file name", "le fichier existe déjà : choisissez un nouveau nom de fichier";
    ErrLocalFile => "a file could not be read or written", "un fichier n'a pas pu être lu ou écrit";
    ErrProtocol => "the triage service gave an unexpected answer", "le service triage a donné une réponse inattendue";
    ErrUnlockOtherUser => "only the person who locked this session can unlock it; to sign in as someone else, switch user (Ctrl-N)", "seule la personne qui a verrouillé cette session peut la déverrouiller ; pour vous connecter sous un autre nom, changez d'utilisateur (Ctrl-N)";
    ErrUnknown => "the triage service refused the request", "le service triage a refusé la demande";
    // First run
    FirstRunTitle => "First run: set up this service", "Premier démarrage : configurer le service";
    FirstRunIntro => "Create the organisation and its first administrator. Nothing is stored until you confirm.", "Créez l'organisme et son premier compte administrateur. Rien n'est enregistré avant votre confirmation.";
    FieldOrgName => "Organisation name", "Nom de l'organisme";
    FieldProvince => "Province or territory (e.g. ON, QC)", "Province ou territoire (p. ex. ON, QC)";
    FieldDefaultLanguage => "Default language", "Langue par défaut";
    FieldAdminUser => "Administrator user name", "Nom d'utilisateur du compte administrateur";
    FieldPassword => "Password", "Mot de passe";
    FieldPasswordAgain => "Password again", "Mot de passe (de nouveau)";
    PasswordsDiffer => "the passwords differ", "les mots de passe diffèrent";
    PasswordTooShort => "at least 15 characters", "au moins 15 caractères";
    UnknownProvince => "unknown province or territory", "province ou territoire inconnu";
    UnknownLanguage => "choose one", "choisissez-en une";
    RecoveryTitle => "Recovery key: shown only this once", "Clé de récupération : affichée une seule fois";
    RecoveryIntro => "Write this key down and keep it somewhere safe and separate. Without it, forgotten passwords cannot be recovered and the data stays locked.", "Notez cette clé et gardez-la en lieu sûr, à part. Sans elle, un mot de passe oublié ne peut pas être récupéré et les données restent verrouillées.";
    RecoveryConfirm => "Type YES and press Enter once you have kept it:", "Tapez OUI puis Entrée une fois la clé notée :";
    RecoveryWord => "YES", "OUI";
    // Login and lock
    LoginTitle => "Sign in", "Connexion";
    FieldUser => "User name", "Nom d'utilisateur";
    LoginFailed => "Wrong user name or password.", "Nom d'utilisateur ou mot de passe incorrect.";
    ChangePasswordTitle => "Choose a new password", "Choisissez un nouveau mot de passe";
    PasswordResetNotice => "Your password was reset by {by} on {date}. To go on, choose a new one of at least 15 characters. Only you will know it.", "Votre mot de passe a été réinitialisé par {by} le {date}. Pour continuer, choisissez-en un nouveau d'au moins 15 caractères. Vous serez la seule personne à le connaître.";
    FieldNewPassword => "New password", "Nouveau mot de passe";
    FieldNewPasswordAgain => "New password again", "Confirmez le nouveau mot de passe";
    PasswordChanged => "New password set.", "Nouveau mot de passe enregistré.";
    LockedTitle => "Locked", "Verrouillé";
    LockedIntro => "This session of {user} was locked. Client details are hidden until {user}'s password is given again.", "Cette session de {user} a été verrouillée. Les renseignements de la clientèle sont masqués jusqu'à la saisie du mot de passe de {user}.";
    // Home
    HomeTitle => "Queue", "File d'attente";
    QueueEmpty => "Nothing waiting. Press n to start a new intake.", "Rien en attente. Appuyez sur n pour une nouvelle évaluation.";
    QueueInProgress => "in progress", "en cours";
    QueueKiosk => "kiosk submission", "soumission borne";
    QueueCritical => "CRITICAL", "CRITIQUE";
    QueueUrgent => "URGENT", "URGENT";
    QueueIncomplete => "kiosk, unfinished", "borne, inachevée";
    AlertCritical => "CRITICAL ALERT", "ALERTE CRITIQUE";
    AlertUrgent => "URGENT ALERT", "ALERTE URGENTE";
    AlertKiosk => "kiosk {device}, submission {ref}", "borne {device}, soumission {ref}";
    AlertStaff => "intake of {name} ({ref})", "évaluation de {name} ({ref})";
    AlertStaffUnknown => "an intake elsewhere ({ref})", "une évaluation ailleurs ({ref})";
    AlertKeys => "^G queue · ^D dismiss", "^G file · ^D fermer";
    KeyQueue => "queue", "file d'attente";
    KeyNewIntake => "new intake", "nouvelle évaluation";
    KeyResume => "open", "ouvrir";
    KeySearch => "search clients", "chercher un(e) client(e)";
    KeyHistory => "history", "historique";
    KeyCheckinCode => "check-in code", "code d'accueil";
    CheckinIssuedFor => "Kiosk check-in code for this client (valid for 60 minutes):", "Code d'accueil de la borne pour cette personne (valable 60 minutes) :";
    SearchPrompt => "Search by name:", "Chercher par nom :";
    SignedInAs => "Signed in as", "Connecté :";
    SearchTitle => "Find a client", "Trouver un(e) client(e)";
    SearchHint => "Type part of the name (every word must appear in it).", "Tapez une partie du nom (chaque mot doit y figurer).";
    ListPosition => "{first}–{last} of {total}", "{first} à {last} sur {total}";
    ColumnClient => "Client", "Personne";
    ColumnStatus => "Status", "État";
    ColumnUpdated => "Updated", "Mise à jour";
    ColumnTime => "Time", "Heure";
    ColumnUser => "User", "Utilisateur";
    ColumnName => "Name", "Nom";
    ColumnRole => "Role", "Rôle";
    ColumnAction => "Action", "Action";
    ColumnOutcome => "Outcome", "Résultat";
    AuditOutcomeAllowed => "allowed", "autorisé";
    AuditOutcomeDenied => "denied", "refusé";
    AuditOutcomeFailed => "failed", "échec";
    ColumnOrigin => "From", "Origine";
    ColumnBirthDate => "Born", "Naissance";
    ColumnProvince => "Prov.", "Prov.";
    ColumnLanguage => "Language", "Langue";
    SearchMore => "More clients match than are shown: type more of the name.", "D'autres personnes correspondent : tapez davantage du nom.";
    NoClientFound => "No client matches. Press Esc or Ctrl-B to go back, or n on the queue for a new client.", "Aucun(e) client(e) ne correspond. Esc ou Ctrl-B pour revenir, ou n dans la file pour une nouvelle fiche client.";
    KeyStartIntake => "new intake for this client", "nouvelle évaluation";
    // Client form
    ClientTitle => "New client", "Nouvelle fiche client";
    FieldName => "Name", "Nom";
    FieldBirthDate => "Date of birth (YYYY-MM-DD)", "Date de naissance (AAAA-MM-JJ)";
    FieldClientLanguage => "Preferred language", "Langue préférée";
    FieldPopulations => "Populations", "Populations";
    FieldAccess => "Access needs", "Besoins d'accès";
    FieldSexForScoring => "Sex for scoring (female, male, or blank)", "Sexe pour le calcul des scores (femme, homme, ou vide)";
    UnknownSex => "female, male, or blank", "femme, homme, ou vide";
    SexFemale => "female", "femme";
    SexMale => "male", "homme";
    DetailsSexForScoring => "Sex (scoring)", "Sexe (scores)";
    DetailsSexNotGiven => "not given", "non indiqué";
    // Editing a client (search ^E, history e)
    ClientEditTitle => "Edit client", "Modifier la fiche client";
    KeyEditClient => "edit client", "modifier la fiche";
    ClientSaved => "Client details saved.", "Fiche client enregistrée.";
    ClientDetailsNone => "none", "aucun";
    LabelSeparator => ": ", " : ";
    BadDate => "use YYYY-MM-DD, a real date in the past", "format AAAA-MM-JJ, une date réelle passée";
    PopYouth => "Youth", "Jeunes";
    PopIndigenous => "Indigenous", "Autochtone";
    Pop2slgbtq => "2SLGBTQ+", "2ELGBTQ+";
    PopVeteran => "Veteran", "Vétéran";
    PopPerinatal => "Perinatal", "Périnatalité";
    PopNewcomer => "Newcomer", "Nouvel arrivant";
    AccessNoInternet => "No internet", "Pas d'Internet";
    AccessNoSmartphone => "No smartphone", "Pas de téléphone intelligent";
    AccessPhoneOnly => "Phone only", "Téléphone seulement";
    AccessFreeOnly => "Free services only", "Services gratuits seulement";
    // Consent
    ConsentTitle => "Consent", "Consentement";
    ConsentBody => "This service asks some standard questions about how you have been feeling, to suggest the right kind of help. Your answers are kept confidential and encrypted, used only by the care team of this service, and every access is recorded. You can stop at any time, and you can skip a question you do not want to answer unless it is needed for your safety. If your answers suggest you may be at risk, staff will talk with you right away.", "Ce service pose quelques questions normalisées sur votre état des dernières semaines afin de proposer l'aide qui convient. Vos réponses restent confidentielles et chiffrées, ne servent qu'à l'équipe soignante du service, et chaque consultation est consignée. Vous pouvez arrêter en tout temps et passer une question à laquelle vous ne voulez pas répondre, sauf si elle est nécessaire à votre sécurité. Si vos réponses indiquent un risque, le personnel vous parlera immédiatement.";
    ConsentQuestion => "Does the client consent?", "La personne consent-elle ?";
    ConsentGiven => "Consent given", "Consentement donné";
    ConsentDeclined => "Consent declined", "Consentement refusé";
    ConsentDeclinedNote => "Consent declined: no questionnaire is given. The refusal is recorded.", "Consentement refusé : aucun questionnaire n'est administré. Le refus est consigné.";
    KeyYes => "yes", "oui";
    KeyNo => "no", "non";
    // Questionnaire
    ItemOf => "Item {n} of {total}", "Question {n} sur {total}";
    InstrumentOf => "Questionnaire {n} of {total}", "Questionnaire {n} sur {total}";
    KeyAnswer => "answer", "répondre";
    KeySkip => "skip", "passer";
    KeyPrevItem => "previous item", "question précédente";
    // An instrument (or one optional question) not offered in the client's language: the client
    // reads it at the kiosk; staff also learn that an interpreter or the English form may be used.
    EnglishOnly => "This questionnaire is not yet available in French in this service, so it is shown in English.", "Ce questionnaire n'est pas encore offert en français dans ce service : il est présenté en anglais.";
    EnglishOnlyStaff => "Not yet available in French in this service: use the English form, or an interpreter.", "Pas encore offert en français dans ce service : utilisez la version anglaise ou faites appel à un ou une interprète.";
    EnglishOnlyItem => "This optional question is not yet available in French in this service, so it is shown in English.", "Cette question facultative n'est pas encore offerte en français dans ce service : elle est présentée en anglais.";
    CannotSkip => "This question is required.", "Cette question est obligatoire.";
    OurNote => "Note from this service (not part of the questionnaire):", "Note du service (ne fait pas partie du questionnaire) :";
    FollowUpAdded => "Follow-up added:", "Suivi ajouté :";
    // Choosing the bundle
    BundleTitle => "What to screen with", "Questionnaires à administrer";
    BundleIntro => "Choose the set of questionnaires for this intake. The one suggested for the client's age is selected.", "Choisissez l'ensemble de questionnaires de cette évaluation. Celui qui convient à l'âge de la personne est sélectionné.";
    BundleNoRiskScreen => "staff only: does not ask about suicide directly; ask in person", "personnel seulement : ne pose pas directement la question du suicide ; posez-la en personne";
    BundleChosen => "Enter starts the intake with: {bundle}", "Entrée commence l'évaluation avec : {bundle}";
    KeyBeginIntake => "start the intake", "commencer l'évaluation";
    // Lifting a flag-based exclusion (clinicians)
    KeyLiftExclusion => "lift an exclusion", "lever une exclusion";
    LiftTitle => "Lift an exclusion for this client (clinician): choose the service, then give the reason.", "Lever une exclusion pour cette personne (clinicien ou clinicienne) : choisissez le service, puis donnez la raison.";
    LiftReasonLabel => "Reason for lifting it (required):", "Raison de la levée (obligatoire) :";
    LiftReasonNeeded => "A reason is needed to lift an exclusion.", "Une raison est requise pour lever une exclusion.";
    LiftedBy => "exclusion lifted by a clinician:", "exclusion levée par un clinicien ou une clinicienne :";
    // A risk answer changed after it was acted on, and a follow-up kept due
    ReasonWithdrawTitle => "This answer removes a risk flag that staff already acted on:", "Cette réponse retire un signalement de risque déjà pris en charge :";
    ReasonWithdrawHelp => "The first answer stays in the record, with your name and this reason. Why is it changing?", "La première réponse reste au dossier, avec votre nom et cette raison. Pourquoi change-t-elle ?";
    ReasonWaiveTitle => "Waive this follow-up? It is due because a risk answer was changed.", "Lever ce suivi ? Il est dû parce qu'une réponse de risque a été modifiée.";
    ReasonWaiveHelp => "Only a clinician may waive it; your name and this reason are recorded.", "Seuls les cliniciens et cliniciennes peuvent le lever ; votre nom et cette raison sont consignés.";
    ReasonLabel => "Reason:", "Raison :";
    ReasonBlank => "A reason is needed (or go back to keep the answer as it was).", "Une raison est requise (ou revenez en arrière pour garder la réponse telle quelle).";
    KeySaveReason => "save the reason", "enregistrer la raison";
    KeyKeepAnswer => "cancel", "annuler";
    KeyClearReason => "clear", "effacer";
    KeyWaive => "waive follow-up", "lever le suivi";
    FollowUpStillDue => "Still due: the risk answer that called for this questionnaire was changed. A clinician may waive it (w) with a reason.", "Toujours dû : la réponse de risque qui a demandé ce questionnaire a été modifiée. Un clinicien ou une clinicienne peut le lever (w) avec une raison.";
    RiskChangedBy => "raised, then changed by {name}: {reason}", "signalé, puis modifié par {name} : {reason}";
    // Crisis
    CrisisTitle => "CRISIS PROTOCOL: stop the questionnaire", "PROTOCOLE DE CRISE : arrêtez le questionnaire";
    CrisisBecause => "Critical answer:", "Réponse critique :";
    FlagDeclined => "the client preferred not to answer risk question {item}", "la personne a préféré ne pas répondre à la question de risque {item}";
    CrisisResources => "Crisis resources for this client", "Ressources de crise pour cette personne";
    CrisisRecord => "Record what was done (required before going on):", "Consignez ce qui a été fait (obligatoire pour continuer) :";
    CrisisAction1 => "Called 9-1-1 / emergency services", "Appel au 9-1-1 / services d'urgence";
    CrisisAction2 => "Connected the client with a crisis line", "Client mis en contact avec une ligne de crise";
    CrisisAction3 => "Clinician notified and with the client now", "Clinicien(ne) avisé(e) et présent(e) auprès de la personne";
    CrisisAction4 => "Safety plan made with the client", "Plan de sécurité établi avec la personne";
    CrisisNote => "Note (optional):", "Note (facultatif) :";
    UrgentTitle => "URGENT: brief suicide safety assessment needed before the person leaves", "URGENT : évaluation brève de la sécurité (risque suicidaire) nécessaire avant le départ de la personne";
    UrgentBecause => "Urgent answer:", "Réponse urgente :";
    UrgentIntro => "The questionnaire may go on, but the person must not leave before a clinician has done a brief suicide safety assessment.", "Le questionnaire peut continuer, mais la personne ne doit pas partir avant qu'un clinicien ou une clinicienne ait fait une évaluation brève de la sécurité.";
    UrgentAction1 => "Brief suicide safety assessment done by a clinician", "Évaluation brève de la sécurité faite par un clinicien ou une clinicienne";
    UrgentAction2 => "Clinician told: assessment before the person leaves", "Clinicien(ne) avisé(e) : évaluation avant le départ de la personne";
    CrisisRecorded => "Crisis action recorded at", "Intervention de crise consignée à";
    KeyChoose => "choose", "choisir";
    KeyRecord => "record and continue", "consigner et continuer";
    // Results
    ResultsTitle => "Results", "Résultats";
    NotScorable => "not scorable: missing", "non calculable : manque";
    Positive => "positive screen", "dépistage positif";
    SuggestedLevel => "Suggested level", "Niveau suggéré";
    FinalLevel => "Final level", "Niveau retenu";
    Because => "because", "car";
    MatchedResources => "Matched resources", "Ressources proposées";
    OverrideReason => "Reason for the override (required):", "Motif de la modification (obligatoire) :";
    KeyConfirmLevel => "confirm level", "confirmer le niveau";
    KeyOverride => "change level", "changer le niveau";
    KeyPick => "pick referral", "choisir l'orientation";
    KeySummary => "save referral summary", "enregistrer le résumé";
    KeyFinish => "finish", "terminer";
    SummarySaved => "Referral summary saved to", "Résumé d'orientation enregistré dans";
    SummaryTitle => "Referral summary", "Résumé d'orientation";
    SummaryFor => "Prepared on", "Préparé le";
    SummaryPickFirst => "Tick at least one resource with Space, or finish with no referral.", "Cochez au moins une ressource avec Espace, ou terminez sans orientation.";
    SummaryPreviewTitle => "Referral summary: preview (as it will be saved)", "Résumé d'orientation : aperçu (tel qu'il sera enregistré)";
    SummaryReference => "Reference", "Référence";
    SummaryFrom => "From", "De la part de";
    SummaryPhone => "Telephone", "Téléphone";
    SummaryChosen => "Services chosen with you", "Services choisis avec vous";
    SummaryInDanger => "If you are in danger now, call 9-1-1. To talk about suicide, call or text 9-8-8, at any hour.", "Si vous êtes en danger maintenant, composez le 9-1-1. Pour parler du suicide, appelez ou textez le 9-8-8, à toute heure.";
    SummaryCrisisLines => "Crisis lines for you", "Lignes de crise pour vous";
    KeySaveSummary => "save summary", "enregistrer le résumé";
    KeyScrollText => "scroll", "faire défiler";
    SummaryDirUnwritable => "The summary folder cannot be written. An administrator chooses it with: triage settings set --summary-dir PATH", "Le dossier des résumés est inaccessible en écriture. Un administrateur le choisit avec : triage settings set --summary-dir CHEMIN";
    DecisionSaved => "Decision saved", "Décision enregistrée";
    DecisionReason => "Reason", "Motif";
    DecidedBy => "Decided by", "Décidé par";
    FinishTitle => "Finish the intake: what was the outcome?", "Terminer l'accueil : quelle en est l'issue ?";
    OutcomeReferred => "Referred to the resources picked", "Orientation vers les ressources retenues";
    OutcomeDeclined => "The client declined the referrals", "La personne a refusé les orientations";
    OutcomeNoReferral => "No referral needed (reason required)", "Aucune orientation nécessaire (motif obligatoire)";
    FinishReasonLabel => "Why no referral is needed:", "Pourquoi aucune orientation n'est nécessaire :";
    FinishReasonNeeded => "Type why no referral is needed.", "Indiquez pourquoi aucune orientation n'est nécessaire.";
    FinishNeedsPicks => "Pick the referrals first (Space), or choose another outcome.", "Cochez d'abord les orientations (Espace), ou choisissez une autre issue.";
    IntakeFinished => "Intake finished", "Accueil terminé";
    KeyShowClosed => "finished intakes", "accueils terminés";
    KeyShowQueue => "queue", "file d'attente";
    QueueFinished => "finished", "terminé";
    ClosedTitle => "Finished intakes", "Accueils terminés";
    KeyReopen => "reopen, with a reason", "rouvrir, avec un motif";
    ReopenReasonLabel => "Reason for reopening:", "Motif de la réouverture :";
    ReopenReasonNeeded => "Type the reason for reopening.", "Indiquez le motif de la réouverture.";
    AlreadyDecided => "Level already decided: the decision on record stands.", "Niveau déjà retenu : la décision consignée est maintenue.";
    LevelCrisis => "Crisis: immediate help", "Crise : aide immédiate";
    Level1 => "1 Information and self-help", "1 Information et autogestion";
    Level2 => "2 Self-guided digital", "2 Outils numériques autonomes";
    Level3 => "3 Guided digital or group", "3 Numérique accompagné ou groupe";
    Level4 => "4 Individual therapy", "4 Thérapie individuelle";
    Level5 => "5 Specialist or intensive care", "5 Soins spécialisés ou intensifs";
    // Triage output (`triage match`, `--output-lang`); the reasons themselves are worded in
    // `src/triage/wording.rs`, the triage core's part of the strings layer.
    MatchLevelLine => "Level: {level}", "Niveau : {level}";
    MatchOverridden => "  overridden by {by}: {reason} (suggested: {suggested})", "  modifié par {by} : {reason} (suggéré : {suggested})";
    MatchThen => "  then: {level}", "  ensuite : {level}";
    MatchRecommended => "Recommended:", "Recommandé :";
    MatchNote => "Note: {note}", "Remarque : {note}";
    MatchLeftOut => "Left out:", "Écartés :";
    MatchRoleCrisis => " [crisis]", " [crise]";
    MatchRoleSafetyNet => " [safety net]", " [filet de sécurité]";
    MatchRoleNavigation => " [navigation]", " [orientation]";
    MatchCall => "call {numbers}", "appeler le {numbers}";
    MatchOr => " or ", " ou ";
    // Administration
    AdminTitle => "Administration: users and roles", "Administration : utilisateurs et rôles";
    AuditTitle => "Audit log", "Journal d'audit";
    KeyNewUser => "new user", "nouvel utilisateur";
    KeyDisable => "disable / enable", "désactiver / réactiver";
    KeyAudit => "audit log", "journal d'audit";
    KeyUsers => "users", "utilisateurs";
    KeyVerify => "verify the chain", "vérifier la chaîne";
    KeyFilter => "filter", "filtrer";
    NewUserTitle => "New user", "Nouvel utilisateur";
    FieldDisplayName => "Display name", "Nom affiché";
    FieldRole => "Role", "Rôle";
    UnknownRole => "choose one", "choisissez-en un";
    UserAdded => "User added:", "Utilisateur ajouté :";
    NoUsers => "No users.", "Aucun utilisateur.";
    AuditFilterPrompt => "Filter (user, action or record; empty for all):", "Filtre (utilisateur, action ou dossier ; vide pour tout) :";
    AuditEmpty => "No audit entries match.", "Aucune entrée ne correspond.";
    AuditIntact => "Audit chain intact:", "Chaîne d'audit intacte :";
    AuditBroken => "AUDIT CHAIN BROKEN at", "CHAÎNE D'AUDIT ROMPUE à";
    Entries => "entries", "entrées";
    Active => "active", "actif";
    Disabled => "disabled", "désactivé";
    // Administration tasks (issue 6): each is also a command-line subcommand.
    AdminTools => "Tasks:", "Tâches :";
    AdminCannotRunIntakes => "An administrator account cannot run intakes or read client records. To run them, add a clinician account: triage user add --role clinician NAME", "Un compte d'administration ne peut ni mener d'entrevues d'accueil ni consulter les dossiers. Pour en mener, ajoutez un compte clinicien : triage user add --role clinician NOM";
    AdminLockedOut => "locked out: d unlocks", "bloqué : d débloque";
    KeyAdminStatus => "store lock status", "verrouillage des données";
    KeyAdminCheckin => "check-in code", "code d'accueil";
    KeyAdminBackup => "backup", "sauvegarde";
    KeyAdminVerifyBackup => "check a backup", "vérifier une sauvegarde";
    KeyAdminExport => "export", "exportation";
    KeyAdminKioskPin => "kiosk PIN", "NIP de la borne";
    KeyAdminSettings => "settings", "paramètres";
    KeyReload => "reload", "recharger";
    KeyRevoke => "revoke", "révoquer";
    KeyKeepCode => "keep", "garder";
    KeyChange => "change", "modifier";
    KeySave => "save", "enregistrer";
    KeyAdminResources => "resources check", "vérifier les ressources";
    KeyAdminInstruments => "instruments check", "vérifier les questionnaires";
    KeyRun => "run", "lancer";
    KeyRunAgain => "run again", "relancer";
    KeyRefresh => "refresh", "actualiser";
    KeyEdit => "change and run again", "modifier et relancer";
    KeyAnotherCode => "another code", "autre code";
    AdminStatusTitle => "Store status and lock", "État et verrouillage des données";
    AdminStatusIntro => "The store unlocks when a staff member signs in and locks again when the last staff session ends; kiosk submissions are accepted while it is locked. It stays unlocked while you are signed in here; Ctrl-X locks this screen. Same as `triage status`.", "Les données se déverrouillent à la connexion d'un membre du personnel et se verrouillent de nouveau à la fin de la dernière session du personnel ; les soumissions de la borne sont acceptées pendant le verrouillage. Elles restent déverrouillées tant que vous êtes connecté(e) ici ; Ctrl-X verrouille cet écran. Comme `triage status`.";
    AdminUnlocked => "Store: UNLOCKED (the data key is held)", "Données : DÉVERROUILLÉES (la clé de données est chargée)";
    AdminLocked => "Store: LOCKED (records cannot be read until a staff member signs in)", "Données : VERROUILLÉES (illisibles jusqu'à la connexion d'un membre du personnel)";
    AdminNotInitialised => "Store: not set up yet", "Données : pas encore configurées";
    AdminOrganisation => "Organisation:", "Organisme :";
    AdminOwnerProcess => "Owner process:", "Processus propriétaire :";
    AdminDataDirectory => "Data directory:", "Répertoire des données :";
    AdminConnections => "Connections to the owner:", "Connexions au propriétaire :";
    AdminAuditEntries => "Audit entries:", "Entrées d'audit :";
    AdminInsecureKdf => "WARNING: set up with insecure test key derivation", "ATTENTION : configuré avec une dérivation de clé de test non sécuritaire";
    AdminCheckinTitle => "Kiosk check-in codes", "Codes d'accueil de la borne";
    AdminCheckinIntro => "A single-use code for a client to type at the kiosk; their answers are then linked to it (and to the client, if you give one). Same as `triage checkin issue`; the outstanding codes are `triage checkin list`, and revoking one `triage checkin revoke`.", "Un code à usage unique que la personne tape à la borne ; ses réponses y sont alors reliées (et à sa fiche client, si vous en indiquez une). Comme `triage checkin issue` ; les codes en attente, `triage checkin list`, et la révocation, `triage checkin revoke`.";
    AdminFieldMinutes => "Valid for (minutes, 1 to 1440)", "Valide pendant (minutes, 1 à 1440)";
    AdminFieldClientId => "Client id (optional, 32 hex digits)", "Identifiant de la fiche client (facultatif, 32 chiffres hexadécimaux)";
    AdminMinutesRange => "a whole number from 1 to 1440", "un nombre entier de 1 à 1440";
    AdminBadClientId => "32 hex digits, or nothing", "32 chiffres hexadécimaux, ou rien";
    AdminCheckinCode => "Check-in code:", "Code d'accueil :";
    AdminValidUntil => "valid until {time}, single use", "valide jusqu'à {time}, usage unique";
    AdminForClient => "for client", "pour la fiche client";
    AdminUntil => "until {time}", "jusqu'à {time}";
    AdminIssuedHere => "Codes issued here since you signed in (the store keeps only a hash of each, so only this screen shows them):", "Codes émis ici depuis votre connexion (les données n'en gardent qu'une empreinte : seul cet écran les montre) :";
    AdminOutstanding => "Outstanding codes (not used, revoked or expired), by reference:", "Codes en attente (ni utilisés, ni révoqués, ni expirés), par référence :";
    AdminNoOutstanding => "  None.", "  Aucun.";
    AdminOutstandingRow => "{ref}  {issued} → {expires}  {client}  by {by}", "{ref}  {issued} → {expires}  {client}  par {by}";
    AdminClientYes => "client: yes", "client : oui";
    AdminClientNo => "client: no", "client : non";
    AdminRevokeConfirm => "Revoke code {ref}? No kiosk will accept it again. y: revoke · any other key: keep it", "Révoquer le code {ref} ? Aucune borne ne l'acceptera plus. y : révoquer · autre touche : le garder";
    AdminRevoked => "Code {ref} revoked: no kiosk accepts it now.", "Code {ref} révoqué : aucune borne ne l'accepte plus.";
    AdminBackupTitle => "Backup", "Sauvegarde";
    AdminBackupIntro => "The owner writes a consistent, encrypted, checksummed backup while others keep working. The file must not exist yet; keep backups on another machine. Same as `triage backup create FILE`.", "Le propriétaire écrit une sauvegarde cohérente, chiffrée et vérifiable pendant que les autres continuent de travailler. Le fichier ne doit pas exister ; gardez les sauvegardes sur une autre machine. Comme `triage backup create FICHIER`.";
    AdminFieldBackupPath => "Backup file (a new path)", "Fichier de sauvegarde (un nouveau chemin)";
    AdminBackupWritten => "Backup written:", "Sauvegarde écrite :";
    AdminVerifyTitle => "Check a backup", "Vérifier une sauvegarde";
    AdminVerifyIntro => "Opens a backup with your own password and checks its checksum, that every record decrypts, and its audit chain; no owner is needed. Same as `triage backup verify FILE`.", "Ouvre une sauvegarde avec votre propre mot de passe et vérifie sa somme de contrôle, le déchiffrement de chaque dossier et sa chaîne d'audit ; aucun propriétaire n'est nécessaire. Comme `triage backup verify FICHIER`.";
    AdminFieldBackupToCheck => "Backup file", "Fichier de sauvegarde";
    AdminFieldYourPassword => "Your password", "Votre mot de passe";
    AdminBackupIntact => "Backup intact:", "Sauvegarde intacte :";
    AdminBackupDamaged => "BACKUP DAMAGED:", "SAUVEGARDE ENDOMMAGÉE :";
    AdminBackupCounts => "{entries} entries, {records} encrypted records opened, {audit} audit entries checked", "{entries} entrées, {records} dossiers chiffrés ouverts, {audit} entrées d'audit vérifiées";
    AdminExportTitle => "Export every record (admin only, audited)", "Exporter tous les dossiers (administration seulement, consigné)";
    AdminExportIntro => "Every record, decrypted (or encrypted with age to the keys given), to a new file (a new directory for CSV) that only your account can read. The owner audits it with your reason. Same as `triage export`.", "Tous les dossiers, déchiffrés (ou chiffrés avec age pour les clés indiquées), dans un nouveau fichier (un nouveau dossier pour CSV) lisible par votre compte seulement. Le propriétaire le consigne avec votre motif. Comme `triage export`.";
    AdminFieldReason => "Reason for this export (required unless de-identified)", "Motif (obligatoire sauf si dépersonnalisé)";
    AdminFieldRecipients => "Encrypt to age public keys (age1…, optional)", "Chiffrer pour (clés publiques age1…, facultatif)";
    AdminReasonRequired => "required: say why", "obligatoire : dites pourquoi";
    AdminBadRecipient => "not an age1… public key", "pas une clé publique age1…";
    AdminExportedEncrypted => "Encrypted with age to {n} public key(s): only their secret keys open it.", "Chiffré avec age pour {n} clé(s) publique(s) : seules leurs clés secrètes l'ouvrent.";
    AdminFieldFormat => "Format (jsonl, csv or fhir)", "Format (jsonl, csv ou fhir)";
    AdminFieldExportPath => "Write to (a new path)", "Écrire dans (un nouveau chemin)";
    AdminFieldOptions => "Options", "Options";
    AdminDeidentify => "De-identify (CSV only)", "Dépersonnaliser (CSV seulement)";
    AdminUnknownFormat => "jsonl, csv or fhir", "jsonl, csv ou fhir";
    AdminDeidentifyCsvOnly => "for CSV only", "pour CSV seulement";
    AdminExported => "Exported {n} encounters to", "{n} rencontres exportées dans";
    AdminExporting => "{n} encounters written so far.", "{n} rencontres écrites jusqu'ici.";
    AdminLeftOut => "Unreadable records left out:", "Dossiers illisibles laissés de côté :";
    AdminPinTitle => "Kiosk exit PIN", "NIP de sortie de la borne";
    AdminPinIntro => "The PIN that closes a kiosk (Ctrl-E at the kiosk). Stored hashed; wrong PINs are throttled. Same as `triage kiosk-pin`.", "Le NIP qui ferme une borne (Ctrl-E à la borne). Conservé sous forme hachée ; les erreurs sont freinées. Comme `triage kiosk-pin`.";
    AdminFieldPin => "New kiosk exit PIN (6 to 12 digits)", "Nouveau NIP de sortie (6 à 12 chiffres)";
    AdminFieldPinAgain => "The same PIN again", "Le même NIP de nouveau";
    AdminPinRule => "6 to 12 digits", "6 à 12 chiffres";
    AdminPinsDiffer => "the PINs differ", "les NIP diffèrent";
    AdminPinSet => "Kiosk exit PIN set: at a kiosk, Ctrl-E asks for it.", "NIP de sortie enregistré : à la borne, Ctrl-E le demande.";
    AdminSettingsTitle => "Organisation settings", "Paramètres de l'organisme";
    AdminSettingsIntro => "Staff idle lock, kiosk idle period, your crisis protocol (shown first on crisis screens; the French text to French-speaking clients, else the English) and when the ASQ is asked. Audited. As `triage settings set`.", "Verrouillage du personnel, délai de la borne, votre protocole de crise (affiché en premier en cas de crise ; le texte français à la clientèle francophone, sinon l'anglais) et moment où l'ASQ est posé. Audité. Comme `triage settings set`.";
    AdminFieldIdleLock => "Staff idle lock (minutes, 1 to 240)", "Verrouillage du personnel après inactivité (minutes, 1 à 240)";
    AdminFieldKioskTimeout => "Kiosk starts over after (seconds, 30 to 3600)", "La borne recommence après (secondes, 30 à 3600)";
    AdminFieldCrisisText => "Crisis protocol (English)", "Protocole de crise (anglais)";
    AdminFieldCrisisTextFr => "Crisis protocol in French (optional)", "Protocole de crise en français (facultatif)";
    AdminFieldAsq => "ASQ suicide risk screen", "Dépistage du risque suicidaire ASQ";
    AdminAsqAfterItem9 => "only after PHQ-9 item 9 above \"Not at all\" (else: everyone)", "seulement après la question 9 du PHQ-9 au-delà de « Jamais » (sinon : à tous)";
    AdminIdleLockRange => "a whole number from 1 to 240", "un nombre entier de 1 à 240";
    AdminKioskTimeoutRange => "a whole number from 30 to 3600", "un nombre entier de 30 à 3600";
    AdminCrisisTextRule => "at most 2000 characters, no control characters", "au plus 2000 caractères, sans caractères de contrôle";
    AdminSettingsSaved => "Settings saved. Changed:", "Paramètres enregistrés. Modifiés :";
    AdminSettingsUnchanged => "Nothing changed: the settings were already these.", "Aucun changement : les paramètres étaient déjà ceux-ci.";
    AdminSettingsApplied => "The idle lock applies to this session now; kiosks use the new period and texts when they next connect.", "Le verrouillage s'applique dès maintenant à cette session ; les bornes utilisent le nouveau délai et les textes à leur prochaine connexion.";
    AdminResourcesTitle => "Resource catalog check", "Vérification du répertoire de ressources";
    AdminResourcesIntro => "Formats, duplicate ids and missing fields; entries not verified recently (stale); crisis options that are not 24/7. Same as `triage resources check`.", "Formats, identifiants en double et champs manquants ; entrées non vérifiées récemment (périmées) ; options de crise qui ne sont pas 24/7. Comme `triage resources check`.";
    AdminFieldCatalogDir => "Catalog directory (empty: the one built into triage)", "Dossier du répertoire (vide : celui intégré à triage)";
    AdminFieldStaleDays => "Stale when not verified for (days)", "Périmée si non vérifiée depuis (jours)";
    AdminStaleDaysRange => "a whole number from 1 to 3650", "un nombre entier de 1 à 3650";
    AdminResourcesSummary => "{n} resources checked: errors {errors}, stale {stale}, other warnings {warnings}", "{n} ressources vérifiées : erreurs {errors}, périmées {stale}, autres avertissements {warnings}";
    AdminInstrumentsTitle => "Questionnaire library check", "Vérification des questionnaires";
    AdminInstrumentsIntro => "Checks questionnaire files and names each problem by file:line:column. Same as `triage instruments check [PATH]`.", "Vérifie les fichiers de questionnaires et situe chaque problème par fichier, ligne et colonne. Comme `triage instruments check [CHEMIN]`.";
    AdminFieldInstrumentsPath => "File or directory (empty: the library in use)", "Fichier ou dossier (vide : la bibliothèque utilisée)";
    AdminInstrumentsSummary => "{n} files checked: problems {errors}, instruments unavailable {unavailable}", "{n} fichiers vérifiés : problèmes {errors}, questionnaires indisponibles {unavailable}";
    AdminNoProblems => "No problems found.", "Aucun problème.";
    AdminWorking => "Working… the screen updates when it is done.", "En cours… l'écran se mettra à jour à la fin.";
    AdminFailed => "It did not work:", "Échec :";
    AdminError => "error:", "erreur :";
    AdminStale => "stale:", "périmée :";
    AdminWarning => "warning:", "avertissement :";
    // Service report
    ReportTitle => "Service report: all encounters", "Rapport de service : toutes les rencontres";
    KeyReport => "service report", "rapport de service";
    ReportIntakes => "Intakes", "Évaluations";
    ReportByOrigin => "By origin", "Par provenance";
    ReportByLevel => "By level", "Par niveau";
    ReportWeekly => "Intakes per week", "Évaluations par semaine";
    ReportCritical => "Encounters with a critical flag", "Rencontres avec un signalement critique";
    ReportKioskReview => "Kiosk submission to staff review (median / 90th percentile)", "De la soumission à la borne à la révision (médiane / 90e centile)";
    ReportAwaiting => "awaiting", "en attente";
    ReportPositive => "Positive screens", "Dépistages positifs";
    ReportReferrals => "Referrals (offered / chosen)", "Orientations (proposées / choisies)";
    ReportOutcomes => "Outcomes by resource (reliable improvement, recovery; 95% CI)", "Résultats par ressource (amélioration fiable, rétablissement ; IC 95 %)";
    // Helper F (issue 13): the CLI's client and service reports (`triage report ... --lang fr`)
    RptServiceHeading => "Service report: {from} to {to}", "Rapport de service : période {from} – {to}";
    RptFromStart => "the beginning", "début";
    RptToNow => "now", "maintenant";
    RptIntakes => "Intakes: {n}", "Évaluations : {n}";
    RptPerWeek => "Per week: {spark} ({weeks} weeks)", "Par semaine : {spark} ({weeks} semaines)";
    RptOriginStaff => "staff", "personnel";
    RptOriginKiosk => "kiosk", "borne";
    RptUndecided => "undecided", "à décider";
    RptFlags => "Flags ({n} encounters with a critical flag or crisis action):", "Signalements ({n} rencontres avec un signalement critique ou une action de crise) :";
    RptFlagCritical => "critical", "critique";
    RptFlagWarning => "warning", "avertissement";
    RptKioskReview => "Kiosk submission to staff review: median {median}, 90th percentile {p90} ({reviewed} reviewed, {awaiting} awaiting)", "De la soumission à la borne à la révision par le personnel : médiane {median}, 90e centile {p90} ({reviewed} révisées, {awaiting} en attente)";
    RptRate => "{rate}% (95% CI {low}-{high}%)", "{rate} % (IC 95 % {low}-{high} %)";
    RptTooFew => "{count}/{of}: too few to say (fewer than {min})", "{count}/{of} : trop peu pour conclure (moins de {min})";
    RptReferrals => "Referrals by resource (offered / chosen):", "Orientations par ressource (proposées / choisies) :";
    RptOutcomes => "Outcomes by resource (clients referred with a follow-up measure; minimum {min} to report a rate):", "Résultats par ressource (personnes orientées ayant une mesure de suivi ; au moins {min} pour donner un taux) :";
    RptNoFollowUp => "no referred client has a follow-up measure yet", "aucune personne orientée n'a encore de mesure de suivi";
    RptResourceLine => "{resource} · {instrument}: {n} with follow-up, {cases} cases at baseline", "{resource} · {instrument} : {n} avec suivi, {cases} cas au départ";
    RptPaired => "NHS Talking Therapies outcomes, PHQ-9 and GAD-7 together (clients with paired measures; {definitions}):", "Résultats selon NHS Talking Therapies, PHQ-9 et GAD-7 ensemble (personnes ayant des mesures appariées ; {definitions}) :";
    RptPairedDefinitions => "a case at the start = PHQ-9 >= 10 or GAD-7 >= 8; recovery = a case at the start and below both at the end; reliable improvement = PHQ-9 down 6 or GAD-7 down 4, neither up as much; reliable deterioration = either up as much; reliable recovery = both recovery and reliable improvement", "cas au départ = PHQ-9 >= 10 ou GAD-7 >= 8 ; rétablissement = cas au départ, puis sous les deux seuils à la fin ; amélioration fiable = PHQ-9 en baisse de 6 ou GAD-7 en baisse de 4, sans hausse aussi forte de l'autre ; détérioration fiable = hausse aussi forte de l'un ou de l'autre ; rétablissement fiable = rétablissement et amélioration fiable à la fois";
    RptNoPaired => "no client has the PHQ-9 and the GAD-7 at two encounters yet", "aucune personne n'a encore le PHQ-9 et le GAD-7 à deux rencontres";
    RptPairedLine => "{who}: {n} with start and end, {cases} cases at the start", "{who} : {n} avec départ et fin, {cases} cas au départ";
    RptStoredTotals => "{n} measures used a stored total (no item answers were stored for them).", "{n} mesures reposent sur un total enregistré (aucune réponse aux questions n'a été enregistrée pour elles).";
    RptDamaged => "Unreadable records left out: {list}", "Enregistrements illisibles exclus : {list}";
    RptClientHeading => "Client {id}", "Dossier {id}";
    RptClientPaired => "PHQ-9 and GAD-7 together (NHS Talking Therapies):", "PHQ-9 et GAD-7 ensemble (NHS Talking Therapies) :";
    RptClientPairedNotYet => "not yet: needs both measured at two encounters", "pas encore : il faut les deux mesures à deux rencontres";
    RptClientPairedCourse => "{start} to {end} ({n} paired encounters): PHQ-9 {p0} -> {p1}, GAD-7 {g0} -> {g1}", "du {start} au {end} ({n} rencontres appariées) : PHQ-9 {p0} -> {p1}, GAD-7 {g0} -> {g1}";
    RptClientPairedOutcome => "case at the start: {case}; recovery: {recovery}; reliable improvement: {improvement}; reliable deterioration: {deterioration}; reliable recovery: {reliable}", "cas au départ : {case} ; rétablissement : {recovery} ; amélioration fiable : {improvement} ; détérioration fiable : {deterioration} ; rétablissement fiable : {reliable}";
    RptYes => "yes", "oui";
    RptNo => "no", "non";
    RptNoMeasures => "No scored measures yet.", "Aucune mesure notée pour l'instant.";
    RptMeasures => "{instrument}: {n} measures {spark} [{numbers}] from {from} to {to}", "{instrument} : {n} mesures {spark} [{numbers}] du {from} au {to}";
    RptMeasuresOne => "{instrument}: {n} measures {spark} [{numbers}] from {from} to {to}", "{instrument} : {n} mesure {spark} [{numbers}] du {from} au {to}";
    RptOneMeasure => "one measure: no change to report yet", "une seule mesure : aucun changement à signaler pour l'instant";
    RptNoChangeRule => "no change rule for this instrument", "aucune règle de changement pour cet instrument";
    RptCase => "case", "au-dessus du seuil clinique";
    RptNotCase => "not a case", "sous le seuil clinique";
    RptChange => "baseline {baseline} ({baseline_case}) -> latest {latest} ({latest_case}): change {change}, {direction}; recovery: {recovery}; reliable recovery: {reliable}", "départ {baseline} ({baseline_case}) -> dernière mesure {latest} ({latest_case}) : changement {change}, {direction} ; rétablissement : {recovery} ; rétablissement fiable : {reliable}";
    RptClientStoredTotals => "(some measures use a stored total: no item answers were stored)", "(certaines mesures reposent sur un total enregistré : aucune réponse aux questions n'a été enregistrée)";
    // The client's language on the History screen, named in the interface language (English
    // has always shown each language by its own name).
    ClientLanguageEn => "English", "anglais";
    ClientLanguageFr => "Français", "français";
    // "Populations" is feminine in French: "aucune" (access needs keep "aucun")
    ClientPopulationsNone => "none", "aucune";
    // Durations on the service report screen (minutes, hours, days)
    DurationDays => "d", "j";
    TooFew => "too few to say", "trop peu pour conclure";
    ReportPaired => "PHQ-9 + GAD-7 together (NHS Talking Therapies)", "PHQ-9 + GAD-7 ensemble (NHS Talking Therapies)";
    ReportPairedAll => "all clients", "toute la clientèle";
    // History
    HistoryTitle => "History", "Historique";
    HistoryEmpty => "No earlier encounters.", "Aucune rencontre antérieure.";
    ReliableImprovement => "reliable improvement", "amélioration fiable";
    ReliableDeterioration => "reliable deterioration", "détérioration fiable";
    Recovery => "recovery", "rétablissement";
    ReliableRecovery => "reliable recovery", "rétablissement fiable";
    NoReliableChange => "no reliable change", "aucun changement fiable";
    PairedTitle => "NHS Talking Therapies outcome", "résultat selon NHS Talking Therapies";
    PairedCaseAtStart => "case at the start", "cas clinique au départ";
    PairedNotCaseAtStart => "not a case at the start", "pas un cas clinique au départ";
    PairedNotRecovered => "not recovered", "non rétabli";
    // Helper D (issue 13): crisis text notes, the kiosk's key names and contact words in French
    CrisisTextEnglishOnly => "This message from the organisation is only available in English:", "Ce message de l'organisme n'est offert qu'en anglais :";
    KioskKeyEnter => "Enter", "Entrée";
    KioskContactText => "text", "texto";
    // Kiosk
    KioskWelcome => "Welcome", "Bienvenue";
    KioskIntro => "This screen asks some questions about how you have been feeling, so that the team here can suggest the right help. It takes about 10 minutes.", "Cet écran pose quelques questions sur votre état ces dernières semaines, pour que l'équipe puisse vous proposer l'aide qui convient. Cela prend environ 10 minutes.";
    KioskChooseLanguage => "Press 1 for English.", "Appuyez sur 2 pour le français.";
    KioskCodeTitle => "Check-in code", "Code d'accueil";
    KioskCodePrompt => "If the staff gave you a check-in code, type it and press Enter. If not, just press Enter.", "Si le personnel vous a donné un code d'accueil, tapez-le puis appuyez sur Entrée. Sinon, appuyez simplement sur Entrée.";
    KioskCodeChecking => "Checking the code…", "Vérification du code…";
    KioskCodeRefused => "This code did not work: it may be mistyped, already used or expired. Try again, or press Enter with no code to go on.", "Ce code n'a pas fonctionné : il est peut-être mal tapé, déjà utilisé ou expiré. Réessayez, ou appuyez sur Entrée sans code pour continuer.";
    KioskCodeUnavailable => "The code cannot be checked right now. Press Enter with no code to go on; the staff can link your answers later.", "Le code ne peut pas être vérifié pour l'instant. Appuyez sur Entrée sans code pour continuer ; le personnel pourra relier vos réponses plus tard.";
    KioskCodeAccepted => "Code accepted.", "Code accepté.";
    KioskKeyTypeAge => "your age", "votre âge";
    KioskAgeTitle => "Your age (optional)", "Votre âge (facultatif)";
    KioskAgePrompt => "How old are you? Type your age in years and press Enter. To skip this question, just press Enter.", "Quel âge avez-vous ? Tapez votre âge en années puis appuyez sur Entrée. Pour passer cette question, appuyez simplement sur Entrée.";
    KioskAgeWhy => "Your age lets us show you the help lines meant for people your age. It is kept with your answers.", "Votre âge nous permet de vous montrer les lignes d'aide destinées aux personnes de votre âge. Il est conservé avec vos réponses.";
    KioskAgeOutOfRange => "Type your age as a number of years (from 1 to 120), or press Enter without typing to skip.", "Tapez votre âge en nombre d'années (de 1 à 120), ou appuyez sur Entrée sans rien taper pour passer.";
    KioskConsentKiosk => "Each answer is locked as you give it, so that only the care team can read it, and this screen forgets it when you finish. If you stop part-way, or leave, the answers you have already given still reach the care team, marked as unfinished, so that someone can follow up with you.", "Chaque réponse est verrouillée dès que vous la donnez, pour que seule l'équipe soignante puisse la lire, et cet écran l'oublie à la fin. Si vous arrêtez en cours de route ou si vous partez, les réponses déjà données parviennent quand même à l'équipe soignante, marquées comme inachevées, pour que quelqu'un puisse faire un suivi avec vous.";
    KioskPreferNot => "Prefer not to answer", "Je préfère ne pas répondre";
    KioskSupportTitle => "Help is here if you need it", "De l'aide est là si vous en avez besoin";
    KioskSupportBody => "Thank you for your answer. The staff have been told and will talk with you before you leave. If you need to talk to someone now:", "Merci pour votre réponse. Le personnel a été prévenu et vous parlera avant votre départ. Si vous avez besoin de parler à quelqu'un maintenant :";
    KioskSupportContinue => "continue the questions", "continuer les questions";
    KioskReference => "Your reference for the desk: {reference}", "Votre référence pour l'accueil : {reference}";
    KioskReferenceAt => "Your reference for the desk: {reference} (sent at {time} UTC)", "Votre référence pour l'accueil : {reference} (envoyée à {time} UTC)";
    KioskThanksLines => "Any time, day or night: call or text 9-8-8. In danger now: 9-1-1.", "En tout temps, jour et nuit : appelez ou textez le 9-8-8. En danger maintenant : 9-1-1.";
    KioskCrisisWaiting => "Please stay here: this screen stays until a member of staff comes.", "Veuillez rester ici : cet écran reste affiché jusqu'à l'arrivée d'un membre du personnel.";
    KioskConsentQuestion => "Do you agree to answer the questions?", "Acceptez-vous de répondre aux questions ?";
    KioskConsentYes => "Yes, I agree", "Oui, j'accepte";
    KioskConsentNo => "No, not now", "Non, pas maintenant";
    KioskDeclinedTitle => "That is fine", "Aucun problème";
    KioskDeclinedBody => "Nothing was recorded. If you would like help, please speak to the staff at the desk.", "Rien n'a été enregistré. Si vous souhaitez de l'aide, adressez-vous au personnel de l'accueil.";
    KioskPart => "Part {n} of {total}", "Partie {n} sur {total}";
    KioskQuestion => "Question {n} of {total}", "Question {n} sur {total}";
    KioskPressNumber => "Press the number of your answer.", "Appuyez sur le chiffre de votre réponse.";
    KioskKeyPrevious => "previous question", "question précédente";
    KioskKeySkip => "skip this question", "passer cette question";
    KioskKeyQuickExit => "quick exit", "sortie rapide";
    KioskKeyContinue => "continue", "continuer";
    KioskKeyType => "type the code", "tapez le code";
    KioskCrisisTitle => "Please speak to the staff at the desk now", "Veuillez parler au personnel de l'accueil maintenant";
    KioskCrisisBody => "Some of your answers tell us you may be going through a very hard time. You do not have to face this alone.", "Certaines de vos réponses nous indiquent que vous traversez peut-être un moment très difficile. Vous n'avez pas à vivre cela seul(e).";
    KioskCrisis911 => "If you are in danger now, call 9-1-1.", "Si vous êtes en danger maintenant, composez le 9-1-1.";
    KioskCrisis988 => "Call or text 9-8-8 at any time, day or night (Suicide Crisis Helpline).", "Appelez ou textez le 9-8-8 en tout temps, jour et nuit (Ligne d'aide en cas de crise de suicide).";
    KioskCrisisLines => "Crisis lines for your province:", "Lignes de crise de votre province :";
    KioskCrisisAlerted => "The staff have been told.", "Le personnel a été prévenu.";
    KioskCrisisAlerting => "Telling the staff…", "Nous prévenons le personnel…";
    KioskThanksTitle => "Thank you", "Merci";
    KioskThanksBody => "Your answers have been sent to the care team. Please let the staff at the desk know that you have finished.", "Vos réponses ont été transmises à l'équipe soignante. Veuillez signaler au personnel de l'accueil que vous avez terminé.";
    KioskSavingTitle => "Saving your answers", "Enregistrement de vos réponses";
    KioskSavingBody => "Saving is taking longer than usual, and we are trying again. Your answers are kept safe in the meantime. If this takes more than a minute, please tell the staff at the desk.", "L'enregistrement prend plus de temps que d'habitude et nous réessayons. Vos réponses sont gardées en sécurité en attendant. Si cela dure plus d'une minute, veuillez le signaler au personnel de l'accueil.";
    KioskIdle => "Are you still there? This screen will start over in {secs} seconds. Press any key to continue.", "Êtes-vous toujours là ? Cet écran recommencera dans {secs} secondes. Appuyez sur une touche pour continuer.";
    KioskNeutralTitle => "Information", "Information";
    KioskNeutralBody => "This terminal is available. Press any key to begin.", "Ce terminal est disponible. Appuyez sur une touche pour commencer.";
    KioskPinTitle => "Staff only: close the kiosk", "Personnel seulement : fermer la borne";
    KioskPinPrompt => "Enter the kiosk PIN, then press Enter. Press Enter with no PIN to go back.", "Entrez le NIP de la borne, puis appuyez sur Entrée. Appuyez sur Entrée sans NIP pour revenir.";
    KioskPinWrong => "Wrong PIN.", "NIP incorrect.";
    KioskPinChecking => "Checking…", "Vérification…";
    KioskPinUnavailable => "The PIN cannot be checked:", "Le NIP ne peut pas être vérifié :";
    // CLI: `triage instruments show` and `triage score` (helper E). Our own words around the
    // instrument text, which itself comes from the questionnaire files.
    CliOfferedEnglishOnly => "Offered in English only: {note}", "Offert en anglais seulement : {note}";
    CliTimeframe => "Timeframe: {text}", "Période de référence : {text}";
    CliInstructions => "Instructions (instrument text):", "Consignes (texte de l'instrument) :";
    CliOurNote => "Our note (not instrument text): {text}", "Notre note (pas un texte de l'instrument) : {text}";
    CliOptional => "optional", "facultative";
    CliNotScored => "not scored", "non cotée";
    CliWithoutStem => "shown without the stem", "présentée sans l'énoncé";
    CliItemEnglishOnly => "English only: not in the French source", "pas encore offert en français dans ce service";
    CliAskedIf => "asked if {condition}{imputed}", "posée si {condition}{imputed}";
    CliElseScored => ", else scored {value}", ", sinon cotée {value}";
    CliScoreRule => "Score {id} ({min}..{max}): sum of {items}{times}", "Score {id} ({min}..{max}) : somme de {items}{times}";
    CliBands => "Bands {id}: {bands}", "Catégories {id} : {bands}";
    CliPositiveCutoff => "Positive screen: >= {cutoff}{context}{allowed}", "Dépistage positif : >= {cutoff}{context}{allowed}";
    CliCutoffIf => "{cutoff} if {condition}", "{cutoff} si {condition}";
    CliCutoffAllowed => " (a service may choose {allowed})", " (un service peut choisir {allowed})";
    CliPositiveWhen => "Positive screen: {rule}", "Dépistage positif : {rule}";
    CliFlagRule => "Flag {id} [{severity}] when {condition}{follow}: {label}", "Signalement {id} [{severity}] si {condition}{follow} : {label}";
    CliFollowUpRule => "Follow-up {instrument} when {condition}", "Suivi {instrument} si {condition}";
    CliSource => "Source: {text}", "Source : {text}";
    CliLicence => "Licence: {text}", "Licence : {text}";
    CliFrenchText => "French text: {text}", "Texte français : {text}";
    CliNotScorable => "Not scorable: missing required items {items}", "Score impossible à calculer : questions obligatoires sans réponse {items}";
    CliTotal => "Total: {total}{range}", "Total : {total}{range}";
    CliRange => " (range {min}-{max})", " (étendue {min}-{max})";
    CliSubscore => "  {label}: {value}", "  {label} : {value}";
    CliBand => "Band: {label} [{scheme}]{alternative}", "Catégorie : {label} [{scheme}]{alternative}";
    CliAlternativeScheme => " (alternative scheme)", " (autre barème)";
    CliBandUndecided => "Not decided (missing {items}): {label} [{band}]", "Non déterminée (sans réponse : {items}) : {label} [{band}]";
    CliPositive => "Positive screen: {answer}{cutoff}", "Dépistage positif : {answer}{cutoff}";
    CliYes => "yes", "oui";
    CliNo => "no", "non";
    CliCutoff => " (cut-off {cutoff})", " (seuil {cutoff})";
    CliPositiveSoFar => "Positive screen: yes, from the answers given (missing {items})", "Dépistage positif : oui, d'après les réponses données (sans réponse : {items})";
    CliSeverityCritical => "CRITICAL", "CRITIQUE";
    CliSeverityUrgent => "URGENT", "URGENT";
    CliSeverityWarning => "WARNING", "AVERTISSEMENT";
    CliFlagHit => "{severity} {id}{item}: {label}", "{severity} {id}{item} : {label}";
    CliFlagItem => " (item {item})", " (question {item})";
    CliFollowUpDue => "Follow-up due: {instruments}", "Suivi à faire : {instruments}";
    CliDerived => "Derived {title}: {total}{positive}", "Forme dérivée {title} : {total}{positive}";
    CliDerivedPositive => ", positive", ", positif";
}

pub use super::typography::{clock_time, colon, key_name};

/// `text` with `{name}` placeholders replaced.
pub fn fill(text: Text, lang: Lang, values: &[(&str, String)]) -> String {
    let mut out = text.get(lang).to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_time_is_written_as_each_language_writes_it() {
        let ms = (17 * 60 + 5) * 60_000 + 59_999;
        assert_eq!(super::clock_time(ms, Lang::En), "17:05");
        assert_eq!(super::clock_time(ms, Lang::Fr), "17 h 05");
    }

    #[test]
    fn every_text_exists_in_both_languages() {
        for text in Text::ALL {
            for lang in Lang::ALL {
                assert!(!text.get(lang).trim().is_empty(), "{text:?} is empty in {lang:?}");
            }
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        for text in Text::ALL {
            let holes = |s: &str| s.matches('{').count();
            assert_eq!(holes(text.get(Lang::En)), holes(text.get(Lang::Fr)), "{text:?}");
        }
    }

    /// Where French typography wants a space before `:` `?` `!` `;` and no ASCII double quote;
    /// URLs (`://`), times (`9:00`) and `{placeholder}` contents are not sentences.
    fn typography_faults(french: &str) -> Vec<String> {
        let chars: Vec<char> = french.chars().collect();
        let mut faults = Vec::new();
        for (at, &mark) in chars.iter().enumerate() {
            let before = at.checked_sub(1).and_then(|i| chars.get(i)).copied();
            let after = chars.get(at + 1).copied();
            let glued = before.is_some_and(|c| c.is_alphanumeric() || matches!(c, ')' | '»' | '.' | '\''));
            let url = mark == ':' && after == Some('/');
            let time =
                mark == ':' && before.is_some_and(|c| c.is_ascii_digit()) && after.is_some_and(|c| c.is_ascii_digit());
            if matches!(mark, ':' | '?' | '!' | ';') && glued && !url && !time {
                faults.push(format!("no space before « {mark} » at {at}"));
            }
            if mark == '"' {
                faults.push(format!("ASCII double quote at {at}: use « »"));
            }
        }
        faults
    }

    #[test]
    fn french_strings_follow_french_typography() {
        for text in Text::ALL {
            let faults = typography_faults(text.get(Lang::Fr));
            assert!(faults.is_empty(), "{text:?} « {} »: {faults:?}", text.get(Lang::Fr));
        }
    }

    #[test]
    fn the_typography_check_finds_what_it_is_meant_to() {
        assert_eq!(typography_faults("Aide : touches ; d'accord ? oui !"), Vec::<String>::new());
        assert_eq!(typography_faults("à 9:00, voir https://www.inspq.qc.ca"), Vec::<String>::new());
        assert_eq!(typography_faults("Erreur: non").len(), 1);
        assert_eq!(typography_faults("Lever ce suivi?").len(), 1);
        assert_eq!(typography_faults("fin; suite!").len(), 2);
        assert_eq!(typography_faults("le mot \"borne\"").len(), 2);
    }

    #[test]
    fn keys_are_named_as_a_french_keyboard_prints_them() {
        assert_eq!(key_name("Enter", Lang::Fr), "Entrée");
        assert_eq!(key_name("Esc/^B", Lang::Fr), "Échap/^B");
        assert_eq!(key_name("S-Tab/↑", Lang::Fr), "S-Tab/↑");
        assert_eq!(key_name("Space", Lang::Fr), "Espace");
        assert_eq!(key_name("^E", Lang::Fr), "^E");
        assert_eq!(key_name("r", Lang::Fr), "r");
        assert_eq!(key_name("Enter", Lang::En), "Enter");
        assert_eq!(format!("Niveau{}3", colon(Lang::Fr)), "Niveau : 3");
    }

    #[test]
    fn fill_replaces_placeholders() {
        let filled = fill(Text::ItemOf, Lang::Fr, &[("n", "4".into()), ("total", "9".into())]);
        assert_eq!(filled, "Question 4 sur 9");
    }
}
