//! Find a client by name or date of birth (each word of the query must appear; case and
//! accents do not matter) and start a new intake for them, edit their details first (Ctrl-E:
//! letters here are the query) or open their history (Ctrl-O). The owner matches the query and
//! returns only the matches, so nobody is listed before a word is typed. The selected client's
//! details (populations and access needs too) show on the last line. Adding a client who may be
//! on record already shows those clients here first (`possible_duplicates`): start an intake for
//! one, open their history, or add the new client anyway (`a`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::auth::Operation;
use crate::instrument::Library;
use crate::tui::app::{Action, App, Deps, Effect, Screen, Status, go_home};
use crate::tui::backend::ClientInfo;
use crate::tui::form::{Field, Form};
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::list_window::{Window, row};
use crate::tui::view::{View, body_block, clean, draw_position_marker};
use crate::ui::strings::Text;

/// Finding a client by name to start a new intake. The owner matches the query (every word in
/// the name or date of birth, case and accents ignored) and returns only the matches, by name,
/// so that its audit entry names exactly the clients shown here; nothing is asked for until a
/// word is typed.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchState {
    pub query: Field,
    /// The owner's matches for `query`.
    pub clients: Vec<ClientInfo>,
    /// More clients matched than the owner returns.
    pub more: bool,
    pub selected: usize,
    /// A new client being added who may be one of `clients` (no more shown of them than a
    /// search shows), and the form to go back to.
    pub adding: Option<Box<Adding>>,
}

/// The new client held while the worker looks at the clients they may be already.
#[derive(Debug, Clone, PartialEq)]
pub struct Adding {
    pub client: ClientInfo,
    pub form: Form,
}

impl Default for SearchState {
    fn default() -> SearchState {
        SearchState {
            query: Field::free_text(Text::SearchPrompt, 80),
            clients: Vec::new(),
            more: false,
            selected: 0,
            adding: None,
        }
    }
}

/// The clients a new `client` may be already, listed as search results: the worker starts an
/// intake for one (Enter), opens their history, goes back to the `form` (Esc), or adds the new
/// client anyway (`a`).
pub fn possible_duplicates(client: ClientInfo, found: Vec<ClientInfo>, form: Form) -> Screen {
    let mut query = Field::free_text(Text::SearchPrompt, 80);
    query.value = zeroize::Zeroizing::new(client.name.clone());
    let adding = Some(Box::new(Adding { client, form }));
    Screen::Search(Box::new(SearchState { query, clients: found, more: false, selected: 0, adding }))
}

fn adding(app: &App, _: &Library) -> bool {
    matches!(&app.screen, Screen::Search(search) if search.adding.is_some())
}

impl SearchState {
    /// The query changed: the matches shown so far go, and the owner is asked for the new ones
    /// (a query of no words asks nothing and shows nobody).
    fn search(&mut self) -> Vec<Effect> {
        self.selected = 0;
        self.clients.clear();
        self.more = false;
        if self.query.value.split_whitespace().next().is_none() {
            return Vec::new();
        }
        vec![Effect::SearchClients(self.query.value.to_string())]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Start,
    Edit,
    History,
    Move,
    Back,
    Type,
    AddAnyway,
}

const KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Enter], Cmd::Start, Text::KeyStartIntake),
    bind(&[Key::Letter('a')], Cmd::AddAnyway, Text::KeyAddAnyway).when(adding),
    bind(&[Key::EditClient], Cmd::Edit, Text::KeyEditClient).when(|app, _| keys::may(app, Operation::UpdateClient)),
    bind(&[Key::History], Cmd::History, Text::KeyHistory),
    bind(&[Key::Back], Cmd::Back, Text::KeyBack),
    // The arrows move as in every list; the footer keeps room for Esc.
    bind(&[Key::Arrows], Cmd::Move, Text::KeyMove).help_only(),
    bind(&[Key::Text], Cmd::Type, Text::KeyTextEdit).help_only().when(|app, library| !adding(app, library)),
];

pub fn entries(app: &App, library: &Library) -> Vec<Entry> {
    keys::entries(KEYS, app, library)
}

