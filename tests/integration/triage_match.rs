//! `triage match` end to end: table-driven client profiles run through the real binary, each
//! asserting the level, the first recommendations and their reasons; and bad input (exit 2).

use assert_cmd::Command;
use serde_json::Value;

struct Case {
    name: &'static str,
    /// The `triage match` arguments, split at spaces.
    args: &'static str,
    level: &'static str,
    /// The first recommendations, in order.
    first: &'static [&'static str],
    /// (resource id, a reason it must carry).
    reasons: &'static [(&'static str, &'static str)],
    /// Resources that must appear somewhere in the list.
    includes: &'static [&'static str],
    /// Resources that must not be recommended.
    excludes: &'static [&'static str],
    /// A note that must be present (empty: none required).
    note: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "15-year-old in Nunavut with no smartphone",
        args: "--age 15 --province NU --lang en --no-smartphone --result phq9=12",
        level: "3",
        first: &["khp", "crisis-988"],
        reasons: &[
            ("khp", "safety net: 24/7 line for this population if things get worse"),
            ("khp", "for youth"),
            ("khp", "text CONNECT to 686868 (plain SMS, no data needed)"),
        ],
        includes: &[],
        excludes: &["mindshift-cbt", "nu-kamatsiaqtut", "wellness-together-canada"],
        note: "No service in the catalog offers level 3 care this client can reach",
    },
    Case {
        name: "francophone in Quebec with severe depression and item 9 positive",
        args: "--age 34 --province QC --lang fr --result phq9=22 --flag suicidal_ideation",
        level: "crisis",
        first: &["qc-suicide", "crisis-988", "qc-info-social-811"],
        reasons: &[
            ("qc-suicide", "critical flag (PHQ-9 suicidal ideation): the crisis line for QC clients"),
            ("qc-suicide", "offered in French"),
            ("qc-suicide", "text 535353 (plain SMS, no data needed)"),
            ("crisis-988", "critical flag (PHQ-9 suicidal ideation): national 24/7 crisis line"),
        ],
        includes: &["emergency-911"],
        excludes: &["bounceback", "trans-lifeline", "talk-suicide-canada"],
        note: "",
    },
    Case {
        name: "Indigenous adult in Manitoba with moderate depression",
        args: "--age 40 --province MB --lang en --population indigenous --result phq9=12",
        level: "3",
        first: &["strongest-families", "bounceback"],
        reasons: &[
            ("strongest-families", "answers PHQ-9 12, moderate: depression"),
            ("strongest-families", "fits level 3 (3: guided digital or group)"),
            ("strongest-families", "for Indigenous peoples"),
            ("hope-for-wellness", "for Indigenous peoples"),
        ],
        includes: &["hope-for-wellness"],
        excludes: &["talk4healing"],
        note: "",
    },
    Case {
        name: "veteran in Ontario with severe anxiety",
        args: "--age 55 --province ON --lang en --population veterans --result gad7=16",
        level: "4",
        first: &["vac-assistance", "osp"],
        reasons: &[
            ("vac-assistance", "answers GAD-7 16, severe: anxiety"),
            ("vac-assistance", "fits level 4 (4: individual therapy or structured psychotherapy)"),
            ("vac-assistance", "for veterans and their families"),
            ("vac-assistance", "reachable by phone: 1-800-268-7708"),
        ],
        includes: &["togetherall"],
        excludes: &[],
        note: "",
    },
    Case {
        name: "adult in BC with moderate anxiety and internet",
        args: "--age 30 --province BC --lang en --result gad7=12",
        level: "3",
        first: &["bounceback"],
        reasons: &[
            ("bounceback", "answers GAD-7 12, moderate: anxiety"),
            ("bounceback", "fits level 3 (3: guided digital or group)"),
            ("bounceback", "free"),
            ("crisis-988", "safety net: 24/7 crisis line if things get worse"),
        ],
        includes: &["crisis-988"],
        excludes: &["mindshift-cbt", "anxiety-canada-programs", "foundry"],
        note: "",
    },
    Case {
        name: "70-year-old in New Brunswick with mild symptoms, phone only",
        args: "--age 70 --province NB --lang en --phone-only --result phq9=7",
        level: "2",
        first: &["bounceback"],
        reasons: &[
            ("bounceback", "answers PHQ-9 7, mild: depression"),
            ("bounceback", "delivered by phone"),
            ("nb-telecare-811", "level 1: a lighter step toward level 2"),
            ("nb-telecare-811", "reachable by phone: 811"),
        ],
        includes: &["nb-telecare-811", "info-211"],
        excludes: &["bridge-the-gapp", "canada-ca-mental-health", "nb-chimo"],
        note: "",
    },
    Case {
        name: "youth in Ontario with an acute positive ASQ gets 9-1-1 first",
        args: "--age 16 --province ON --lang en --flag asq.acute_positive",
        level: "crisis",
        first: &["emergency-911", "crisis-988"],
        reasons: &[(
            "emergency-911",
            "acute risk (critical flag (ASQ acute positive)): call 9-1-1 now for immediate danger",
        )],
        includes: &["khp"],
        excludes: &["osp", "bounceback"],
        note: "",
    },
    Case {
        name: "trans adult flagged in Ontario: Trans Lifeline only after 24/7 lines",
        args: "--age 25 --province ON --lang en --population trans --result phq9=16 --flag phq9.suicidal_ideation",
        level: "crisis",
        first: &["crisis-988"],
        reasons: &[(
            "trans-lifeline",
            "critical flag (PHQ-9 suicidal ideation): not 24/7 (Monday-Friday 10:00-18:00 Pacific (13:00-21:00 Eastern)); use with a 24/7 line listed above",
        )],
        includes: &["trans-lifeline", "emergency-911"],
        excludes: &["osp"],
        note: "",
    },
    Case {
        name: "francophone in Ontario with depression and anxiety: French-capable first",
        args: "--age 45 --province ON --lang fr --result phq9=12 --result gad7=11",
        level: "4",
        first: &["osp"],
        reasons: &[
            ("osp", "answers PHQ-9 12, moderate: depression"),
            ("osp", "answers GAD-7 11, moderate: anxiety"),
            ("osp", "offered in French"),
        ],
        includes: &[],
        excludes: &[],
        note: "",
    },
    Case {
        name: "adult in Saskatchewan without internet, free only",
        args: "--age 28 --province SK --lang en --no-internet --free-only --result phq9=11",
        level: "3",
        first: &["bounceback"],
        reasons: &[("bounceback", "delivered by phone")],
        includes: &[],
        excludes: &["online-therapy-unit", "mindbeacon", "togetherall"],
        note: "",
    },
    // Issue 12: population-specific resources only for their populations.
    Case {
        name: "client with families in Ontario, item 9 positive: VAC is for veterans' families only",
        args: "--age 45 --province ON --lang en --population families --result phq9=16 --flag suicidal_ideation",
        level: "crisis",
        first: &["crisis-988", "emergency-911"],
        reasons: &[],
        includes: &[],
        excludes: &["vac-assistance", "trans-lifeline", "talk4healing"],
        note: "",
    },
    Case {
        name: "veteran's spouse (veterans and families) gets VAC",
        args: "--age 45 --province ON --lang en --population veterans --population families --result phq9=16 --flag suicidal_ideation",
        level: "crisis",
        first: &["crisis-988", "vac-assistance"],
        reasons: &[("vac-assistance", "for veterans and their families")],
        includes: &[],
        excludes: &[],
        note: "",
    },
    Case {
        name: "client with families in BC is not offered the perinatal line",
        args: "--age 35 --province BC --lang en --population families --result phq9=12",
        level: "3",
        first: &[],
        reasons: &[],
        includes: &["healthlinkbc-811"],
        excludes: &["pppss", "vac-assistance"],
        note: "",
    },
    Case {
        name: "a woman who is not Indigenous is not offered Talk4Healing",
        args: "--age 30 --province ON --lang en --population women --result phq9=16 --flag suicidal_ideation",
        level: "crisis",
        first: &["crisis-988"],
        reasons: &[],
        includes: &[],
        excludes: &["talk4healing"],
        note: "",
    },
    Case {
        name: "an Indigenous man is not offered Talk4Healing",
        args: "--age 30 --province ON --lang en --population indigenous --result phq9=16 --flag suicidal_ideation",
        level: "crisis",
        first: &["crisis-988", "hope-for-wellness"],
        reasons: &[],
        includes: &[],
        excludes: &["talk4healing"],
        note: "",
    },
    Case {
        name: "an Indigenous woman is offered Talk4Healing",
        args: "--age 30 --province ON --lang en --population indigenous --population women --result phq9=16 --flag suicidal_ideation",
        level: "crisis",
        first: &["crisis-988"],
        reasons: &[("talk4healing", "for Indigenous women")],
        includes: &["talk4healing", "hope-for-wellness"],
        excludes: &[],
        note: "",
    },
    Case {
        name: "15-year-old with no declared population: youth lines only",
        args: "--age 15 --province ON --lang en --result phq9=6",
        level: "2",
        first: &[],
        reasons: &[("khp", "for youth")],
        includes: &["khp"],
        excludes: &["lgbt-youthline", "black-youth-helpline", "trans-lifeline"],
        note: "",
    },
    Case {
        name: "40-year-old at level 1 is not offered Trans Lifeline as general support",
        args: "--age 40 --province ON --lang en --result phq9=3",
        level: "1",
        first: &[],
        reasons: &[],
        includes: &["health811-on"],
        excludes: &["trans-lifeline", "black-youth-helpline"],
        note: "",
    },
    Case {
        name: "francophone with no population is not offered Trans Lifeline",
        args: "--age 40 --province ON --lang fr --result phq9=3",
        level: "1",
        first: &[],
        reasons: &[],
        includes: &[],
        excludes: &["trans-lifeline"],
        note: "",
    },
    // Issue 12: crisis lines by fit; navigation at every level.
    Case {
        name: "Alberta client with item 9 and no substance use: mental health line before the addiction line",
        args: "--age 30 --province AB --lang en --result phq9=16 --flag suicidal_ideation",
        level: "crisis",
        first: &["crisis-988", "ab-mh-helpline"],
        reasons: &[(
            "ab-addiction-helpline",
            "a line for substance-use, gambling: listed after the lines for suicide and distress",
        )],
        includes: &["ab-addiction-helpline"],
        excludes: &[],
        note: "",
    },
    Case {
        name: "severely depressed Ontario client gets the navigation lines and a plain note",
        args: "--age 40 --province ON --lang en --result phq9=22",
        level: "5",
        first: &[],
        reasons: &[(
            "health811-on",
            "navigation and intake line: helps find and reach specialist or intensive care (level 5) in ON",
        )],
        includes: &["health811-on", "connexontario"],
        excludes: &[],
        note: "No service in the catalog offers level 5 care this client can reach",
    },
    Case {
        name: "francophone in Quebec, output in French",
        args: "--age 34 --province QC --lang fr --output-lang fr --result phq9=22 --flag suicidal_ideation",
        level: "crisis",
        first: &["qc-suicide", "crisis-988", "qc-info-social-811"],
        reasons: &[
            (
                "qc-suicide",
                "signalement critique (PHQ-9 idées suicidaires) : la ligne de crise pour la clientèle de QC",
            ),
            ("qc-suicide", "offert en français"),
            ("qc-suicide", "gratuit"),
            ("qc-suicide", "texto au 535353 (texto ordinaire, sans données mobiles)"),
            (
                "crisis-988",
                "signalement critique (PHQ-9 idées suicidaires) : ligne de crise nationale 24 h sur 24, 7 jours sur 7",
            ),
        ],
        includes: &["emergency-911"],
        excludes: &["bounceback", "trans-lifeline", "talk-suicide-canada"],
        note: "",
    },
];

