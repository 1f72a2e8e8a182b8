//! The kiosk.
//! One part of the strings table: see the parent module for how the parts are joined.

macro_rules! kiosk_strings {
    ([$next:ident $(, $rest:ident)*] $($done:tt)*) => {
        $next! { [$($rest),*] $($done)*
            // Helper D (issue 13): crisis text notes, the kiosk's key names and contact words in French
            CrisisTextEnglishOnly => "This message from the organisation is only available in English:", "Ce message de l'organisme n'est offert qu'en anglais :";
            KioskKeyEnter => "Enter", "Entrée";
            KioskContactText => "text", "texto";
            // Plain, line-by-line mode (issue 17): what a screen reader or braille display reads
            PlainChooseLanguage => "For English, type 1, then press Enter.", "Pour le français, tapez 2, puis appuyez sur Entrée.";
            PlainTypeChoice => "Type a number from 1 to {n}, then press Enter.", "Tapez un nombre de 1 à {n}, puis appuyez sur Entrée.";
            PlainChoicesAsBefore => "The choices are the same as before, 1 to {n}.", "Les choix sont les mêmes qu'avant, de 1 à {n}.";
            PlainEnterSkips => "To skip this question, press Enter alone.", "Pour passer cette question, appuyez seulement sur Entrée.";
            PlainEnterKeeps => "Your answer now: {n}. To keep it, press Enter alone.", "Votre réponse actuelle : {n}. Pour la garder, appuyez seulement sur Entrée.";
            PlainNotAChoice => "{answer} is not one of the choices. Type a number from 1 to {n}, then press Enter.", "{answer} ne fait pas partie des choix. Tapez un nombre de 1 à {n}, puis appuyez sur Entrée.";
            PlainNotUnderstood => "Sorry, that was not understood. Type a question mark for the choices and keys.", "Désolé, ce n'est pas compris. Tapez un point d'interrogation pour connaître les choix et les touches.";
            PlainKeys => "Keys: r repeats the question, b goes back, a question mark lists the choices and keys. Escape or Control X leaves at once, at any time.", "Touches : r répète la question, b revient en arrière, un point d'interrogation donne les choix et les touches. Échap ou Contrôle X quitte aussitôt, en tout temps.";
            PlainEnterContinue => "Press Enter to continue the questions.", "Appuyez sur Entrée pour continuer les questions.";
            PlainEnterFinish => "Press Enter to finish.", "Appuyez sur Entrée pour terminer.";
            PlainAnyTime => "at any time, day or night", "en tout temps, jour et nuit";
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
        }
    };
}
