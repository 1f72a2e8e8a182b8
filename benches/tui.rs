//! Frame rendering of each screen at 80x24 and 200x60, beside a bare ratatui frame of the same
//! size in the same run (goal: at most 1.5x), and bytes written to a real terminal backend per
//! answered item (goal: under 2 KB).

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::widgets::{Block, Paragraph};
use triage::instrument::{Lang, Library};
use triage::tui::app::{Action, App, Screen, update};
use triage::tui::care::Care;
use triage::tui::theme::Theme;
use triage::tui::view::{self, CrisisLine, View};

/// Counts the bytes a terminal would receive.
#[derive(Default, Clone)]
struct Counter(std::rc::Rc<std::cell::Cell<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn screens(library: &Library, care: &Care) -> Vec<(&'static str, App)> {
    let mut questionnaire = triage::tui::demo::intake(library, Lang::En, &[1, 2, 0]);
    questionnaire.screen = Screen::Questionnaire;
    let mut crisis = triage::tui::demo::intake(library, Lang::En, &[0; 8]);
    crisis.screen = Screen::Questionnaire;
    update(&mut crisis, Action::Choose(1), library, care, "2026-11-25");
    let mut results = triage::tui::demo::intake(library, Lang::En, &[]);
    results.screen = Screen::Questionnaire;
    let mut answers = vec![2, 2, 1, 2, 1, 1, 1, 0, 0, 1];
    answers.extend([2, 1, 2, 1, 1, 2, 1, 0, 0, 0, 0]);
    answers.extend([1; 10]);
    answers.push(1);
    for position in answers {
        update(&mut results, Action::Choose(position), library, care, "2026-11-25");
    }
    let mut home = triage::tui::demo::signed_in(Lang::En);
    home.screen = Screen::Home { entries: Vec::new(), selected: 0 };
    vec![("home", home), ("questionnaire", questionnaire), ("crisis", crisis), ("results", results)]
}

fn bench(c: &mut Criterion) {
    let library = Library::shipped();
    let Ok(care) = Care::shipped(&library) else { return };
    let theme = Theme::select(None, false);
    let lines =
        vec![CrisisLine { name: "9-8-8 Suicide Crisis Helpline".into(), contact: "988".into(), hours: "24/7".into() }];
    let view = View { library: &library, care: &care, theme: &theme, crisis_lines: &lines };
    for (width, height) in [(80u16, 24u16), (200, 60)] {
        let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
        c.bench_function(&format!("bare ratatui frame {width}x{height}"), |b| {
            b.iter(|| {
                let _ = terminal.draw(|frame| {
                    frame.render_widget(Paragraph::new("triage").block(Block::bordered().title("bare")), frame.area())
                });
            })
        });
        for (name, app) in screens(&library, &care) {
            c.bench_function(&format!("frame {name} {width}x{height}"), |b| {
                b.iter(|| {
                    let _ = terminal.draw(|frame| view::draw(frame, black_box(&app), &view));
                })
            });
        }
    }

    // Bytes to the terminal per answered item: ratatui sends only the cells that changed.
    let mut app = triage::tui::demo::intake(&library, Lang::En, &[]);
    app.screen = Screen::Questionnaire;
    let counter = Counter::default();
    let Ok(mut terminal) = Terminal::new(CrosstermBackend::new(counter.clone())) else { return };
    let _ = terminal.resize(ratatui::layout::Rect::new(0, 0, 80, 24));
    let _ = terminal.draw(|frame| view::draw(frame, &app, &view));
    let before = counter.0.get();
    let items = 8;
    for _ in 0..items {
        update(&mut app, Action::Choose(1), &library, &care, "2026-11-25");
        let _ = terminal.draw(|frame| view::draw(frame, &app, &view));
    }
    let per_item = (counter.0.get() - before) / items;
    println!("bytes written to the terminal per answered item (80x24): {per_item}");
}

criterion_group!(benches, bench);
criterion_main!(benches);
