//! Everywhere: the terminal, keys, roles, the owner's errors, first run, sign-in and the lock.
//! One part of the strings table: see the parent module for how the parts are joined.

macro_rules! general_strings {
    ([$next:ident $(, $rest:ident)*] $($done:tt)*) => {
        $next! { [$($rest),*] $($done)*
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
            // How long ago something changed (`ui::clock::relative`)
            TimeJustNow => "just now", "à l'instant";
            TimeMinutesAgo => "{n} min ago", "il y a {n} min";
            TimeHoursAgo => "{n} h ago", "il y a {n} h";
            TimeYesterday => "yesterday {time}", "hier à {time}";
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
            ErrTaken => "someone else took this intake over: your last change was not saved, and the intake was opened again as it is saved now", "quelqu'un d'autre a pris en charge cette évaluation : votre dernière modification n'a pas été enregistrée, et l'évaluation a été rouverte telle qu'elle est enregistrée maintenant";
            ErrStale => "someone else changed this intake since you opened it: your last change was not saved, and the intake was opened again as it is saved now", "quelqu'un d'autre a modifié cette évaluation depuis que vous l'avez ouverte : votre dernière modification n'a pas été enregistrée, et l'évaluation a été rouverte telle qu'elle est enregistrée maintenant";
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
            FieldTimeZone => "Time zone (e.g. America/Toronto)", "Fuseau horaire (p. ex. America/Toronto)";
            UnknownTimeZone => "not a time zone name: use an IANA name such as America/Toronto, America/Regina or America/St_Johns", "nom de fuseau horaire inconnu : utilisez un nom IANA comme America/Toronto, America/Regina ou America/St_Johns";
            UnknownProvince => "unknown province or territory: use AB, BC, MB, NB, NL, NS, NT, NU, ON, PE, QC, SK or YT", "province ou territoire inconnu : utilisez AB, BC, MB, NB, NL, NS, NT, NU, ON, PE, QC, SK ou YT";
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
        }
    };
}
