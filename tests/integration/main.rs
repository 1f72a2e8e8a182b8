//! Every integration test in one binary: the crate is linked once rather than once per file,
//! and the tests share one pool of threads (`cargo test --test integration NAME` runs some).
//! Each module is one area's tests, as its own file was before; `support`, `store_common` and
//! `report_support` are the helpers they share.

// A test that cannot go on fails by panicking (Cargo.toml denies these elsewhere).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod report_support;
mod store_common;
mod support;

mod architecture;
mod checkin_cli;
mod client_edit_cli;
mod client_find_cli;
mod client_find_tui;
mod docs_cli;
mod encounter_versions;
mod export_cli;
mod instrument_files;
mod json_errors_cli;
mod kiosk_bundles_cli;
mod kiosk_desk;
mod kiosk_french;
mod kiosk_owner;
mod kiosk_ssh;
mod password_reset_cli;
mod plain_kiosk;
mod plain_staff;
mod private_files;
mod report_cli;
mod score_cli;
mod scoring_cases;
mod scoring_properties;
mod settings_cli;
mod store_canary;
mod store_cli;
mod store_disk_full;
mod store_durability;
mod triage_match;
mod triage_resources;
mod tui_e2e;
mod tui_finish;
mod tui_lists;
mod tui_lock;
mod tui_reopen;
mod tui_summary;
mod tui_two_workers;
