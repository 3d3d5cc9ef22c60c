//! How numbers read, and how text is escaped, in every output.
//!
//! The terminal table, the text cells of the analyses' tables, chart
//! labels, the reports and the causal map all format through this module,
//! so a chance reads the same in the report's table and on the chart beside
//! it ("0.04%" in both), and a label is escaped by one set of rules whether
//! it lands in HTML, SVG, Markdown or Graphviz DOT. CSV and JSON cells keep full precision
//! and do not come here.

/// A number to about four significant digits, whole numbers without
/// decimals: 0.1235, 12.35, 1235, 3; "-" for a missing value.
pub fn number(x: f64) -> String {
    if x.is_nan() {
        return "-".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == x.round() && x.abs() < 1e9 {
        return format!("{x:.0}");
    }
    let a = x.abs();
    if !(1e-4..1e6).contains(&a) {
        return format!("{x:.3e}");
    }
    let decimals = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
    format!("{x:.decimals$}")
}

/// A standard error beside its estimate, to two significant digits with
/// a leading "±" ("±0.00067", "±0.047", "±35"); "" for a missing value. Two
/// digits are all a standard error can honestly carry.
pub fn plus_minus(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let a = x.abs();
    if a == 0.0 {
        return "±0".into();
    }
    if !(1e-6..1e6).contains(&a) {
        return format!("±{a:.1e}");
    }
    let decimals = (1 - a.log10().floor() as i32).clamp(0, 8) as usize;
    format!("±{a:.decimals$}")
}

/// As [`number`], with a sign on positive values, for differences ("+1.62").
pub fn signed_number(x: f64) -> String {
    with_sign(number(x), x)
}

/// A probability as a fraction to four decimals ("0.7089"), as the terminal
/// tables print it; "-" for a missing value.
pub fn probability(p: f64) -> String {
    if p.is_nan() {
        "-".into()
    } else {
        format!("{p:.4}")
    }
}

/// A probability as a percentage, the same in every report and on every
/// chart: one decimal ("71.1%"), two below 1% ("0.42%"). A chance that is
/// not zero never reads as zero ("<0.01%"), and one short of certain never
/// reads as certain (">99.9%"); "-" for a missing value.
pub fn percent(p: f64) -> String {
    if !p.is_finite() {
        return "-".into();
    }
    if p > 0.0 && p < 0.00005 {
        return "<0.01%".into();
    }
    if (0.9995..1.0).contains(&p) {
        return ">99.9%".into();
    }
    if p != 0.0 && p.abs() < 0.01 {
        format!("{:.2}%", p * 100.0)
    } else {
        format!("{:.1}%", p * 100.0)
    }
}

/// A relative change as a signed [`percent`]: "+12.5%", "-0.42%".
pub fn signed_percent(x: f64) -> String {
    let text = percent(x.abs());
    if x > 0.0 {
        format!("+{text}")
    } else if x < 0.0 {
        format!("-{text}")
    } else {
        text
    }
}

/// The share `part / total` as a [`percent`]; "-" when `total` is 0.
pub fn share(part: u64, total: u64) -> String {
    if total == 0 {
        "-".into()
    } else {
        percent(part as f64 / total as f64)
    }
}

/// A difference of two chances in percentage points, one decimal, signed
/// ("+5.0", "-0.3", "0.0" when it rounds to nothing); "-" when missing.
pub fn points(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let text = format!("{:.1}", x * 100.0);
    if text == "-0.0" || text == "0.0" {
        "0.0".into()
    } else {
        with_sign(text, x)
    }
}

/// A number to a fixed count of decimals, with a sign on positive values
/// when `signed`; never "-0.00" (a negative zero would read as an effect).
pub fn fixed(x: f64, decimals: usize, signed: bool) -> String {
    if !x.is_finite() {
        return number(x);
    }
    let shown = format!("{:.decimals$}", x.abs());
    let zero = shown.chars().all(|c| c == '0' || c == '.');
    match (zero, x > 0.0) {
        (true, _) => shown,
        (false, true) if signed => format!("+{shown}"),
        (false, true) => shown,
        (false, false) => format!("-{shown}"),
    }
}

/// A count with thousands separators: 100000 -> "100,000".
pub fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// A per-second rate for a progress line: "137,245/s", "12.5/s".
pub fn rate(per_second: f64) -> String {
    if !per_second.is_finite() || per_second < 0.0 {
        "-".into()
    } else if per_second >= 100.0 {
        format!("{}/s", count(per_second.round() as u64))
    } else {
        format!("{per_second:.1}/s")
    }
}

/// A number followed by its unit, the unit in the singular when the
/// number reads exactly 1: "1 month", "3 months", "1 trust point", "1 point
/// of trust", "1 person per month", "1 month after Dec 2025", "0.5 attacks".
/// The noun made singular is the last word of the unit's opening phrase,
/// the words before the first preposition, bracket or number ("trust
/// points" | "per cooperation point"), and each phrase joined to it by "or"
/// or "and" ("attacks or raids"). Regular English plurals and a short list
/// of irregular ones ("people", "children") are made singular; anything
/// else ("km", "%", "USD", "killed or wounded", "crises", "million
/// people") is written as given, as is an empty unit.
pub fn quantity(x: f64, unit: &str) -> String {
    let shown = number(x);
    let unit = unit.trim();
    if unit.is_empty() {
        return shown;
    }
    let unit = if shown.trim_start_matches('-') == "1" {
        singular_unit(unit)
    } else {
        unit.to_string()
    };
    format!("{shown} {unit}")
}

/// Words that end a unit's opening noun phrase: what follows qualifies it.
const PHRASE_ENDS: [&str; 27] = [
    "a", "above", "after", "an", "as", "at", "before", "below", "between", "by", "during", "each",
    "every", "for", "from", "in", "into", "of", "on", "over", "per", "since", "than", "the", "to",
    "under", "with",
];

/// Words that join two noun phrases, each of which agrees with the number.
const CONJUNCTIONS: [&str; 2] = ["and", "or"];

/// Counting words after which the noun stays plural ("1 million people").
const MULTIPLIERS: [&str; 6] = [
    "dozen", "hundred", "thousand", "million", "billion", "trillion",
];

/// `unit` as it reads after the number 1 (see [`quantity`]).
fn singular_unit(unit: &str) -> String {
    let mut words: Vec<String> = unit.split(' ').map(str::to_string).collect();
    // The index of the last word of the current phrase, if it may be a noun.
    let mut head: Option<usize> = None;
    let mut counted = false;
    let mut end = words.len();
    for (i, word) in words.iter().enumerate() {
        let lower = word.to_ascii_lowercase();
        if PHRASE_ENDS.contains(&lower.as_str())
            || !word
                .chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        {
            end = i;
            break;
        }
        if MULTIPLIERS.contains(&lower.as_str()) {
            counted = true;
        }
    }
    if counted {
        return unit.to_string();
    }
    let mut heads = Vec::new();
    for (i, word) in words[..end].iter().enumerate() {
        if CONJUNCTIONS.contains(&word.as_str()) {
            heads.extend(head.take());
        } else if !word.is_empty() {
            head = Some(i);
        }
    }
    heads.extend(head);
    for i in heads {
        // A hyphenated noun agrees in its last part ("person-days").
        let word = &words[i];
        let (stem, last) = word.rsplit_once('-').unwrap_or(("", word));
        if let Some(one) = singular(last) {
            words[i] = if stem.is_empty() {
                one
            } else {
                format!("{stem}-{one}")
            };
        }
    }
    words.join(" ")
}

/// Plurals that do not end in a plain "s", and their singulars.
const IRREGULAR: [(&str, &str); 8] = [
    ("people", "person"),
    ("children", "child"),
    ("men", "man"),
    ("women", "woman"),
    ("feet", "foot"),
    ("teeth", "tooth"),
    ("mice", "mouse"),
    ("lives", "life"),
];

/// Words ending in "s" that are not plurals of another word.
const NOT_PLURAL: [&str; 6] = ["news", "series", "species", "means", "always", "yes"];

/// The singular of a one-word English plural ("months" -> "month",
/// "casualties" -> "casualty", "people" -> "person"; "crises" unchanged:
/// not a plain plural), or `None` where the word is not one.
fn singular(word: &str) -> Option<String> {
    if let Some((_, one)) = IRREGULAR.iter().find(|(many, _)| *many == word) {
        return Some((*one).to_string());
    }
    if !word.bytes().all(|b| b.is_ascii_lowercase()) || word.len() < 3 {
        return None;
    }
    if NOT_PLURAL.contains(&word)
        || ["ss", "us", "is", "ses"]
            .iter()
            .any(|end| word.ends_with(end))
    {
        return None;
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return Some(format!("{stem}y"));
    }
    if ["ches", "shes", "xes"]
        .iter()
        .any(|end| word.ends_with(end))
    {
        return Some(word[..word.len() - 2].to_string());
    }
    word.strip_suffix('s').map(str::to_string)
}

/// A value as typed on a command line: 0.02, not 0.02000 (rounded to ten
/// decimals, so 0.1 + 0.2 reads 0.3).
pub fn as_typed(x: f64) -> String {
    let r = (x * 1e10).round() / 1e10;
    format!("{r}")
}

/// A size in bytes: `9.8 GB`, `512.0 MB`, `12.0 kB`, `300 bytes`.
pub fn bytes(bytes: u64) -> String {
    let units = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")];
    for (size, unit) in units {
        if bytes as f64 >= size {
            return format!("{:.1} {unit}", bytes as f64 / size);
        }
    }
    format!("{bytes} bytes")
}

/// A tick label for `value` when ticks are `step` apart: as many decimals
/// as the step needs (0.25 needs two, 2.5 one, 5 none), so that no two
/// ticks read alike.
pub fn tick(value: f64, step: f64) -> String {
    let decimals = if step <= 0.0 || !step.is_finite() {
        0
    } else {
        // Enough places for the step's magnitude, one more for a step such
        // as 0.25; an irregular step (a grid of 8 values over 0.02..0.2)
        // stops there rather than printing every digit.
        let magnitude = (-step.log10()).ceil().max(0.0) as i32;
        (0..=magnitude)
            .find(|&d| {
                let scaled = step * 10f64.powi(d);
                (scaled.round() - scaled).abs() <= 1e-6 * scaled.max(1.0)
            })
            .unwrap_or(magnitude + 1) as usize
    };
    let text = format!("{value:.decimals$}");
    if value.abs() >= 10_000.0 && decimals == 0 {
        group_thousands(&text)
    } else {
        text
    }
}

/// A percentage tick label for a probability `p` when ticks are `step` apart.
pub fn percent_tick(p: f64, step: f64) -> String {
    format!("{}%", tick(p * 100.0, step * 100.0))
}

fn with_sign(text: String, x: f64) -> String {
    if x > 0.0 { format!("+{text}") } else { text }
}

fn group_thousands(text: &str) -> String {
    let (sign, digits) = text.strip_prefix('-').map_or(("", text), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// Escape text for HTML or SVG (XML) content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => push_markup_safe(&mut out, other),
        }
    }
    out
}

