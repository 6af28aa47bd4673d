//! The `burnrate` binary end to end: one test binary (one link) with one
//! harness ([`support::Env`]), a module per area. Fixtures are the
//! project's own (tests/fixtures); `conformance` reads the real public
//! billing files in ../shared/data.

mod analysis;
mod azure_samples;
mod cloud_aws;
mod cloud_azure;
mod conformance;
mod delivery;
mod faults;
mod focus_out;
mod focus_validator;
mod formats;
mod import;
mod optimize;
mod schedules;
mod support;
