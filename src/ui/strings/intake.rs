//! The intake: home, the client form, consent, questionnaires, bundles, follow-ups and the crisis protocol.
//! One part of the strings table: see the parent module for how the parts are joined.

macro_rules! intake_strings {
    ([$next:ident $(, $rest:ident)*] $($done:tt)*) => {
        $next! { [$($rest),*] $($done)*
            // Home
            HomeTitle => "Queue", "File d'attente";
            QueueEmpty => "Nothing waiting. Press n to start a new intake.", "Rien en attente. Appuyez sur n pour un nouvel accueil.";
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
            KeyNewIntake => "new intake", "nouvel accueil";
            KeyTakeOver => "take over", "prendre la relève";
            OpenByUser => "open by {user}", "ouverte par {user}";
            OpenSince => "since {time}", "depuis {time}";
            HeldElsewhere => "Open by {user} since {time}: t takes it over, Esc or ^B leaves it", "Ouverte par {user} depuis {time} : t prend la relève, Échap ou ^B la laisse";
            KeyResume => "open", "ouvrir";
            KeySearch => "search clients", "chercher";
            KeyHistory => "history", "historique";
            KeyCheckinCode => "check-in code", "code d'accueil";
            CheckinNeedsClient => "Open the kiosk submission first: a check-in code is for a client on record.", "Ouvrez d'abord l'envoi de la borne : un code d'accueil est lié à une personne inscrite.";
            CheckinIssuedFor => "Kiosk check-in code for this client (valid for 60 minutes):", "Code d'accueil de la borne pour cette personne (valable 60 minutes) :";
            SearchPrompt => "Search by name:", "Chercher par nom :";
            SignedInAs => "Signed in as", "Connecté :";
            SearchTitle => "Find a client", "Trouver un(e) client(e)";
            DuplicateTitle => "This client may be on record already", "Cette personne a peut-être déjà un dossier";
            DuplicateNote => "Is the new client one of these? Pick them, or press a to add anyway.", "Est-ce l'une de ces personnes ? Choisissez-la, ou a : ajouter quand même.";
            KeyAddAnyway => "add anyway", "ajouter quand même";
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
        }
    };
}
