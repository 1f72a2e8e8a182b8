//! The command line's instrument and scoring output.
//! One part of the strings table: see the parent module for how the parts are joined.

macro_rules! cli_strings {
    ([$next:ident $(, $rest:ident)*] $($done:tt)*) => {
        $next! { [$($rest),*] $($done)*
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
    };
}
