//! A new client, or changes to an existing one (from the search results or the history): minimal
//! identifiers, language, province, date of birth, populations, access needs.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::instrument::age_on;
use crate::instrument::{Context, Lang, Library, Sex};
use crate::store::records::vocab_codes::{population_code, province_text};
use crate::triage::vocab::{Population, Province};
use crate::tui::app::{Action, App, Deps, Effect, Field, Form, Screen, Status, valid_birth_date};
use crate::tui::backend::ClientInfo;
use crate::tui::form::{self as form_keys, FormCmd};
use crate::tui::keys::{self, Entry};
use crate::tui::view::{View, body_block, clean, draw_form};
use crate::ui::strings::Text;

/// The populations the form lists, by their stored codes (`vocab_codes::population_code`).
pub const POPULATIONS: [(&str, Text); 6] = [
    ("youth", Text::PopYouth),
    ("indigenous", Text::PopIndigenous),
    ("2slgbtq", Text::Pop2slgbtq),
    ("veteran", Text::PopVeteran),
    ("perinatal", Text::PopPerinatal),
    ("newcomer", Text::PopNewcomer),
];
pub const ACCESS_NEEDS: [(&str, Text); 4] = [
    ("no_internet", Text::AccessNoInternet),
    ("no_smartphone", Text::AccessNoSmartphone),
    ("phone_only", Text::AccessPhoneOnly),
    ("free_only", Text::AccessFreeOnly),
];

/// The languages a client or an organisation may have, for the pickers.
pub const LANGUAGES: [(&str, Text); 2] = [("en", Text::ClientLanguageEn), ("fr", Text::ClientLanguageFr)];

/// Editing an existing client on the client form.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientEdit {
    /// The client as it was when the form opened.
    pub client: ClientInfo,
    /// Where the worker came from (search results or history); shown again with the new values.
    pub back: Box<Screen>,
}

pub(crate) fn client_form(province: Option<Province>, lang: Lang) -> Form {
    client_form_with(&ClientInfo { province, ..ClientInfo::default() }, lang)
}

/// Whether the form lists `population` (the others are kept as they are by an edit).
pub fn listed_population(population: Population) -> Option<Text> {
    POPULATIONS.iter().find(|(code, _)| *code == population_code(population)).map(|(_, text)| *text)
}

/// The populations ticked on the form.
fn ticked_populations(field: &Field) -> Vec<Population> {
    field.checked_codes().iter().filter_map(|code| Population::parse(code)).collect()
}

/// The words the client form shows for a sex for scoring, in the interface language.
fn sex_word(sex: Option<Sex>, lang: Lang) -> &'static str {
    match sex {
        Some(Sex::Female) => Text::SexFemale.get(lang),
        Some(Sex::Male) => Text::SexMale.get(lang),
        None => "",
    }
}

/// The sex for scoring typed in the client form: the English or French word or its first
/// letter, in any case; blank is not given. Anything else is the field error to show.
pub fn parse_sex_for_scoring(text: &str) -> Result<Option<Sex>, Text> {
    match text.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "female" | "f" | "femme" => Ok(Some(Sex::Female)),
        "male" | "m" | "homme" | "h" => Ok(Some(Sex::Male)),
        _ => Err(Text::UnknownSex),
    }
}

/// The client form filled with `client`'s details (ticked populations and access needs).
pub fn client_form_with(client: &ClientInfo, lang: Lang) -> Form {
    let checks = |label, choices: &'static [(&'static str, Text)], codes: &[String]| {
        let mut field = Field::checks(label, choices);
        field.checked = choices.iter().map(|(code, _)| codes.iter().any(|c| c == code)).collect();
        field
    };
    Form::new(vec![
        Field::text(Text::FieldName).with(&client.name),
        Field::text(Text::FieldBirthDate).with(client.birth_date.as_deref().unwrap_or("")),
        Field::text(Text::FieldProvince).with(&province_text(client.province)),
        Field::choice(Text::FieldClientLanguage, &LANGUAGES).with(client.language.map_or("", |l| l.code())),
        checks(
            Text::FieldPopulations,
            &POPULATIONS,
            &client.populations.iter().map(|p| population_code(*p).to_string()).collect::<Vec<_>>(),
        ),
        checks(Text::FieldAccess, &ACCESS_NEEDS, &client.access_needs),
        // Last, so that filling the form field by field stays as it was before it existed.
        Field::text(Text::FieldSexForScoring).with(sex_word(client.sex_for_scoring, lang)),
    ])
}

