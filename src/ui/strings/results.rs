//! Results and the triage output.
//! One part of the strings table: see the parent module for how the parts are joined.

macro_rules! results_strings {
    ([$next:ident $(, $rest:ident)*] $($done:tt)*) => {
        $next! { [$($rest),*] $($done)*
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
        }
    };
}
