//! Where the dataset and the config file live, for the CLI and the app
//! alike: the path given (a flag, or the environment variable the caller
//! read), else `burnrate` in the platform's data or config directory.

use std::path::PathBuf;

/// The environment variables that name the two places.
pub const DATA_DIR_VAR: &str = "BURNRATE_DATA_DIR";
pub const CONFIG_VAR: &str = "BURNRATE_CONFIG";

/// The data dir; None when none was given and the platform has no data
/// directory (the caller then asks for one).
pub fn data_dir(given: Option<PathBuf>) -> Option<PathBuf> {
    given.or_else(|| dirs::data_dir().map(|d| d.join("burnrate")))
}

/// The config file, and whether it was given (a given file must exist; the
/// default one may not, which means the defaults).
pub fn config_file(given: Option<PathBuf>) -> Option<(PathBuf, bool)> {
    match given {
        Some(path) => Some((path, true)),
        None => dirs::config_dir().map(|d| (d.join("burnrate").join("config.toml"), false)),
    }
}