/// Push `c`, as an entity when markup would read it as a tag or an entity.
fn push_markup_safe(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        other => out.push(other),
    }
}

/// Escape text for a Markdown paragraph or table cell: HTML-escaped, because
/// most Markdown renderers pass raw HTML through, and Markdown-escaped, so a
/// `*` or `|` in a label stays a character instead of becoming emphasis or a
/// table column. A line break becomes a space.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            other => push_markup_safe(&mut out, other),
        }
    }
    // Text that starts like a list item ("- x", "3. x") stays text.
    if out.starts_with("- ") || out.starts_with("+ ") {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && (out[digits..].starts_with(". ") || out[digits..].starts_with(") ")) {
        out.insert(digits, '\\');
    }
    out
}

/// A Graphviz DOT double-quoted string, quotes included: backslashes and
/// quotes escaped, line breaks as `\n`, other control characters dropped.
pub fn dot_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a DOT `//` comment line: line breaks and control characters
/// dropped, so the text cannot end the comment and start a statement.
pub fn dot_comment(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_agrees_with_its_number() {
        for (x, unit, expected) in [
            // One plural word.
            (1.0, "months", "1 month"),
            (3.0, "months", "3 months"),
            (1.0, "steps", "1 step"),
            (-1.0, "days", "-1 day"),
            (1.5, "months", "1.500 months"),
            (0.0, "months", "0 months"),
            (1.0, "casualties", "1 casualty"),
            (1.0, "inches", "1 inch"),
            (1.0, "boxes", "1 box"),
            // The noun last in its phrase.
            (1.0, "trust points", "1 trust point"),
            (2.0, "trust points", "2 trust points"),
            (1.0, "percentage points", "1 percentage point"),
            (1.0, "US dollars", "1 US dollar"),
            (1.0, "displaced people", "1 displaced person"),
            (1.0, "person-days", "1 person-day"),
            // The phrase ends at a preposition, a number or a bracket.
            (1.0, "points of trust", "1 point of trust"),
            (1.0, "people per month", "1 person per month"),
            (1.0, "months after Dec 2025", "1 month after Dec 2025"),
            (2.0, "months after Dec 2025", "2 months after Dec 2025"),
            (1.0, "attacks over 24 months", "1 attack over 24 months"),
            (
                1.0,
                "trust points per cooperation point",
                "1 trust point per cooperation point",
            ),
            (1.0, "trust points (0-100)", "1 trust point (0-100)"),
            (1.0, "index 0-1", "1 index 0-1"),
            (1.0, "share of runs", "1 share of runs"),
            // Phrases joined by "or" and "and" each agree.
            (1.0, "attacks or raids", "1 attack or raid"),
            (1.0, "killed or wounded", "1 killed or wounded"),
            (
                1.0,
                "killed or wounded per attack",
                "1 killed or wounded per attack",
            ),
            // Irregular plurals.
            (1.0, "people", "1 person"),
            (1.0, "children", "1 child"),
            (2.0, "people", "2 people"),
            // Left as given: no plural to make singular.
            (1.0, "km", "1 km"),
            (1.0, "%", "1 %"),
            (1.0, "USD", "1 USD"),
            (1.0, "crises", "1 crises"),
            (1.0, "status", "1 status"),
            (1.0, "series", "1 series"),
            (1.0, "news items", "1 news item"),
            (1.0, "1 = yes", "1 1 = yes"),
            (1.0, "million people", "1 million people"),
            (1.0, "thousand USD", "1 thousand USD"),
            (2.0, "", "2"),
        ] {
            assert_eq!(quantity(x, unit), expected, "{x} {unit}");
        }
    }

    #[test]
    fn numbers() {
        let cases = [
            (3.0, "3"),
            (0.12345, "0.1235"),
            (12.3456, "12.35"),
            (1234.5678, "1235"),
            (-0.5, "-0.5000"),
            (f64::NAN, "-"),
            (1.5e-5, "1.500e-5"),
            (7.801e-4, "0.000780"),
        ];
        for (x, want) in cases {
            assert_eq!(number(x), want, "{x}");
        }
        assert_eq!(signed_number(1.62), "+1.620");
        assert_eq!(signed_number(-2.0), "-2");
    }

    #[test]
    fn standard_errors_read_to_two_significant_digits() {
        let cases = [
            (0.000667, "±0.00067"),
            (0.04179, "±0.042"),
            (1.234, "±1.2"),
            (35.4, "±35"),
            (0.0, "±0"),
            (2.5e-7, "±2.5e-7"),
            (f64::NAN, ""),
        ];
        for (x, want) in cases {
            assert_eq!(plus_minus(x), want, "{x}");
        }
    }

    #[test]
    fn percentages() {
        let cases = [
            (0.7106, "71.1%"),
            (0.0042, "0.42%"),
            (0.0004, "0.04%"),
            (0.00001, "<0.01%"),
            (0.0, "0.0%"),
            (1.0, "100.0%"),
            (0.9996, ">99.9%"),
            (0.9994, "99.9%"),
            (f64::NAN, "-"),
        ];
        for (p, want) in cases {
            assert_eq!(percent(p), want, "{p}");
        }
        assert_eq!(share(1, 4), "25.0%");
        assert_eq!(signed_percent(0.125), "+12.5%");
        assert_eq!(signed_percent(-0.0042), "-0.42%");
        assert_eq!(share(0, 0), "-");
    }

    #[test]
    fn differences() {
        assert_eq!(points(0.05), "+5.0");
        assert_eq!(points(-0.0004), "0.0");
        assert_eq!(points(-0.003), "-0.3");
        assert_eq!(fixed(-0.001, 2, true), "0.00");
        assert_eq!(fixed(0.123, 2, true), "+0.12");
        assert_eq!(fixed(-0.123, 2, true), "-0.12");
    }

    #[test]
    fn counts_and_rates() {
        assert_eq!(count(100000), "100,000");
        assert_eq!(count(999), "999");
        assert_eq!(rate(137244.5994), "137,245/s");
        assert_eq!(rate(12.54), "12.5/s");
        assert_eq!(bytes(9_800_000_000), "9.8 GB");
        assert_eq!(bytes(300), "300 bytes");
        assert_eq!(as_typed(0.1 + 0.2), "0.3");
    }

    #[test]
    fn ticks() {
        assert_eq!(tick(0.25, 0.25), "0.25");
        assert_eq!(tick(0.4, 0.2), "0.4");
        assert_eq!(tick(25000.0, 5000.0), "25,000");
        assert_eq!(tick(-1250000.0, 250000.0), "-1,250,000");
        assert_eq!(percent_tick(0.5, 0.1), "50%");
        assert_eq!(percent_tick(0.025, 0.005), "2.5%");
        assert_eq!(percent_tick(0.075, 0.025), "7.5%");
        assert_eq!(percent_tick(0.05, 0.025), "5.0%");
        assert_eq!(tick(1.0 / 3.0, 0.1), "0.3");
        assert_eq!(tick(0.174, 0.18 / 7.0), "0.174");
        assert_eq!(tick(2.5, 2.5), "2.5");
    }

    #[test]
    fn escapes_html() {
        assert_eq!(
            html("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
    }

    #[test]
    fn escapes_markdown() {
        assert_eq!(markdown("a|b *c* <d>"), "a\\|b \\*c\\* &lt;d&gt;");
        assert_eq!(markdown("- not a list"), "\\- not a list");
        assert_eq!(markdown("line\nbreak"), "line break");
        assert_eq!(markdown("3. item"), "3\\. item");
        assert_eq!(markdown("100 runs. Done"), "100 runs. Done");
    }

    #[test]
    fn escapes_dot() {
        assert_eq!(dot_string("plain"), "\"plain\"");
        assert_eq!(dot_string("say \"hi\" C:\\x"), "\"say \\\"hi\\\" C:\\\\x\"");
        assert_eq!(dot_string("two\nlines\u{7}"), "\"two\\nlines\"");
        assert_eq!(dot_comment("a\nb\r// c"), "ab// c");
    }
}