/// Keys on the search: letters are the query.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let command = keys::lookup(KEYS, app, deps.library, &action);
    let Screen::Search(search) = &mut app.screen else { return Vec::new() };
    match (command, action) {
        // Warned of a possible duplicate: back to the form as it was, or add the client anyway.
        (Some(Cmd::Back), _) if search.adding.is_some() => {
            if let Some(adding) = search.adding.take() {
                app.screen = Screen::ClientForm(adding.form);
            }
        }
        (Some(Cmd::AddAnyway), _) => {
            if let Some(adding) = search.adding.take() {
                return vec![Effect::CreateClient(adding.client)];
            }
        }
        (Some(Cmd::Back), _) => return go_home(app),
        (Some(Cmd::Move), Action::Up) => search.selected = search.selected.saturating_sub(1),
        (Some(Cmd::Move), _) => search.selected = (search.selected + 1).min(search.clients.len().saturating_sub(1)),
        (Some(Cmd::Type), action) => {
            let words = |query: &Field| query.value.split_whitespace().map(str::to_string).collect::<Vec<_>>();
            let before = words(&search.query);
            search.query.edit_text(&action);
            // The owner is asked again when the words change (a space typed at the end changes
            // nothing; one typed inside a word splits it).
            let erased = matches!(action, Action::DeleteChar | Action::ClearField | Action::DeleteWord);
            if words(&search.query) != before || erased {
                return search.search();
            }
        }
        (Some(Cmd::Edit), _) => {
            if let Some(client) = search.clients.get(search.selected).cloned() {
                super::client::open_client_edit(app, client);
            }
        }
        // A client with no open intake has a history too: reached from here.
        (Some(Cmd::History), _) => {
            return search
                .clients
                .get(search.selected)
                .map(|c| vec![Effect::LoadHistory(c.id.clone())])
                .unwrap_or_default();
        }
        (Some(Cmd::Start), _) => {
            if let Some(client) = search.clients.get(search.selected).cloned() {
                app.screen = super::bundle::open(client, deps.library, deps.today);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The owner's matches.
pub fn reply(app: &mut App, action: Action, _: Deps) -> Vec<Effect> {
    let Action::ClientsFound { query, found } = action else { return Vec::new() };
    // An answer to an older query (typing went on) is left out.
    match (found, &mut app.screen) {
        (Ok(found), Screen::Search(search)) if search.query.value.as_str() == query => {
            search.clients = found.clients;
            search.more = found.more;
            search.selected = 0;
        }
        (Err(message), _) => app.status = Some(Status::Failed(message)),
        _ => {}
    }
    Vec::new()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, search: &SearchState, view: &View) {
    let title = if search.adding.is_some() { Text::DuplicateTitle } else { Text::SearchTitle };
    let block = body_block(title.get(app.lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let prompt = format!("{} ", Text::SearchPrompt.get(app.lang));
    let mut lines = match search.adding {
        Some(_) => vec![Line::styled(Text::DuplicateNote.get(app.lang), view.theme.warning)],
        None => {
            vec![Line::from(vec![Span::raw(prompt.clone()), Span::styled(search.query.shown().0, view.theme.input)])]
        }
    };
    let found = &search.clients;
    let hint = if search.adding.is_some() {
        None
    } else if search.query.value.split_whitespace().next().is_none() {
        Some(Text::SearchHint)
    } else if found.is_empty() {
        Some(Text::NoClientFound)
    } else {
        search.more.then_some(Text::SearchMore)
    };
    // The prompt, the hint, the column names, the list, a blank line, and the selected client's
    // details last; the list scrolls to keep the selection on screen.
    let rows =
        usize::from(inner.height.saturating_sub(4)).saturating_sub(usize::from(hint.is_some() && !found.is_empty()));
    if let Some(hint) = hint {
        lines.push(Line::styled(hint.get(app.lang), view.theme.muted));
    }
    let window = Window::around(found.len(), search.selected, rows);
    if !found.is_empty() {
        let header = row(&[
            (Text::ColumnClient.get(app.lang), 32),
            (Text::ColumnBirthDate.get(app.lang), 11),
            (Text::ColumnProvince.get(app.lang), 5),
            (Text::ColumnLanguage.get(app.lang), 0),
        ]);
        lines.push(Line::styled(header, view.theme.muted));
    }
    for (offset, client) in found[window.range()].iter().enumerate() {
        let line = Line::raw(row(&[
            (&clean(&client.name), 32),
            (&clean(client.birth_date.as_deref().unwrap_or("-")), 11),
            (&crate::store::records::vocab_codes::province_text(client.province), 5),
            (client.language.map_or("", |l| l.code()), 0),
        ]));
        lines.push(if window.first + offset == search.selected { view.theme.selected_line(line) } else { line });
    }
    if let Some(marker) = window.marker(app.lang) {
        draw_position_marker(frame, area, marker, view.theme);
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some(client) = found.get(search.selected)
        && inner.height >= 3
    {
        let details = Paragraph::new(super::history::details(client, app.lang)).style(view.theme.muted);
        frame.render_widget(details, Rect { y: inner.bottom() - 1, height: 1, ..inner });
    }
    if search.adding.is_none() {
        let x = inner.x + (unicode_width::UnicodeWidthStr::width(prompt.as_str()) + search.query.shown().1) as u16;
        frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y));
    }
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, App, Effect, Screen, update};
    use crate::tui::backend::ClientInfo;
    use crate::tui::view::test_support::{care, library, render, search_for};

    fn client(name: &str, birth: &str) -> ClientInfo {
        ClientInfo {
            id: name.to_lowercase(),
            name: name.into(),
            birth_date: Some(birth.into()),
            province: Some(crate::triage::vocab::Province::Ns),
            language: Some(Lang::En),
            ..ClientInfo::default()
        }
    }

    #[test]
    fn search_asks_the_owner_for_every_word_and_starts_an_intake() {
        let mut app = crate::tui::demo::signed_in(Lang::En);
        app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
        // Nobody is listed, and nothing asked of the owner, before a word is typed.
        assert_eq!(update(&mut app, Action::Letter('/'), library(), care(), "2026-11-25"), vec![]);
        insta::assert_snapshot!("search_empty_80x24", render(&app, 80, 24));
        let typed = update(&mut app, Action::Input('s'), library(), care(), "2026-11-25");
        assert_eq!(typed, vec![Effect::SearchClients("s".into())], "each change of the query is a search");
        assert_eq!(update(&mut app, Action::DeleteChar, library(), care(), "2026-11-25"), vec![]);
        let clients = vec![
            client("Sam Okafor", "1970-01-15"),
            client("Samira Haddad", "1988-06-30"),
            client("Émilie Tremblay", "1990-04-02"),
        ];
        search_for(&mut app, "sam", &clients);
        insta::assert_snapshot!("search_sam_80x24", render(&app, 80, 24));
        search_for(&mut app, " ha", &clients);
        let screen = render(&app, 120, 40);
        assert!(screen.contains("Samira Haddad") && !screen.contains("Sam Okafor"), "{screen}");
        insta::assert_snapshot!("search_filtered_120x40_fr", render(&App { lang: Lang::Fr, ..app.clone() }, 120, 40));
        insta::assert_snapshot!("search_filtered_80x24_fr", render(&App { lang: Lang::Fr, ..app.clone() }, 80, 24));
        // A late answer to an older query changes nothing.
        let late = crate::tui::backend::ClientMatches { clients: clients.clone(), more: false };
        update(
            &mut app,
            Action::ClientsFound { query: "sam".into(), found: Ok(late) },
            library(),
            care(),
            "2026-11-25",
        );
        let Screen::Search(search) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!(search.clients.len(), 1);
        update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(matches!(&effects[..], [Effect::StartEncounter { client, .. }] if client.name == "Samira Haddad"));
    }

    /// Issue 16, item 5: a new client who may be on record already is shown with the clients
    /// they may be (as search results show them), and is created only on `a`; Esc goes back to
    /// the form as typed, Enter starts an intake for the one on record, a lock drops the matches.
    #[test]
    fn a_possible_duplicate_is_shown_before_the_client_is_added() {
        let key = |app: &mut App, action| update(app, action, library(), care(), "2026-11-25");
        let mut app = crate::tui::demo::signed_in(Lang::En);
        app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
        key(&mut app, Action::Letter('n'));
        for c in "Elodie Cote".chars() {
            key(&mut app, Action::Input(c));
        }
        key(&mut app, Action::NextField);
        for c in "1991-07-14".chars() {
            key(&mut app, Action::Input(c));
        }
        key(&mut app, Action::NextField);
        key(&mut app, Action::ClearField);
        for c in "qc".chars() {
            key(&mut app, Action::Input(c));
        }
        key(&mut app, Action::NextField);
        key(&mut app, Action::Input('f'));
        key(&mut app, Action::Input('r'));
        let effects = key(&mut app, Action::Submit);
        let [Effect::CheckDuplicates(new)] = &effects[..] else { panic!("{effects:?}") };
        let new = new.clone();
        let on_record = vec![client("Élodie Tremblay-Côté", "1991-07-14")];
        let found = |new: &ClientInfo| Action::DuplicatesChecked { client: new.clone(), found: Ok(on_record.clone()) };

        key(&mut app, found(&new));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Élodie Tremblay-Côté") && screen.contains("1991-07-14"), "{screen}");
        assert!(screen.contains("a add anyway"), "{screen}");
        insta::assert_snapshot!("search_duplicate_80x24", screen);
        insta::assert_snapshot!("search_duplicate_120x30_fr", render(&App { lang: Lang::Fr, ..app.clone() }, 120, 30));
        // Esc: the form as it was typed, nothing created.
        assert_eq!(key(&mut app, Action::Back), vec![]);
        let Screen::ClientForm(form) = app.screen.clone() else { panic!("{:?}", app.screen) };
        assert_eq!((form.value(0), form.value(1)), ("Elodie Cote", "1991-07-14"));
        // `a`: the new client is created as typed.
        key(&mut app, found(&new));
        assert_eq!(key(&mut app, Action::Letter('a')), vec![Effect::CreateClient(new.clone())]);
        // Enter: an intake for the client on record (the bundle first), nothing created.
        app.screen = Screen::ClientForm(form.clone());
        key(&mut app, found(&new));
        assert_eq!(key(&mut app, Action::Submit), vec![]);
        let Screen::Bundle(bundle) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!(bundle.client.name, "Élodie Tremblay-Côté");
        // Nobody like them: created at once.
        app.screen = Screen::ClientForm(form.clone());
        let none = Action::DuplicatesChecked { client: new.clone(), found: Ok(vec![]) };
        assert_eq!(key(&mut app, none), vec![Effect::CreateClient(new.clone())]);
        // Locked while warned: the form is kept behind the lock, the matches are gone.
        key(&mut app, found(&new));
        key(&mut app, Action::Lock);
        assert!(matches!(&app.screen, Screen::ClientForm(f) if f.value(0) == "Elodie Cote"), "{:?}", app.screen);
    }

    #[test]
    fn ctrl_o_opens_the_selected_clients_history() {
        let mut app = crate::tui::demo::signed_in(Lang::En);
        app.screen = Screen::Search(Box::default());
        let clients = [client("Élodie Tremblay-Côté", "1991-07-14"), client("Marc Côté", "1980-01-01")];
        search_for(&mut app, "cote", &clients);
        update(&mut app, Action::Down, library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::OpenHistory, library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::LoadHistory("marc côté".into())]);
        assert!(render(&app, 100, 24).contains("^O history"), "the key is in the footer");
    }

    #[test]
    fn more_matches_than_the_owner_returns_ask_for_more_of_the_name() {
        let mut app = crate::tui::demo::signed_in(Lang::En);
        app.screen = Screen::Search(Box::default());
        let many: Vec<ClientInfo> = (0..60).map(|i| client(&format!("Alex Number{i:02}"), "1990-01-01")).collect();
        search_for(&mut app, "alex", &many);
        let screen = render(&app, 80, 24);
        assert!(screen.contains("More clients match than are shown"), "{screen}");
        let fr = render(&App { lang: Lang::Fr, ..app.clone() }, 80, 24);
        assert!(fr.contains("D'autres personnes correspondent"), "{fr}");
    }

    #[test]
    fn a_long_result_list_scrolls_with_the_selection_and_says_where_it_is() {
        let mut app = crate::tui::demo::signed_in(Lang::En);
        app.screen = Screen::Search(Box::default());
        let many: Vec<ClientInfo> = (0..40).map(|i| client(&format!("Alex Number{i:02}"), "1990-01-01")).collect();
        search_for(&mut app, "alex", &many);
        for _ in 0..35 {
            update(&mut app, Action::Down, library(), care(), "2026-11-25");
        }
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Alex Number35") && !screen.contains("Alex Number00"), "{screen}");
        assert!(screen.contains("–36 of 40"), "{screen}");
        update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(matches!(&effects[..], [Effect::StartEncounter { client, .. }] if client.name == "Alex Number35"));
    }
}
