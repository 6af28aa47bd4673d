//! The library's error type. Every variant carries what a user needs to act:
//! the file, and where possible the row and column.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{file}: {message}")]
    BadInput { file: PathBuf, message: String },

    #[error("{file}, row {row}, column {column}: {message}")]
    BadValue {
        file: PathBuf,
        row: u64,
        column: String,
        message: String,
    },

    #[error(
        "{file}: not a billing export Burnrate knows.\n  It saw {seen}.\n  Burnrate reads: {known}"
    )]
    UnknownFormat {
        file: PathBuf,
        seen: String,
        known: String,
    },

    #[error("{file}: reconciliation failed: {message}")]
    Reconciliation { file: PathBuf, message: String },

    /// A file meets imported months and its content cannot tell whether it
    /// is another part of that delivery or a restatement of it.
    #[error("{file}: {message}")]
    AmbiguousDelivery { file: PathBuf, message: String },

    #[error("{0}")]
    Usage(String),

    #[error("{file}: {message}")]
    Config { file: PathBuf, message: String },

    #[error("report {name} ({file}): {message}")]
    Report {
        name: String,
        file: String,
        message: String,
    },

    #[error("data directory {dir}: {message}")]
    Dataset { dir: PathBuf, message: String },

    // The cause is part of the message (deliberately not a `source`, which
    // would print it twice in the CLI's error chain), so a message reads the
    // same there and in the app's {code, message}.
    #[error("{context}: {cause}")]
    Io {
        context: String,
        cause: std::io::Error,
    },

    #[error("{context}: {cause}")]
    Polars {
        context: String,
        cause: polars::prelude::PolarsError,
    },
}

impl Error {
    pub fn io(context: impl Into<String>, cause: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            cause,
        }
    }

    pub fn polars(context: impl Into<String>, cause: polars::prelude::PolarsError) -> Self {
        Error::Polars {
            context: context.into(),
            cause,
        }
    }

    pub fn bad_input(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::BadInput {
            file: file.into(),
            message: message.into(),
        }
    }

    /// A short stable code for scripts and the app (`{code, message}`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadInput { .. } | Error::BadValue { .. } => "bad_input",
            Error::UnknownFormat { .. } => "unknown_format",
            Error::Reconciliation { .. } => "reconciliation",
            Error::AmbiguousDelivery { .. } => "ambiguous_delivery",
            Error::Usage(_) => "usage",
            Error::Config { .. } => "config",
            Error::Report { .. } => "report",
            Error::Dataset { .. } => "dataset",
            Error::Io { .. } => "io",
            Error::Polars { .. } => "query",
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// A value from a file as an error message quotes it: in full when short,
/// else its start and its length, so a 10 MB field cannot make a 10 MB
/// message.
pub fn quoted(value: &str) -> String {
    match cut(value) {
        None => format!("{value:?}"),
        Some((start, chars)) => format!("{start:?}… ({chars} characters)"),
    }
}

/// A header name as a message shows it: as written when short, else like
/// [`quoted`].
pub fn shortened(name: &str) -> String {
    match cut(name) {
        None => name.to_string(),
        Some((start, chars)) => format!("{start}… ({chars} characters)"),
    }
}

/// The start of a long text and its length in characters; None when short.
fn cut(text: &str) -> Option<(&str, usize)> {
    const SHOWN: usize = 60;
    let (at, _) = text.char_indices().nth(SHOWN)?;
    Some((&text[..at], text.chars().count()))
}