/// Opens the client form on `client`, remembering the screen in front to come back to.
pub(crate) fn open_client_edit(app: &mut App, client: ClientInfo) {
    let back = std::mem::replace(&mut app.screen, Screen::ClientForm(client_form_with(&client, app.lang)));
    app.editing = Some(ClientEdit { client, back: Box::new(back) });
}

/// What scoring needs to know about the client: their sex for scoring and their age today (from
/// the date of birth); unknown ones stay unknown, and the instruments say what that means.
pub fn scoring_context(client: &ClientInfo, today: &str) -> Context {
    Context {
        sex: client.sex_for_scoring,
        age: client.birth_date.as_deref().and_then(|b| age_on(b, today)),
        cutoff: None,
    }
}

/// The province and language of two form fields, each marked if unknown (the province's error
/// lists the valid codes).
pub(crate) fn province_and_language(
    form: &mut Form,
    province: usize,
    language: usize,
) -> (Option<Province>, Option<Lang>) {
    let code = Province::parse(form.value(province));
    if code.is_none() {
        form.fields[province].error = Some(Text::UnknownProvince);
    }
    let lang = Lang::parse(form.value(language).trim());
    if lang.is_none() {
        form.fields[language].error = Some(Text::UnknownLanguage);
    }
    (code, lang)
}

/// The client form's values, checked as for a new client; marks the fields in error.
fn client_from_form(form: &mut Form, today: &str) -> Option<ClientInfo> {
    for field in &mut form.fields {
        field.error = None;
    }
    if form.value(0).trim().is_empty() {
        form.fields[0].error = Some(Text::Required);
    }
    let birth = form.value(1).trim().to_string();
    if !valid_birth_date(&birth, today) {
        form.fields[1].error = Some(Text::BadDate);
    }
    let (province, language) = province_and_language(form, 2, 3);
    let sex_for_scoring = parse_sex_for_scoring(form.value(6)).unwrap_or_else(|error| {
        form.fields[6].error = Some(error);
        None
    });
    if form.first_error() {
        return None;
    }
    Some(ClientInfo {
        id: String::new(),
        name: form.value(0).trim().to_string(),
        birth_date: (!birth.is_empty()).then_some(birth),
        province,
        language,
        populations: ticked_populations(&form.fields[4]),
        access_needs: form.fields[5].checked_codes(),
        sex_for_scoring,
    })
}

/// The edited details for `original`: its id, and any population or access-need code the form
/// cannot show (recorded elsewhere, e.g. with `triage client edit`) kept as it was.
fn edited_client(original: &ClientInfo, mut edited: ClientInfo) -> ClientInfo {
    let keep_unlisted = |codes: &mut Vec<String>, old: &[String], listed: &[(&str, Text)]| {
        codes.extend(old.iter().filter(|c| !listed.iter().any(|(code, _)| code == c)).cloned());
    };
    edited.populations.extend(original.populations.iter().filter(|p| listed_population(**p).is_none()));
    keep_unlisted(&mut edited.access_needs, &original.access_needs, &ACCESS_NEEDS);
    ClientInfo { id: original.id.clone(), ..edited }
}

pub fn entries(app: &App, library: &Library) -> Vec<Entry> {
    keys::entries(form_keys::KEYS, app, library)
}

