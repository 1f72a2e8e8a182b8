//! Encryption at rest: a workload full of canary strings, then a byte scan of the data
//! directory (database, backup, owner log) and of every command's output, in UTF-8, UTF-16LE and
//! UTF-16BE, upper and lower case, finds none.

use crate::store_common;

use std::path::Path;

use store_common::*;
use triage::server::{Reply, Request};
use triage::store::{
    ConsentAnswer, EncounterOrigin, Flag, InstrumentRef, KioskSubmission, Lang, NewAnswer, NewClient, NewDecision,
    NewReferral, NewResult, RecordId, ReferralResource,
};

const CANARIES: [&str; 9] = [
    "CanaryNameQx7f3a",
    "1977-07-07",
    "CanaryContactZr29",
    "CanaryFreeTextWp91b2",
    "CanaryBandHu5c",
    "CanaryReasonJd40",
    "CanaryNoteMv8d4",
    "CanaryKioskNameTe8",
    "CanaryKioskTextYb3",
];

fn needles(canary: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for text in [canary.to_string(), canary.to_lowercase(), canary.to_uppercase()] {
        out.push(text.as_bytes().to_vec());
        out.push(text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect());
        out.push(text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect());
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every (file, canary) hit under `root`.
fn scan(root: &Path) -> Vec<(String, &'static str)> {
    let mut hits = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read dir") {
                stack.push(entry.expect("entry").path());
            }
        } else if let Ok(bytes) = std::fs::read(&path) {
            for canary in CANARIES {
                if needles(canary).iter().any(|n| contains(&bytes, n)) {
                    hits.push((path.display().to_string(), canary));
                }
            }
        }
    }
    hits
}

