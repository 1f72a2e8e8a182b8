//! The command line's reports, language and duration names, and the history screen.
//! One part of the strings table: see the parent module for how the parts are joined.

macro_rules! reports_strings {
    ([$next:ident $(, $rest:ident)*] $($done:tt)*) => {
        $next! { [$($rest),*] $($done)*
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
        }
    };
}
