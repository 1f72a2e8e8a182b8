//! The staff interface's plain, line-by-line mode (issue 17): what a screen reader or a braille
//! display reads in place of the full-screen layout.
//! One part of the strings table: see the parent module for how the parts are joined.

macro_rules! plain_strings {
    ([$next:ident $(, $rest:ident)*] $($done:tt)*) => {
        $next! { [$($rest),*] $($done)*
            PlainStaffWelcome => "Triage, plain text mode. Each prompt is one line: type your answer, then press Enter.", "Triage, mode texte simple. Chaque invite tient sur une ligne : tapez votre réponse, puis appuyez sur Entrée.";
            PlainStaffKeys => "Keys: r repeats, ? lists the choices and keys, b goes back. Control Q quits, Control X locks, Control L changes the language.", "Touches : r répète, ? donne les choix et les touches, b revient en arrière. Contrôle Q quitte, Contrôle X verrouille, Contrôle L change de langue.";
            PlainFieldNow => "Now: {value}. Press Enter alone to keep it.", "Actuellement : {value}. Appuyez seulement sur Entrée pour garder cette valeur.";
            PlainFieldEmpty => "Type it, then press Enter (Enter alone leaves it empty).", "Tapez-la, puis appuyez sur Entrée (Entrée seule la laisse vide).";
            PlainSecretField => "Nothing is shown as you type. Press Enter when done.", "Rien ne s'affiche pendant la saisie. Appuyez sur Entrée à la fin.";
            PlainChoiceNow => "Now chosen: {value}. Press Enter alone to keep it.", "Choix actuel : {value}. Appuyez seulement sur Entrée pour le garder.";
            PlainChecksHint => "Type the numbers that apply, separated by spaces, or 0 for none, then press Enter. Enter alone keeps what is chosen.", "Tapez les numéros qui s'appliquent, séparés par des espaces, ou 0 pour aucun, puis appuyez sur Entrée. Entrée seule garde les choix faits.";
            PlainChecked => "(chosen)", "(choisi)";
            PlainNotNumbers => "Type numbers from 1 to {n}, separated by spaces, or 0 for none.", "Tapez des numéros de 1 à {n}, séparés par des espaces, ou 0 pour aucun.";
            PlainQueueCount => "Intakes listed: {n}.", "Accueils dans la liste : {n}.";
            PlainOpenEntry => "Type an entry's number, then press Enter, to open it.", "Tapez le numéro d'une entrée, puis appuyez sur Entrée, pour l'ouvrir.";
            PlainReopenEntry => "Type an entry's number, then press Enter, to reopen it with a reason.", "Tapez le numéro d'une entrée, puis appuyez sur Entrée, pour la rouvrir avec une raison.";
            PlainLetters => "Letters: {keys}. A letter and a number act on that entry, as h 2.", "Lettres : {keys}. Une lettre suivie d'un numéro vise cette entrée, comme h 2.";
            PlainLettersOnly => "Letters: {keys}.", "Lettres : {keys}.";
            PlainTakeOver => "Type t to take it over, or b to leave it.", "Tapez t pour prendre la relève, ou b pour la laisser.";
            PlainTypeReason => "Type the reason, then press Enter. Type b to go back.", "Tapez la raison, puis appuyez sur Entrée. Tapez b pour revenir.";
            PlainReasonKeeps => "Type the reason, then press Enter. Type b to keep the answer as it was.", "Tapez la raison, puis appuyez sur Entrée. Tapez b pour garder la réponse d'avant.";
            PlainSearchType => "Type part of the name, then press Enter.", "Tapez une partie du nom, puis appuyez sur Entrée.";
            PlainSearchFound => "Clients found: {n}. Type a client's number to start an intake for them.", "Personnes trouvées : {n}. Tapez le numéro d'une personne pour commencer son accueil.";
            PlainSearchMore => "More clients match: type more of the name.", "D'autres personnes correspondent : tapez davantage du nom.";
            PlainSearchNone => "No client matches.", "Aucune personne ne correspond.";
            PlainDuplicatePick => "Type a client's number to start an intake for them, a to add the new client anyway, or b to go back to the form.", "Tapez le numéro d'une personne pour commencer son accueil, a pour ajouter quand même la nouvelle personne, ou b pour revenir au formulaire.";
            PlainBundleEnter => "Type a number to choose, or press Enter alone to start with: {bundle}.", "Tapez un numéro pour choisir, ou appuyez seulement sur Entrée pour commencer avec : {bundle}.";
            PlainQuestionKeys => "Type the number of the answer, then press Enter. s skips, b goes back to the previous question.", "Tapez le numéro de la réponse, puis appuyez sur Entrée. s passe la question, b revient à la question précédente.";
            PlainAnswerNow => "Answer now: {n}. Press Enter alone to keep it.", "Réponse actuelle : {n}. Appuyez seulement sur Entrée pour la garder.";
            PlainCrisisPrompt => "Type the number of what was done, and a note after it if you wish, then press Enter. For example: 3 clinician with the client.", "Tapez le numéro de ce qui a été fait, suivi d'une note si vous le voulez, puis appuyez sur Entrée. Par exemple : 3 clinicienne avec la personne.";
            PlainCrisisNumber => "Start with the number of what was done, from 1 to {n}.", "Commencez par le numéro de ce qui a été fait, de 1 à {n}.";
            PlainResultsPick => "Type a resource's number to pick it, or to take the pick back.", "Tapez le numéro d'une ressource pour la choisir, ou pour retirer ce choix.";
            PlainPicked => "picked", "choisie";
            PlainNoResources => "No resource matched.", "Aucune ressource proposée.";
            PlainLevelPrompt => "Type the number of the level and the reason after it, then press Enter. For example: 3 needs more support. Type b to go back.", "Tapez le numéro du niveau, suivi de la raison, puis appuyez sur Entrée. Par exemple : 3 a besoin de plus de soutien. Tapez b pour revenir.";
            PlainLiftPrompt => "Type the number of the exclusion to lift and the reason after it, then press Enter. Type b to go back.", "Tapez le numéro de l'exclusion à lever, suivi de la raison, puis appuyez sur Entrée. Tapez b pour revenir.";
            PlainFinishPrompt => "Type the number of the outcome, then press Enter; for 3, the reason after the number. Type b to go back.", "Tapez le numéro de l'issue, puis appuyez sur Entrée ; pour 3, la raison après le numéro. Tapez b pour revenir.";
            PlainNumberThenReason => "Start with a number from 1 to {n}, then the reason.", "Commencez par un numéro de 1 à {n}, puis la raison.";
            PlainSummarySave => "Press Enter alone to save this summary, or type b to go back.", "Appuyez seulement sur Entrée pour enregistrer ce résumé, ou tapez b pour revenir.";
            PlainReadOnly => "This screen is read as text in plain mode.", "Cet écran est lu comme du texte en mode simple.";
            PlainEnterKeys => "Enter alone: {label}.", "Entrée seule : {label}.";
            PlainControl => "Control {key}", "Contrôle {key}";
        }
    };
}
