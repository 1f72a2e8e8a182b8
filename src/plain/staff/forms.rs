//! Forms one field at a time: the field in front is one prompt (its label, what it holds, its
//! choices, its error); a typed line fills it and moves to the next field, and the last field's
//! line submits the form, so the form's own checks and errors are the full-screen form's.

use crate::instrument::Lang;
use crate::tui::app::{Action, App};
use crate::tui::form::{FieldKind, Form};
use crate::tui::view::clean;
use crate::ui::strings::{Text, colon, fill};

use super::Command;
use crate::plain::page::{Page, choice};
use crate::plain::speech::plain;

/// The page of the field in front of `form`; `title` is said with the first field.
fn field_page(name: &str, title: &[String], form: &Form, lang: Lang) -> Page {
    let mut page = Page::new(format!("{name}:{}", form.focus));
    let Some(field) = form.fields.get(form.focus) else { return page };
    if form.focus == 0 {
        for line in title {
            page.line(line);
        }
    }
    page.line(format!("{}{}", field.label.get(lang), colon(lang).trim_end()));
    match field.kind {
        FieldKind::Text if field.value.is_empty() => {}
        FieldKind::Text => page.tail.push(plain(&fill(Text::PlainFieldNow, lang, &[("value", clean(&field.value))]))),
        FieldKind::Secret => page.tail.push(plain(Text::PlainSecretField.get(lang))),
        FieldKind::Choice(choices) => {
            page.choices =
                choices.iter().enumerate().map(|(at, (_, text))| choice(at + 1, text.get(lang), lang)).collect();
            if let Some((_, text)) = choices.iter().find(|(code, _)| *code == field.value.as_str()) {
                page.tail.push(plain(&fill(Text::PlainChoiceNow, lang, &[("value", text.get(lang).to_string())])));
            }
        }
        FieldKind::Checks(choices) => {
            page.choices = choices
                .iter()
                .zip(&field.checked)
                .enumerate()
                .map(|(at, ((_, text), checked))| {
                    let mark = if *checked { format!(" {}", Text::PlainChecked.get(lang)) } else { String::new() };
                    choice(at + 1, &format!("{}{mark}", text.get(lang)), lang)
                })
                .collect();
            page.tail.push(plain(Text::PlainChecksHint.get(lang)));
        }
    }
    if let Some(error) = field.error {
        page.tail.push(plain(&format!("{}{}", Text::ErrorLabel.get(lang), error.get(lang))));
    }
    page
}

pub fn login(app: &App, form: &Form) -> Page {
    field_page("login", &[Text::LoginTitle.get(app.lang).to_string()], form, app.lang)
}

pub fn first_run(app: &App, form: &Form) -> Page {
    let title = [Text::FirstRunTitle, Text::FirstRunIntro].map(|t| t.get(app.lang).to_string());
    field_page("first-run", &title, form, app.lang)
}

/// The recovery key, shown once at set-up, and the word that says it was kept.
pub fn recovery(app: &App, key: &str) -> Page {
    let lang = app.lang;
    let mut page = Page::new("recovery");
    for text in [Text::RecoveryTitle, Text::RecoveryIntro] {
        page.line(text.get(lang));
    }
    page.line(key);
    for text in [Text::AdminCannotRunIntakes, Text::RecoveryConfirm] {
        page.line(text.get(lang));
    }
    page
}

pub fn change_password(app: &App, form: &Form) -> Page {
    let lang = app.lang;
    let reset = app.session.as_ref().and_then(|s| s.password_reset.as_ref());
    let (by, date) = reset.map_or((String::new(), String::new()), |r| (clean(&r.by), clean(&r.date)));
    let title = [
        Text::ChangePasswordTitle.get(lang).to_string(),
        fill(Text::PasswordResetNotice, lang, &[("by", by), ("date", date)]),
    ];
    field_page("new-password", &title, form, lang)
}

/// The lock: who locked it, and their password (another user signs in with Control N).
pub fn locked(app: &App) -> Page {
    let lang = app.lang;
    let user = app.session.as_ref().map(|s| clean(&s.user)).unwrap_or_default();
    let title = [Text::LockedTitle.get(lang).to_string(), fill(Text::LockedIntro, lang, &[("user", user)])];
    let Some(form) = &app.locked else { return Page::new("locked") };
    field_page("locked", &title, form, lang)
}

pub fn client(app: &App, form: &Form) -> Page {
    let lang = app.lang;
    let title = match &app.editing {
        Some(edit) => format!("{}, {}", Text::ClientEditTitle.get(lang), clean(&edit.client.name)),
        None => Text::ClientTitle.get(lang).to_string(),
    };
    field_page("client", &[title], form, lang)
}

/// A form of the administration screen (a new user, a task's settings).
pub fn admin(app: &App, form: &Form) -> Page {
    field_page("form", &[], form, app.lang)
}

/// A form's line, where `b` alone leaves the form (a form that cannot be left ignores it).
pub fn with_back(form: &Form, line: &str, lang: Lang) -> Command {
    let secret = form.fields.get(form.focus).is_some_and(|f| f.kind == FieldKind::Secret);
    if !secret && matches!(line.trim(), "b" | "B") {
        return Command::Keys(vec![Action::Back]);
    }
    command(form, line, lang)
}