#[test]
fn no_canary_is_readable_anywhere_in_the_data_directory() {
    let (tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let mut outputs = Vec::new();

    let added = triage(
        &dir,
        &[
            "client",
            "add",
            "--name",
            CANARIES[0],
            "--province",
            "ON",
            "--lang",
            "en",
            "--birth-date",
            CANARIES[1],
            "--user",
            "ivy",
            "--password-stdin",
        ],
        &format!("{IVY_PW}\n"),
    );
    let person: RecordId = ok(&added).trim().parse().expect("id");
    outputs.push(added);

    let mut ivy = client(&dir, "ivy", IVY_PW);
    let contact = NewClient {
        name: "Other".into(),
        birth_date: None,
        province: triage::store::Province::On,
        language: Lang::Fr,
        contact: Some(CANARIES[2].into()),
        access_needs: vec![],
        populations: vec![],
        sex_for_scoring: None,
    };
    ivy.request(Request::CreateClient { client: contact }).unwrap();
    let Reply::Encounter(encounter) = ivy
        .request(Request::StartEncounter { client: person, origin: EncounterOrigin::Staff, instruments: vec![] })
        .unwrap()
    else {
        panic!()
    };
    ivy.request(Request::RecordConsent {
        encounter: encounter.id,
        version: "2026-01".into(),
        answer: ConsentAnswer::Given,
    })
    .unwrap();
    let instrument = InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En };
    for item in 1..=9u32 {
        let free_text = (item == 9).then(|| CANARIES[3].to_string());
        ivy.request(Request::SaveAnswer {
            encounter: encounter.id,
            answer: NewAnswer {
                instrument: instrument.clone(),
                item_id: format!("q{item}"),
                position: item % 4,
                score: i64::from(item % 4),
                free_text,
            },
        })
        .unwrap();
    }
    ivy.request(Request::SaveResult {
        encounter: encounter.id,
        result: NewResult {
            instrument: instrument.clone(),
            total: Some(13),
            subscales: Default::default(),
            band: CANARIES[4].into(),
            flags: vec![Flag { code: "item9".into(), critical: true }],
        },
    })
    .unwrap();
    let mut cleo = client(&dir, "cleo", CLEO_PW);
    cleo.request(Request::SaveDecision {
        encounter: encounter.id,
        decision: NewDecision {
            suggested_level: "2".into(),
            rules_fired: vec!["phq9-moderate".into()],
            final_level: Some("4".into()),
            override_reason: Some(CANARIES[5].into()),
            lifted_exclusions: vec![],
        },
    })
    .unwrap();
    cleo.request(Request::SaveReferral {
        encounter: encounter.id,
        referral: NewReferral {
            resources: vec![ReferralResource {
                resource_id: "bounceback".into(),
                reasons: vec!["level 2".into()],
                chosen: true,
            }],
            notes: Some(CANARIES[6].into()),
        },
    })
    .unwrap();

    // A kiosk seals its submission to the organisation's key before sending it.
    let mut kiosk = client(&dir, "kiosk1", KIOSK_PW);
    let Reply::SubmissionKey(key) = kiosk.request(Request::SubmissionKey).unwrap() else { panic!() };
    let key: [u8; 32] = hex_decode(&key).try_into().expect("32-byte key");
    let submission = KioskSubmission {
        schema_version: 1,
        id: RecordId::random(),
        language: Lang::En,
        consent_version: "2026-01".into(),
        consent: ConsentAnswer::Given,
        client: Some(NewClient {
            name: CANARIES[7].into(),
            birth_date: None,
            province: triage::store::Province::On,
            language: Lang::En,
            contact: None,
            access_needs: vec![],
            populations: vec![],
            sex_for_scoring: None,
        }),
        answers: vec![NewAnswer {
            instrument,
            item_id: "q1".into(),
            position: 1,
            score: 1,
            free_text: Some(CANARIES[8].into()),
        }],
        submitted_ms: 0,
    };
    let sealed = triage::store::crypto::seal_to(&key, &serde_json::to_vec(&submission).unwrap()).unwrap();
    kiosk.request(Request::SubmitSealed { id: submission.id, sealed_hex: hex_encode(&sealed) }).unwrap();
    // The kiosk cannot read it back; staff can (so the canaries really were stored).
    assert_eq!(kiosk.request(Request::OpenSubmission { id: submission.id }).unwrap_err().code(), Some("denied"));
    let Reply::Submission(opened) = ivy.request(Request::OpenSubmission { id: submission.id }).unwrap() else {
        panic!()
    };
    assert_eq!(opened.client.unwrap().name, CANARIES[7]);
    let Reply::History(history) = ivy.request(Request::ClientHistory { client: person }).unwrap() else { panic!() };
    assert_eq!(history.client.name, CANARIES[0]);
    assert_eq!(history.encounters[0].referrals[0].notes.as_deref(), Some(CANARIES[6]));

    // Backups are written outside the data directory (issue 14); the scan covers both.
    let backups = tmp.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let backup = backups.join("backup.tbk");
    outputs.push(triage(
        &dir,
        &["backup", "create", backup.to_str().unwrap(), "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    ));
    outputs.push(triage(&dir, &["audit", "list", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n")));
    outputs.push(triage(
        &dir,
        &["audit", "list", "--user", "admin", "--password-stdin", "--json"],
        &format!("{ADMIN_PW}\n"),
    ));
    drop((ivy, cleo, kiosk));
    stop(&dir);

    // Control: the scanner finds a canary when one is there.
    let control = tmp.path().join("control");
    std::fs::create_dir(&control).unwrap();
    std::fs::write(
        control.join("plain"),
        CANARIES[0].to_lowercase().encode_utf16().flat_map(|u| u.to_be_bytes()).collect::<Vec<u8>>(),
    )
    .unwrap();
    assert_eq!(scan(&control).len(), 1);

    assert!(backup.exists());
    let mut hits = scan(&dir);
    hits.extend(scan(&backups));
    assert!(hits.is_empty(), "plaintext found: {hits:?}");
    for output in &outputs {
        for canary in CANARIES {
            for needle in needles(canary) {
                assert!(
                    !contains(&output.stdout, &needle) && !contains(&output.stderr, &needle),
                    "{canary} printed by a command"
                );
            }
        }
    }
}

fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex")).collect()
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
