//! How the benchmarks print their results, the same for `bench server` and
//! `bench app`: Markdown tables, sizes in MiB, times in ms, and whether each
//! target was met.

use std::time::Duration;

/// The verdict cell of a target: `met`, or `**missed**` to stand out.
pub fn verdict(met: bool) -> String {
    if met { "met" } else { "**missed**" }.to_owned()
}

/// Milliseconds, with two decimals under 10 ms and one above.
pub fn millis(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// Milliseconds, or `n/a` when nothing was measured.
pub fn show(duration: Option<Duration>) -> String {
    duration.map_or_else(|| "n/a".to_owned(), millis)
}

/// Bytes as MiB with one decimal.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// A whole number with thousands separators: `12,345`.
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Prints a Markdown table with its columns padded to line up.
pub fn print_table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(|cell| cell.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell}{}", " ".repeat(width - cell.chars().count())))
            .collect();
        println!("| {} |", padded.join(" | "));
    };
    line(header.to_vec());
    println!(
        "|{}|",
        widths
            .iter()
            .map(|width| "-".repeat(width + 2))
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated_with_commas() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
    }

    #[test]
    fn short_durations_get_two_decimals() {
        assert_eq!(show(Some(Duration::from_micros(8_123))), "8.12 ms");
        assert_eq!(show(Some(Duration::from_millis(25))), "25.0 ms");
        assert_eq!(show(None), "n/a");
    }

    #[test]
    fn sizes_are_mebibytes() {
        assert_eq!(mib(256 * 1024 * 1024), "256.0 MiB");
        assert_eq!(mib(1536 * 1024), "1.5 MiB");
    }
}