/// What `line` does to the field in front: fills it (Enter alone keeps what it holds), then
/// goes to the next field, or submits the form from the last one.
pub fn command(form: &Form, line: &str, lang: Lang) -> Command {
    let Some(field) = form.fields.get(form.focus) else { return Command::Keys(vec![Action::Submit]) };
    let advance = if form.focus + 1 >= form.fields.len() { Action::Submit } else { Action::NextField };
    let typed = line.trim();
    let mut keys = Vec::new();
    match field.kind {
        FieldKind::Secret => {
            // Character by character: each lands in the zeroized field, never in a whole string.
            keys.push(Action::ClearField);
            keys.extend(line.chars().map(Action::Input));
        }
        _ if typed.is_empty() => {}
        FieldKind::Text => keys.extend([Action::ClearField, Action::Paste(typed.to_string())]),
        FieldKind::Choice(choices) => {
            keys.push(Action::ClearField);
            match typed.parse::<usize>() {
                Ok(n) if (1..=choices.len()).contains(&n) => keys.extend(vec![Action::CursorRight; n]),
                Ok(_) => return not_a_choice(typed, choices.len(), lang),
                Err(_) => {
                    let start = typed.to_lowercase();
                    if !choices.iter().any(|(code, _)| code.starts_with(&start)) {
                        return not_a_choice(typed, choices.len(), lang);
                    }
                    keys.extend(start.chars().map(Action::Input));
                }
            }
        }
        FieldKind::Checks(choices) => {
            let Some(wanted) = ticked(typed, choices.len()) else {
                let n = choices.len().to_string();
                return Command::Refused(plain(&fill(Text::PlainNotNumbers, lang, &[("n", n)])));
            };
            let mut cursor = field.check_cursor;
            for (at, want) in wanted.iter().enumerate() {
                if field.checked.get(at) == Some(want) {
                    continue;
                }
                // The arrows wrap round the boxes, so going down always reaches `at`.
                let steps = (at + choices.len() - cursor) % choices.len();
                keys.extend(vec![Action::Down; steps]);
                keys.push(Action::Toggle);
                cursor = at;
            }
        }
    }
    keys.push(advance);
    Command::Keys(keys)
}

fn not_a_choice(typed: &str, count: usize, lang: Lang) -> Command {
    let answer = typed.chars().take(8).collect();
    Command::Refused(plain(&fill(Text::PlainNotAChoice, lang, &[("answer", answer), ("n", count.to_string())])))
}

/// The boxes `typed` ticks ("1 3", "1,3"; "0" none), or `None` when it is not that.
fn ticked(typed: &str, count: usize) -> Option<Vec<bool>> {
    let mut wanted = vec![false; count];
    for word in typed.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()) {
        match word.parse::<usize>() {
            Ok(0) => {}
            Ok(n) if n <= count => wanted[n - 1] = true,
            _ => return None,
        }
    }
    Some(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::form::Field;

    const CHOICES: [(&str, Text); 3] =
        [("admin", Text::RoleAdmin), ("clinician", Text::RoleClinician), ("intake", Text::RoleIntake)];

    fn apply(form: &mut Form, line: &str) -> Command {
        let command = command(form, line, Lang::En);
        if let Command::Keys(keys) = &command {
            for key in keys {
                form.edit(key);
            }
        }
        command
    }

    #[test]
    fn a_line_fills_the_field_then_moves_on_and_the_last_one_submits() {
        let mut form = Form::new(vec![
            Field::text(Text::FieldName).with("Old"),
            Field::choice(Text::FieldRole, &CHOICES),
            Field::checks(Text::FieldRole, &CHOICES),
            Field::secret(Text::FieldPassword),
        ]);
        apply(&mut form, "Élodie Côté");
        assert_eq!((form.value(0), form.focus), ("Élodie Côté", 1));
        assert_eq!(apply(&mut form, "9"), not_a_choice("9", 3, Lang::En));
        apply(&mut form, "2");
        assert_eq!((form.value(1), form.focus), ("clinician", 2));
        assert!(matches!(apply(&mut form, "1 4"), Command::Refused(_)), "4 is not a box");
        apply(&mut form, "3, 1");
        assert_eq!(form.fields[2].checked, [true, false, true]);
        assert_eq!(form.focus, 3);
        let submitted = apply(&mut form, "a secret line");
        let Command::Keys(keys) = submitted else { panic!() };
        assert_eq!(keys.last(), Some(&Action::Submit));
        assert!(!keys.iter().any(|k| matches!(k, Action::Paste(_))), "a secret comes character by character");
        assert_eq!(form.value(3), "a secret line");
    }

    #[test]
    fn enter_alone_keeps_a_value_and_a_choice_takes_the_start_of_its_code() {
        let mut form =
            Form::new(vec![Field::text(Text::FieldName).with("Kept"), Field::choice(Text::FieldRole, &CHOICES)]);
        apply(&mut form, "");
        assert_eq!((form.value(0), form.focus), ("Kept", 1));
        apply(&mut form, "In");
        assert_eq!(form.value(1), "intake");
        let mut checks = Form::new(vec![Field::checks(Text::FieldRole, &CHOICES)]);
        apply(&mut checks, "2");
        apply(&mut checks, "0");
        assert_eq!(checks.fields[0].checked, [false, false, false], "0 clears every box");
    }

    #[test]
    fn the_field_in_front_is_one_prompt_with_its_value_choices_and_error() {
        let mut form =
            Form::new(vec![Field::text(Text::FieldName), Field::choice(Text::FieldRole, &CHOICES).with("intake")]);
        let first = field_page("f", &["Title".into()], &form, Lang::En);
        assert_eq!(first.lines, ["Title", "Name:"]);
        form.focus = 1;
        form.fields[1].error = Some(Text::Required);
        let second = field_page("f", &["Title".into()], &form, Lang::Fr);
        assert_eq!(second.choices[2], "3 : accueil");
        assert!(second.tail.iter().any(|l| l.starts_with("Choix actuel")), "{second:?}");
        assert!(second.tail.iter().any(|l| l.starts_with("Erreur")), "{second:?}");
    }
}
