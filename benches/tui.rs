//! Frame rendering of each screen at 80x24 and 200x60, beside a bare ratatui frame of the same
//! size in the same run (goal: at most 1.5x), and bytes written to a real terminal backend per
//! answered item (goal: under 2 KB).
//!
//! Then the real binary in a pseudo-terminal (the helpers of `tests/support`) against a store
//! seeded with `triage dev seed` (100,000 encounters; `TRIAGE_BENCH_ENCOUNTERS` changes it):
//! spawn to the first complete frame (goal: under 100 ms), sign-in to the queue drawn, and the
//! bytes the terminal really receives per answered item. Run only these with
//! `cargo bench --bench tui -- "tui start"`; `TRIAGE_BENCH_SKIP_START=1` skips them.

// A test or benchmark that cannot go on fails by panicking (Cargo.toml denies these elsewhere).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::widgets::{Block, Paragraph};
use triage::instrument::{Lang, Library};
use triage::intake::care::Care;
use triage::tui::app::{Action, App, Screen, update};
use triage::tui::backend::QueueEntry;
use triage::tui::view::{self, CrisisLine, View};
use triage::ui::theme::Theme;

#[path = "../tests/integration/support/mod.rs"]
mod support;

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
    // A queue longer than any screen, with critical entries on top.
    let entries = (0..80)
        .map(|n| QueueEntry {
            encounter: format!("{n:032x}"),
            client: format!("c{n}"),
            client_name: format!("Synthetic Client {n:03}"),
            kiosk: n % 7 == 3,
            critical: n < 2,
            urgent: n % 5 == 2,
            incomplete: n % 7 == 3 && n % 2 == 0,
            updated: format!("2026-11-25T09:{:02}:00Z", n % 60),
            open_by: None,
        })
        .collect();
    let mut queue = triage::tui::demo::signed_in(Lang::En);
    queue.screen = Screen::Home { entries, selected: 3 };
    vec![
        ("home", home),
        ("home (80 in queue)", queue),
        ("questionnaire", questionnaire),
        ("crisis", crisis),
        ("results", results),
    ]
}

/// What each sample screen must show, so that a change elsewhere cannot make the benchmark
/// measure another screen than it names.
fn check_screens(apps: &[(&'static str, App)], view: &View) {
    for (name, app) in apps {
        let Ok(mut terminal) = Terminal::new(TestBackend::new(80, 24));
        let _ = terminal.draw(|frame| view::draw(frame, app, view));
        let text = terminal.backend().to_string();
        let expected = match *name {
            "home" => "Nothing waiting",
            "home (80 in queue)" => "Synthetic Client 003",
            "questionnaire" => "Item 4 of 10",
            "crisis" => "CRISIS PROTOCOL",
            _ => "Suggested level",
        };
        assert!(text.contains(expected), "the {name} sample does not show {expected:?}:\n{text}");
    }
}

fn bench(c: &mut Criterion) {
    let library = Library::shipped();
    let Ok(care) = Care::shipped(&library) else { return };
    let theme = Theme::select(None, false);
    let lines =
        vec![CrisisLine { name: "9-8-8 Suicide Crisis Helpline".into(), contact: "988".into(), hours: "24/7".into() }];
    let view = View { library: &library, care: &care, theme: &theme, crisis_lines: &lines };
    check_screens(&screens(&library, &care), &view);
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

/// Spawns the interface and waits for the login screen drawn to its last row (the footer).
fn login_screen(env: &support::Env) -> support::Tui {
    let tui = env.tui(&[], 80, 24);
    tui.wait_for_all(&["Sign in", "User name", "Password", "Enter confirm"]);
    tui
}

/// Waits until the interface has written nothing for `quiet` (for byte counts only).
fn settle(tui: &support::Tui, quiet: Duration) -> usize {
    let mut last = tui.bytes_read();
    let mut since = Instant::now();
    let start = Instant::now();
    while since.elapsed() < quiet && start.elapsed() < support::DEADLINE {
        std::thread::sleep(Duration::from_millis(5));
        let now = tui.bytes_read();
        if now != last {
            last = now;
            since = Instant::now();
        }
    }
    last
}

fn startup(c: &mut Criterion) {
    if std::env::var_os("TRIAGE_BENCH_SKIP_START").is_some() {
        return;
    }
    let encounters: usize =
        std::env::var("TRIAGE_BENCH_ENCOUNTERS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let env = support::Env::initialised();
    let seeding = Instant::now();
    let seeded = env.ok(
        &["dev", "seed", "--encounters", &encounters.to_string(), "--user", support::ADMIN, "--password-stdin"],
        &format!("{}\n", support::ADMIN_PW),
    );
    println!("tui start: {} in {:.1} s (through the owner)", seeded.trim(), seeding.elapsed().as_secs_f64());

    let mut group = c.benchmark_group("tui start");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    group.bench_function(format!("spawn to first complete frame, {encounters} encounters"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let tui = login_screen(&env);
                total += start.elapsed();
                drop(tui);
            }
            total
        })
    });
    group.bench_function(format!("sign in to the queue drawn, {encounters} encounters"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut tui = login_screen(&env);
                tui.send(support::NURSE);
                tui.send(support::TAB);
                tui.send(support::NURSE_PW);
                let start = Instant::now();
                tui.send(support::ENTER);
                tui.wait_for_all(&["Queue", "Signed in as nurse", "new intake"]);
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();

    // Bytes the terminal really receives per answered item (PHQ-9 items 1-8, 80x24).
    let mut tui = login_screen(&env);
    tui.login(support::NURSE, support::NURSE_PW);
    tui.start_intake("Bench Client");
    let quiet = Duration::from_millis(300);
    let before = settle(&tui, quiet);
    let items = 8;
    for item in 2..=items + 1 {
        tui.step("2", &["PHQ-9", &format!("Item {item} of 10")]);
    }
    let after = settle(&tui, quiet);
    println!("tui start: bytes the pseudo-terminal received per answered item (80x24): {}", (after - before) / items);
}

criterion_group!(benches, bench, startup);
criterion_main!(benches);