/// Keys on the client form.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let command = keys::lookup(form_keys::KEYS, app, deps.library, &action);
    let Screen::ClientForm(form) = &mut app.screen else { return Vec::new() };
    match command {
        Some(FormCmd::Back) => {
            // Leaving an edit goes back where it started, unchanged.
            if let Some(edit) = app.editing.take() {
                app.screen = *edit.back;
                return Vec::new();
            }
            crate::tui::app::go_home(app)
        }
        Some(FormCmd::Edit) => {
            form.edit(&action);
            Vec::new()
        }
        Some(FormCmd::Submit) => {
            let Some(client) = client_from_form(form, deps.today) else { return Vec::new() };
            match &app.editing {
                Some(edit) => vec![Effect::UpdateClient(edited_client(&edit.client, client))],
                // A new client is checked against those on record first.
                None => vec![Effect::CheckDuplicates(client)],
            }
        }
        None => Vec::new(),
    }
}

/// The owner's answers to a new or changed client.
pub fn reply(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    match action {
        Action::DuplicatesChecked { client, found: Ok(found) } if found.is_empty() => {
            return vec![Effect::CreateClient(client)];
        }
        Action::DuplicatesChecked { client, found: Ok(found) } => {
            if let Screen::ClientForm(form) = &app.screen {
                app.screen = super::search::possible_duplicates(client, found, form.clone());
            }
        }
        Action::DuplicatesChecked { found: Err(message), .. } => app.status = Some(Status::Failed(message)),
        Action::ClientCreated(Ok(client)) => app.screen = super::bundle::open(client, deps.library, deps.today),
        Action::ClientUpdated(Ok(client)) => {
            // Back where the edit started, showing the client as stored now.
            if let Some(edit) = app.editing.take() {
                let mut back = *edit.back;
                match &mut back {
                    Screen::Search(search) => {
                        for found in search.clients.iter_mut().filter(|c| c.id == client.id) {
                            *found = client.clone();
                        }
                        search.selected = search.clients.iter().position(|c| c.id == client.id).unwrap_or(0);
                    }
                    Screen::History(history) if history.client.id == client.id => history.client = client,
                    _ => {}
                }
                app.screen = back;
            }
            app.status = Some(Status::Note(Text::ClientSaved, None));
        }
        Action::ClientCreated(Err(message)) | Action::ClientUpdated(Err(message)) => {
            app.status = Some(Status::Failed(message))
        }
        _ => {}
    }
    Vec::new()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &Form, view: &View) {
    let title = match &app.editing {
        Some(edit) => format!("{} · {}", Text::ClientEditTitle.get(app.lang), clean(&edit.client.name)),
        None => Text::ClientTitle.get(app.lang).to_string(),
    };
    let block = body_block(&title, view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    draw_form(frame, inner, app.lang, form, view.theme);
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::triage::vocab::{Population, Province};
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render, search_for};
    use crate::ui::strings::Text;

    fn typed(app: &mut crate::tui::app::App, text: &str) {
        for c in text.chars() {
            update(app, Action::Input(c), library(), care(), "2026-11-25");
        }
    }

    #[test]
    fn client_form_validates_and_creates() {
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
        update(&mut app, Action::Letter('n'), library(), care(), "2026-11-25");
        insta::assert_snapshot!("client_empty_80x24", render(&app, 80, 24));
        typed(&mut app, "Émilie Tremblay 山田");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        typed(&mut app, "2031-02-30");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        update(&mut app, Action::ClearField, library(), care(), "2026-11-25");
        typed(&mut app, "qc");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        typed(&mut app, "fr");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        update(&mut app, Action::Down, library(), care(), "2026-11-25");
        update(&mut app, Action::Toggle, library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(effects.is_empty());
        let Screen::ClientForm(form) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!(form.fields[1].error, Some(Text::BadDate));
        insta::assert_snapshot!(
            "client_errors_120x40_fr",
            render(&crate::tui::app::App { lang: Lang::Fr, ..app.clone() }, 120, 40)
        );
        insta::assert_snapshot!(
            "client_errors_80x24_fr",
            render(&crate::tui::app::App { lang: Lang::Fr, ..app.clone() }, 80, 24)
        );
        update(&mut app, Action::ClearField, library(), care(), "2026-11-25");
        typed(&mut app, "1990-04-02");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        let [Effect::CheckDuplicates(client)] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!(client.province, Some(Province::Qc));
        assert_eq!(client.language, Some(Lang::Fr));
        assert_eq!(client.populations, vec![Population::Indigenous]);
        assert_eq!(client.birth_date.as_deref(), Some("1990-04-02"));
    }

    /// The field's error names every valid code, in both languages, from the one province list.
    #[test]
    fn the_province_error_lists_every_valid_code() {
        let codes: Vec<String> = Province::ALL.iter().map(|p| p.code()).collect();
        for lang in [Lang::En, Lang::Fr] {
            let text = Text::UnknownProvince.get(lang);
            let listed: Vec<&str> = text
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() == 2 && w.chars().all(|c| c.is_ascii_uppercase()))
                .collect();
            assert_eq!(listed, codes, "{text}");
        }
    }

    fn key(app: &mut crate::tui::app::App, action: Action) -> Vec<Effect> {
        update(app, action, library(), care(), "2026-11-25")
    }

    /// The client as the search found them: Québec, French, no internet, plus an access need the
    /// form does not list (recorded elsewhere), which an edit must keep.
    fn stored() -> crate::tui::backend::ClientInfo {
        let mut client = fixtures::client(Lang::Fr);
        client.access_needs.push("tty_relay".into());
        client
    }

    #[test]
    fn editing_a_client_prefills_validates_and_returns_with_the_new_values() {
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
        key(&mut app, Action::Letter('/'));
        let other = crate::tui::backend::ClientInfo { id: "c2".into(), name: "Sam Okafor".into(), ..stored() };
        search_for(&mut app, "émi", &[other, stored()]);
        assert!(key(&mut app, Action::EditClient).is_empty());
        let Screen::ClientForm(form) = &app.screen else { panic!("{:?}", app.screen) };
        let values: Vec<&str> = (0..4).map(|i| form.value(i)).collect();
        assert_eq!(values, ["Émilie Tremblay", "1990-04-02", "QC", "fr"]);
        assert_eq!(form.fields[5].checked, vec![true, false, false, false]);
        assert_eq!(app.editing.as_ref().map(|e| e.client.id.as_str()), Some("c1"));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Edit client · Émilie Tremblay") && screen.contains("[x] No internet"), "{screen}");
        insta::assert_snapshot!("client_edit_80x24", screen);

        // The same checks as for a new client.
        for _ in 0..2 {
            key(&mut app, Action::NextField);
        }
        key(&mut app, Action::ClearField);
        typed(&mut app, "zz");
        key(&mut app, Action::NextField);
        key(&mut app, Action::ClearField);
        assert!(key(&mut app, Action::Submit).is_empty());
        let Screen::ClientForm(form) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!(
            (form.fields[2].error, form.fields[3].error),
            (Some(Text::UnknownProvince), Some(Text::UnknownLanguage))
        );
        assert_eq!(form.focus, 2);
        insta::assert_snapshot!(
            "client_edit_errors_120x40_fr",
            render(&crate::tui::app::App { lang: Lang::Fr, ..app.clone() }, 120, 40)
        );
        insta::assert_snapshot!(
            "client_edit_errors_80x24_fr",
            render(&crate::tui::app::App { lang: Lang::Fr, ..app.clone() }, 80, 24)
        );
        let screen = render(&app, 80, 24);
        assert!(
            screen.contains("(unknown province or territory: use AB,") && screen.contains("QC, SK or YT)"),
            "{screen}"
        );
        insta::assert_snapshot!("client_edit_errors_80x24", screen);

        key(&mut app, Action::ClearField);
        typed(&mut app, "on");
        key(&mut app, Action::NextField);
        typed(&mut app, "en");
        key(&mut app, Action::NextField);
        key(&mut app, Action::NextField);
        key(&mut app, Action::Toggle); // untick "no internet"
        key(&mut app, Action::Down);
        key(&mut app, Action::Down);
        key(&mut app, Action::Toggle); // tick "phone only"
        let effects = key(&mut app, Action::Submit);
        let [Effect::UpdateClient(client)] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!((client.id.as_str(), client.province, client.language), ("c1", Some(Province::On), Some(Lang::En)));
        assert_eq!(client.access_needs, vec!["phone_only".to_string(), "tty_relay".to_string()]);
        assert_eq!(client.name, "Émilie Tremblay");

        // Saved: back on the search results, same query, showing and selecting the new values.
        key(&mut app, Action::ClientUpdated(Ok(client.clone())));
        assert!(app.editing.is_none());
        let Screen::Search(search) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!(search.query.value.as_str(), "émi");
        assert_eq!(search.clients[search.selected].province, Some(Province::On));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Client details saved.") && screen.contains(" ON    en"), "{screen}");
        // (cut at 80 columns)
        assert!(screen.contains("· ON · English · Populations: none · Access needs: Phone only, tty_"), "{screen}");

        // A new intake from here uses the new province, language and access needs for matching.
        key(&mut app, Action::Submit);
        assert!(matches!(app.screen, Screen::Bundle(_)), "the bundle is chosen first: {:?}", app.screen);
        let effects = key(&mut app, Action::Submit);
        let [Effect::StartEncounter { client: started, instruments }] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!(started, client);
        key(&mut app, Action::EncounterStarted(Ok(("e9".into(), started.clone(), instruments.clone()))));
        let intake = app.intake.as_ref().unwrap();
        assert_eq!(app.client_lang(), Lang::En);
        let plan = |c: &crate::tui::backend::ClientInfo| care().plan(library(), &c.care_client("2026-11-25"), &[], &[]);
        let ids = |c| plan(c).resources.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&intake.client), ids(client));
        assert_ne!(ids(&intake.client), ids(&stored()), "matching follows the edited details");
    }

    #[test]
    fn sex_for_scoring_takes_english_or_french_words_and_letters_or_blank() {
        use crate::instrument::Sex;
        use crate::tui::app::parse_sex_for_scoring;
        for (typed, sex) in [
            ("", None),
            ("  ", None),
            ("female", Some(Sex::Female)),
            ("F", Some(Sex::Female)),
            ("Femme", Some(Sex::Female)),
            ("male", Some(Sex::Male)),
            ("m", Some(Sex::Male)),
            ("HOMME", Some(Sex::Male)),
        ] {
            assert_eq!(parse_sex_for_scoring(typed), Ok(sex), "{typed:?}");
        }
        for typed in ["x", "woman", "fem", "other"] {
            assert_eq!(parse_sex_for_scoring(typed), Err(Text::UnknownSex), "{typed:?}");
        }
    }

    /// Tabs from the first field to the sex for scoring (the last field).
    fn to_sex_field(app: &mut crate::tui::app::App) {
        for _ in 0..6 {
            key(app, Action::NextField);
        }
    }

    #[test]
    fn the_sex_for_scoring_is_checked_saved_cleared_and_reaches_scoring() {
        use crate::instrument::Sex;
        let mut app = crate::tui::demo::editing_client(Lang::Fr);
        let Screen::ClientForm(form) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!(form.value(6), "femme", "prefilled in the interface language");
        to_sex_field(&mut app);
        key(&mut app, Action::ClearField);
        typed(&mut app, "autre");
        assert!(key(&mut app, Action::Submit).is_empty());
        let Screen::ClientForm(form) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!((form.fields[6].error, form.focus), (Some(Text::UnknownSex), 6));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Sexe pour le calcul des scores (femme, homme, ou vide)"), "{screen}");
        key(&mut app, Action::ClearField);
        typed(&mut app, "h");
        let effects = key(&mut app, Action::Submit);
        let [Effect::UpdateClient(client)] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!(client.sex_for_scoring, Some(Sex::Male));

        // Blank clears it.
        let mut app = crate::tui::demo::editing_client(Lang::En);
        to_sex_field(&mut app);
        key(&mut app, Action::ClearField);
        let effects = key(&mut app, Action::Submit);
        let [Effect::UpdateClient(client)] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!(client.sex_for_scoring, None);

        // An intake started or reopened for the client scores with their sex and age.
        let client = fixtures::client(Lang::En);
        let mut app = fixtures::signed_in(Lang::En);
        key(&mut app, Action::EncounterStarted(Ok(("e1".into(), client.clone(), vec!["auditc".into()]))));
        let context = app.intake.as_ref().map(|i| i.flow.context().clone());
        assert_eq!(context.as_ref().and_then(|c| c.sex), Some(Sex::Female));
        assert_eq!(context.and_then(|c| c.age), Some(36));
    }

    /// A claimed kiosk encounter (AUDIT-C total 3) is re-scored with the client's context: the
    /// women's cut-off 3 for a woman and for unknown sex, the men's 4 for a man.
    #[test]
    fn a_reopened_encounter_is_re_scored_with_the_clients_sex() {
        use crate::instrument::Sex;
        for (sex, positive) in [(Some(Sex::Female), true), (None, true), (Some(Sex::Male), false)] {
            let mut app = fixtures::signed_in(Lang::En);
            let state = crate::tui::backend::EncounterState {
                encounter: "e1".into(),
                client: crate::tui::backend::ClientInfo { sex_for_scoring: sex, ..fixtures::client(Lang::En) },
                instruments: vec!["auditc".into()],
                consent: Some(true),
                answers: ["q1", "q2", "q3"].iter().map(|q| ("auditc".to_string(), q.to_string(), 1)).collect(),
                completed: ["auditc".to_string()].into(),
                risk: Default::default(),
                decision: None,
                picked: Vec::new(),
            };
            key(&mut app, Action::EncounterOpened(Ok(state)));
            let intake = app.intake.as_ref().unwrap_or_else(|| panic!("{:?}", app.screen));
            let result = intake.flow.results().find(|r| r.instrument == "auditc").map(|r| (r.total, r.positive));
            assert_eq!(result, Some((Some(3), positive)), "{sex:?}");
        }
    }

    #[test]
    fn leaving_an_edit_or_a_refused_save_changes_nothing() {
        let mut app = crate::tui::demo::editing_client(Lang::En);
        let before = app.editing.as_ref().unwrap().back.clone();
        typed(&mut app, " Roy");
        let effects = key(&mut app, Action::Submit);
        assert!(matches!(&effects[..], [Effect::UpdateClient(c)] if c.name == "Émilie Tremblay Roy"));
        // The owner refused: the form stays, with the message.
        key(
            &mut app,
            Action::ClientUpdated(Err(crate::tui::backend::BackendError::from_owner(
                "invalid",
                "invalid name: too long",
            ))),
        );
        assert!(matches!(app.screen, Screen::ClientForm(_)) && app.editing.is_some());
        assert!(render(&app, 80, 24).contains("Error: the entry was refused as invalid (name)."));
        // Back: the search results as they were, no request.
        assert!(key(&mut app, Action::Back).is_empty());
        assert_eq!(app.screen, *before);
        assert!(app.editing.is_none());
        // A new client afterwards is created, not an edit.
        app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
        key(&mut app, Action::Letter('n'));
        assert!(render(&app, 80, 24).contains("New client"));
        typed(&mut app, "Ann Lee");
        key(&mut app, Action::NextField);
        typed(&mut app, "1970-01-01");
        key(&mut app, Action::NextField);
        key(&mut app, Action::NextField);
        typed(&mut app, "en");
        assert!(matches!(&key(&mut app, Action::Submit)[..], [Effect::CheckDuplicates(_)]));
    }
}
