//! Units in FOCUS UnitFormat: the providers' own spellings (`Hrs`, `GB-Mo`,
//! `1 Hour`, `10K Requests`) rewritten to the spec's (`Hours`, `GB-Months`,
//! `Hour`, `10000 Requests`). A unit Burnrate does not recognise is written
//! as the provider gave it.

use std::borrow::Cow;

const TIME_SINGULAR: &[&str] = &["Year", "Month", "Day", "Hour", "Minute", "Second"];

/// A provider's abbreviation or spelling of a time unit, as FOCUS's
/// singular (`Hrs` -> `Hour`).
fn time_unit(word: &str) -> Option<&'static str> {
    let unit = match word.to_ascii_lowercase().trim_end_matches('.') {
        "yr" | "yrs" | "year" | "years" => "Year",
        "mo" | "mos" | "mon" | "month" | "months" => "Month",
        "day" | "days" => "Day",
        "h" | "hr" | "hrs" | "hour" | "hours" => "Hour",
        "min" | "mins" | "minute" | "minutes" => "Minute",
        "s" | "sec" | "secs" | "second" | "seconds" => "Second",
        _ => return None,
    };
    Some(unit)
}

/// `10K` -> `10000`, `1M` -> `1000000`; plain digits as they are.
fn block_size(word: &str) -> Option<String> {
    let (digits, zeros) = match word.as_bytes().last()? {
        b'K' | b'k' => (&word[..word.len() - 1], "000"),
        b'M' => (&word[..word.len() - 1], "000000"),
        _ => (word, ""),
    };
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{digits}{zeros}"))
}

/// The FOCUS spelling of a provider's unit.
pub fn focus_unit(raw: &str) -> Cow<'_, str> {
    let text = raw.trim();
    if text.is_empty() {
        return Cow::Borrowed(raw);
    }
    // A time alone: `Hrs` -> `Hours` (a count of hours); FOCUS's own time
    // words stay as they are.
    let focus_time = TIME_SINGULAR
        .iter()
        .any(|t| text == *t || text.strip_suffix('s') == Some(*t));
    if focus_time {
        return Cow::Borrowed(text);
    }
    if let Some(time) = time_unit(text) {
        return Cow::Owned(format!("{time}s"));
    }
    // `<unit>-<time>`: `GB-Mo` -> `GB-Months`, `vCPU-Hrs` -> `vCPU-Hours`.
    if let Some((unit, time)) = text.rsplit_once('-')
        && let Some(time) = time_unit(time)
        && !unit.is_empty()
    {
        // FOCUS joins words of a unit with spaces: `Lambda-GB-Second` is
        // the unit `Lambda GB` per second-long interval.
        return Cow::Owned(format!("{}-{time}s", unit.replace('-', " ")));
    }
    // `<unit>/<time>`: `GB/Mo` -> `GB/Month`.
    if let Some((unit, time)) = text.rsplit_once('/')
        && let Some(time) = time_unit(time)
        && !unit.is_empty()
    {
        let unit = unit.trim();
        // `1 GB/Month` is `GB/Month`; `1/Month` counts units.
        let unit = match unit.strip_prefix("1 ").unwrap_or(unit) {
            "1" => "Units",
            unit => unit,
        };
        return Cow::Owned(format!("{unit}/{time}"));
    }
    // A bare block size: `1` -> `Units`, `100` -> `100 Units`.
    if let Some(block) = block_size(text) {
        return Cow::Owned(if block == "1" {
            "Units".into()
        } else {
            format!("{block} Units")
        });
    }
    // `<block> <unit>`: `1 Hour` -> `Hour`, `10K Requests` -> `10000 Requests`.
    if let Some((block, unit)) = text.split_once(' ')
        && let Some(block) = block_size(block)
    {
        let unit = time_unit(unit)
            .map(|t| {
                if block == "1" {
                    t.to_string()
                } else {
                    format!("{t}s")
                }
            })
            .unwrap_or_else(|| unit.trim().to_string());
        return Cow::Owned(if block == "1" {
            unit
        } else {
            format!("{block} {unit}")
        });
    }
    Cow::Borrowed(text)
}

/// Whether a unit is in FOCUS UnitFormat's grammar (the forms the spec's
/// UnitFormat attribute lists): a unit, `<unit>-<times>`, `<unit>/<time>`,
/// `<n> <unit>` or `<unit>/<n> <times>`.
pub fn is_unit_format(unit: &str) -> bool {
    let word = |w: &str| {
        let mut chars = w.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric())
    };
    let words = |u: &str| !u.is_empty() && u.split(' ').all(word);
    let plural_time = |t: &str| {
        TIME_SINGULAR
            .iter()
            .any(|s| t.strip_suffix('s') == Some(*s))
    };
    let singular_time = |t: &str| TIME_SINGULAR.contains(&t);
    let number = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    if words(unit) {
        return true;
    }
    if let Some((u, t)) = unit.rsplit_once('-') {
        return words(u) && plural_time(t);
    }
    if let Some((u, t)) = unit.rsplit_once('/') {
        if let Some((n, times)) = t.split_once(' ') {
            return words(u) && number(n) && plural_time(times);
        }
        return words(u) && singular_time(t);
    }
    if let Some((n, u)) = unit.split_once(' ') {
        return number(n) && words(u);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_spellings_become_focus_units() {
        for (raw, focus) in [
            ("Hrs", "Hours"),
            ("GB-Mo", "GB-Months"),
            ("vCPU-Hours", "vCPU-Hours"),
            ("LCU-Hrs", "LCU-Hours"),
            ("Lambda-GB-Second", "Lambda GB-Seconds"),
            ("1 Hour", "Hour"),
            ("100 Hours", "100 Hours"),
            ("10K Requests", "10000 Requests"),
            ("1 GB/Month", "GB/Month"),
            ("1/Month", "Units/Month"),
            ("1", "Units"),
            ("10K", "10000 Units"),
            ("Requests", "Requests"),
            ("GB", "GB"),
        ] {
            assert_eq!(focus_unit(raw), focus, "{raw}");
            assert!(is_unit_format(focus), "{focus}");
            // Exporting an export again changes nothing.
            assert_eq!(focus_unit(focus), focus, "{focus} again");
        }
    }

    #[test]
    fn the_grammar_refuses_what_focus_does_not_allow() {
        for bad in ["GB-Mo", "10K Requests", "1 GB/Month", "Hrs/", ""] {
            assert!(!is_unit_format(bad), "{bad}");
        }
    }
}