fn run_json(args: &[&str]) -> Value {
    let output =
        Command::cargo_bin("triage").unwrap().arg("match").args(args).args(["--json", "--explain"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn client_profiles() {
    for case in CASES {
        let args: Vec<&str> = case.args.split_whitespace().collect();
        let v = run_json(&args);
        let name = case.name;
        assert_eq!(v["level"], case.level, "{name}: level; reasons {}", v["level_reasons"]);
        let resources = v["resources"].as_array().unwrap();
        let ids: Vec<&str> = resources.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert!(ids.len() >= case.first.len(), "{name}: {ids:?}");
        assert_eq!(&ids[..case.first.len()], case.first, "{name}");
        for (id, reason) in case.reasons {
            let r =
                resources.iter().find(|r| r["id"] == *id).unwrap_or_else(|| panic!("{name}: {id} missing in {ids:?}"));
            let reasons: Vec<&str> = r["reasons"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
            assert!(reasons.contains(reason), "{name}: {id} lacks `{reason}`; has {reasons:?}");
        }
        for id in case.includes {
            assert!(ids.contains(id), "{name}: {id} should be listed: {ids:?}");
        }
        for id in case.excludes {
            assert!(!ids.contains(id), "{name}: {id} should not be listed");
            let excluded = v["excluded"].as_array().unwrap();
            let e = excluded.iter().find(|e| e["id"] == *id).unwrap_or_else(|| panic!("{name}: {id} not explained"));
            assert!(!e["reasons"].as_array().unwrap().is_empty());
        }
        if !case.note.is_empty() {
            assert!(
                v["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().starts_with(case.note)),
                "{name}: {}",
                v["notes"]
            );
        }
        // Every resource carries reasons; every left-out entry says why.
        assert!(resources.iter().all(|r| !r["reasons"].as_array().unwrap().is_empty()), "{name}");
    }
}

#[test]
fn level_reasons_name_the_result_and_the_level() {
    let v = run_json(&["--age", "30", "--province", "ON", "--lang", "en", "--result", "phq9=17"]);
    assert_eq!(v["level"], "4");
    assert_eq!(v["level_reasons"][0], "PHQ-9 17, moderately severe -> level 4");
    assert_eq!(v["suggested_level"], "4");
    assert_eq!(v["override"], Value::Null);
}

#[test]
fn the_text_output_follows_output_lang_and_english_is_the_default() {
    let run = |extra: &[&str]| {
        let output = Command::cargo_bin("triage")
            .unwrap()
            .arg("match")
            .args(["--age", "30", "--province", "ON", "--lang", "fr", "--result", "phq9=17"])
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let english = run(&[]);
    assert!(english.contains("Level: 4: individual therapy or structured psychotherapy"), "{english}");
    assert!(english.contains("  because PHQ-9 17, moderately severe -> level 4"), "{english}");
    assert!(english.contains("Recommended:"), "{english}");
    let french = run(&["--output-lang", "fr"]);
    assert!(french.contains("Niveau : 4 : thérapie individuelle ou psychothérapie structurée"), "{french}");
    assert!(french.contains("  car PHQ-9 17, modérément sévère -> niveau 4"), "{french}");
    assert!(french.contains("Recommandé :"), "{french}");
    assert!(french.contains("- offert en français"), "{french}");
    for english_word in ["Recommended", "because", "offered in", "reachable by phone", "(plain SMS"] {
        assert!(!french.contains(english_word), "{english_word:?} in {french}");
    }
    let bad = Command::cargo_bin("triage")
        .unwrap()
        .args(["match", "--age", "30", "--province", "ON", "--lang", "en", "--output-lang", "de"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn defunct_and_unverified_entries_are_explained_never_offered() {
    let v = run_json(&["--age", "30", "--province", "YT", "--lang", "en", "--result", "phq9=6"]);
    let ids: Vec<&str> = v["resources"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&"wellness-together-canada") && !ids.contains(&"yt-811"));
    let excluded = v["excluded"].as_array().unwrap();
    let wtc = excluded.iter().find(|e| e["id"] == "wellness-together-canada").unwrap();
    assert!(wtc["reasons"][0].as_str().unwrap().starts_with("defunct: ended 2024-04-03"));
    let yt = excluded.iter().find(|e| e["id"] == "yt-811").unwrap();
    assert!(yt["reasons"][0].as_str().unwrap().starts_with("not verified, not shown to clients"));
}

#[test]
fn a_clinician_override_keeps_the_suggestion_and_needs_a_reason() {
    let v = run_json(&[
        "--age",
        "30",
        "--province",
        "ON",
        "--lang",
        "en",
        "--result",
        "phq9=17",
        "--override-level",
        "3",
        "--override-by",
        "Dr Tremblay",
        "--override-reason",
        "client prefers a group",
    ]);
    assert_eq!(v["level"], "3");
    assert_eq!(v["suggested_level"], "4");
    assert_eq!(v["override"]["reason"], "client prefers a group");
    assert_eq!(v["level_reasons"][0], "PHQ-9 17, moderately severe -> level 4");

    Command::cargo_bin("triage")
        .unwrap()
        .args(["match", "--age", "30", "--province", "ON", "--lang", "en", "--result", "phq9=17"])
        .args(["--override-level", "3", "--override-by", "Dr Tremblay"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("a level override needs a reason"));
}

#[test]
fn text_output_lists_the_level_reasons_and_contacts() {
    let output = Command::cargo_bin("triage")
        .unwrap()
        .args([
            "match",
            "--age",
            "34",
            "--province",
            "QC",
            "--lang",
            "fr",
            "--result",
            "phq9=22",
            "--flag",
            "suicidal_ideation",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Level: crisis: immediate response\n"), "{text}");
    assert!(text.contains("because PHQ-9 flag: suicidal ideation (critical) -> crisis"));
    assert!(text.contains("  1. Ligne québécoise de prévention du suicide 1 866 APPELLE [crisis] (qc-suicide)"));
    assert!(text.contains("call 1-866-277-3553 | text 535353 | https://suicide.ca | 24/7"));
    assert!(!text.contains("Left out:"));
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--age", "30", "--province", "XX", "--lang", "en", "--result", "phq9=3"],
            "unknown province or territory `XX`",
        ),
        (&["--age", "30", "--province", "ON", "--lang", "de", "--result", "phq9=3"], "unknown language `de`"),
        (&["--age", "30", "--province", "ON", "--lang", "en", "--result", "phq10=3"], "unknown instrument `phq10`"),
        (
            &["--age", "30", "--province", "ON", "--lang", "en", "--result", "phq9=28"],
            "PHQ-9 total 28 is out of range: it must be between 0 and 27",
        ),
        (&["--age", "30", "--province", "ON", "--lang", "en", "--result", "k10=5"], "K10 total 5 is out of range"),
        (&["--age", "30", "--province", "ON", "--lang", "en", "--result", "phq9"], "`phq9` is not ID=TOTAL"),
        (&["--age", "30", "--province", "ON", "--lang", "en", "--flag", "sad"], "unknown flag `sad`"),
        (&["--age", "30", "--province", "ON", "--lang", "en", "--result", "asq=1"], "ASQ has no total"),
        (
            &["--age", "30", "--province", "ON", "--lang", "en", "--population", "martians", "--result", "phq9=3"],
            "unknown population `martians`",
        ),
        (&["--age", "30", "--province", "ON", "--lang", "en"], "give at least one --result"),
    ];
    for (args, message) in cases {
        Command::cargo_bin("triage")
            .unwrap()
            .arg("match")
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(*message));
    }
}

/// Issue 12 item 3: rules the literature states, through the real binary and the shipped files.
#[test]
fn literature_rules_reach_the_suggested_level() {
    // (results and flags, level, a level reason that must start with this text).
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["--result", "audit=6", "--flag", "audit.injury_or_concern_last_year"],
            "2",
            "AUDIT flag: injury or concern last year with AUDIT 6, Zone I",
        ),
        (
            &["--result", "audit=10", "--flag", "audit.dependence_items"],
            "3",
            "AUDIT flag: dependence items with AUDIT 10",
        ),
        (&["--result", "audit=17", "--flag", "audit.injury_or_concern_last_year"], "5", "AUDIT flag: injury"),
        (&["--result", "phq2=5"], "3", "PHQ-2 5, positive screen and PHQ-9 not given -> level 3"),
        (&["--result", "gad2=3"], "3", "GAD-2 3, positive screen and GAD-7 not given -> level 3"),
        (&["--result", "who5=12"], "2", "WHO-5 12, positive screen and PHQ-9 not given -> level 2"),
        (&["--result", "who5=7"], "3", "WHO-5 7, positive screen and PHQ-9 not given -> level 3"),
        (&["--result", "phq2=5", "--result", "phq9=7"], "2", "PHQ-9 7, mild -> level 2"),
    ];
    for (extra, level, reason) in cases {
        let mut args = vec!["--age", "30", "--province", "ON", "--lang", "en"];
        args.extend_from_slice(extra);
        let v = run_json(&args);
        assert_eq!(v["level"], *level, "{extra:?}: {}", v["level_reasons"]);
        let reasons: Vec<&str> = v["level_reasons"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert!(reasons.iter().any(|r| r.starts_with(reason)), "{extra:?}: {reasons:?}");
    }
}

/// Issue 12, item 3: a clinician's override lifts a flag-based exclusion with a recorded reason;
/// `--explain` shows the exclusion and its lifting; acute risk, a missing reason, an unknown
/// resource or no clinician are refused.
#[test]
fn a_clinician_lifts_a_flag_based_exclusion_and_explain_shows_both() {
    let base = [
        "--age",
        "40",
        "--province",
        "BC",
        "--lang",
        "en",
        "--result",
        "phq9=12",
        "--flag",
        "suicidal_ideation",
        "--override-level",
        "3",
        "--override-reason",
        "ASQ negative",
    ];
    let reasons_of = |json: &Value, id: &str, block: &str| -> Option<Vec<String>> {
        json[block].as_array()?.iter().find(|r| r["id"] == id).map(|r| {
            r["reasons"].as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_string)).collect()
        })
    };
    let mut args = base.to_vec();
    args.extend(["--override-by", "Dr Lee"]);
    let without = run_json(&args);
    assert!(reasons_of(&without, "bounceback", "excluded").is_some(), "{without}");
    args.extend(["--lift-exclusion", "bounceback:suicide-risk:ASQ negative, passive thoughts, safety plan"]);
    let with = run_json(&args);
    let reasons = reasons_of(&with, "bounceback", "resources").unwrap_or_else(|| panic!("offered: {with}"));
    assert!(
        reasons.iter().any(|r| r.starts_with("excludes clients with suicide risk")
            && r.ends_with("lifted by a clinician: ASQ negative, passive thoughts, safety plan")),
        "{reasons:?}"
    );
    for (extra, message) in [
        (vec!["--override-by", "Dr Lee", "--lift-exclusion", "bounceback:acute-risk:sure"], "cannot be lifted"),
        (
            vec!["--override-by", "Dr Lee", "--lift-exclusion", "bounceback:suicide-risk:  "],
            "needs a resource id and a reason",
        ),
        (vec!["--override-by", "Dr Lee", "--lift-exclusion", "nosuch:suicide-risk:why"], "no resource `nosuch`"),
        (vec!["--lift-exclusion", "bounceback:suicide-risk:why"], "--override-by"),
    ] {
        let mut args = base.to_vec();
        args.extend(extra);
        let output = Command::cargo_bin("triage").unwrap().arg("match").args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}
