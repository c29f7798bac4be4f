//! UTC dates from UNIX seconds, in the three forms the signatures use.

/// `(year, month, day)` of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn split(unix: u64) -> ((i64, u32, u32), u64, u64, u64) {
    let days = (unix / 86_400) as i64;
    let s = unix % 86_400;
    (civil_from_days(days), s / 3600, s / 60 % 60, s % 60)
}

/// `2019-02-25`: the UTC date of TC3's credential scope.
pub fn utc_date(unix: u64) -> String {
    let ((y, m, d), ..) = split(unix);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2019-02-25T16:44:25Z`: ACS3's `x-acs-date`.
pub fn iso_date_time(unix: u64) -> String {
    let ((y, mo, d), h, mi, s) = split(unix);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `Thu, 09 Jul 2015 03:01:34 GMT`: the HTTP `Date` MNS signs.
pub fn http_date(unix: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let ((y, mo, d), h, mi, s) = split(unix);
    let weekday = DAYS[(unix / 86_400 % 7) as usize];
    format!("{weekday}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT", MONTHS[mo as usize - 1])
}
