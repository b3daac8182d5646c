//! Memory: what a run will need against what this process may still take
//! (the machine's available memory, `ulimit -v` and `-d`, the cgroup's
//! limit), and the peak this process took.

use std::path::Path;

use polis::Scenario;

use super::Failure;

/// Refuses (as bad input) a run that would need more memory than is
/// available, suggesting a number of residents that fits.
pub(crate) fn check_memory(path: &Path, scenario: &Scenario) -> Result<(), Failure> {
    check_memory_for(path, scenario, 1, "a run")
}

/// As [`check_memory`] for `jobs` runs at once (a sweep or a comparison),
/// each as large as `scenario`'s.
pub(crate) fn check_memory_for(
    path: &Path,
    scenario: &Scenario,
    jobs: usize,
    what: &str,
) -> Result<(), Failure> {
    let Some((available, limit)) = memory_available() else {
        return Ok(());
    };
    let each = polis::output::memory_estimate(scenario);
    let needed = each.saturating_mul(jobs as u64);
    if needed <= available {
        return Ok(());
    }
    let residents = scenario.simulation.residents;
    let at_once = if jobs > 1 {
        format!(" ({jobs} runs at once of about {} each)", bytes(each))
    } else {
        String::new()
    };
    let hint = match residents_that_fit(scenario, available / jobs.max(1) as u64) {
        Some(fit) if jobs > 1 => format!(
            "run fewer at once (--jobs) or use fewer residents: about {fit} would fit {jobs} at a time"
        ),
        Some(fit) => format!(
            "use fewer residents: `simulation.residents` is {residents}, about {fit} \
             would fit, for example --set simulation.residents={fit}"
        ),
        None => format!(
            "use fewer residents (`simulation.residents` is {residents}) or a \
             smaller city{}, or free some memory",
            if jobs > 1 {
                ", run fewer at once (--jobs)"
            } else {
                ""
            }
        ),
    };
    Err(Failure::bad_input(
        format!(
            "{what} of {} needs about {} of memory{at_once}, but only {} is available ({limit})",
            path.display(),
            bytes(needed),
            bytes(available)
        ),
        &hint,
    ))
}

/// The value of the line `key:` of a `/proc` file such as
/// /proc/self/status, in bytes, where given in kB.
pub(crate) fn proc_kb(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    let mut words = line[key.len()..].split_whitespace();
    let value: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") => value.checked_mul(1024),
        _ => None,
    }
}

/// Peak resident memory of this process (VmHWM), bytes.
pub(crate) fn peak_rss() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    proc_kb(&text, "VmHWM:")
}

/// Physical memory of the machine, bytes.
pub(crate) fn mem_total() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    proc_kb(&text, "MemTotal:")
}

/// Memory available to a new process, bytes, from /proc/meminfo (`None`
/// where it cannot be read).
pub(crate) fn mem_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&text)
}

/// The memory this process may still take, bytes, and what sets it: the
/// least of the machine's MemAvailable, the process's limits on its address
/// space and data (RLIMIT_AS and RLIMIT_DATA, less what it uses of them)
/// and its cgroup's memory limit (less the cgroup's use).
pub(crate) fn memory_available() -> Option<(u64, &'static str)> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mut limits: Vec<(u64, &'static str)> = Vec::new();
    if let Some(m) = mem_available() {
        limits.push((m, "the machine's available memory"));
    }
    for (resource, used_key, name) in [
        (
            libc::RLIMIT_AS,
            "VmSize:",
            "the process's address-space limit, ulimit -v",
        ),
        (
            libc::RLIMIT_DATA,
            "VmData:",
            "the process's data limit, ulimit -d",
        ),
    ] {
        if let Some(limit) = rlimit(resource) {
            let used = proc_kb(&status, used_key).unwrap_or(0);
            limits.push((limit.saturating_sub(used), name));
        }
    }
    if let Some(left) = cgroup_memory_left() {
        limits.push((left, "the cgroup's memory limit"));
    }
    limits.into_iter().min_by_key(|&(bytes, _)| bytes)
}

/// The soft limit of `resource`, bytes, unless unlimited.
pub(crate) fn rlimit(resource: libc::__rlimit_resource_t) -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit struct, which `limit` is.
    let ok = unsafe { libc::getrlimit(resource, &mut limit) } == 0;
    (ok && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

/// The cgroup's memory limit less its use, bytes, if it has a limit: cgroup
/// v2 (`memory.max`, `memory.current` in the process's own cgroup) or v1
/// (`memory.limit_in_bytes`, `memory.usage_in_bytes`).
pub(crate) fn cgroup_memory_left() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let own = read("/proc/self/cgroup")
        .as_deref()
        .and_then(cgroup_v2_path)
        .unwrap_or_default();
    let v2 = format!("/sys/fs/cgroup{own}");
    for (max, current) in [
        (format!("{v2}/memory.max"), format!("{v2}/memory.current")),
        (
            "/sys/fs/cgroup/memory.max".to_string(),
            "/sys/fs/cgroup/memory.current".to_string(),
        ),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes".to_string(),
            "/sys/fs/cgroup/memory/memory.usage_in_bytes".to_string(),
        ),
    ] {
        if let Some(limit) = read(&max) {
            return cgroup_left(&limit, read(&current).as_deref());
        }
    }
    None
}

/// The path of the process's cgroup v2 (the `0::PATH` line of
/// /proc/self/cgroup).
pub(crate) fn cgroup_v2_path(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("0::"))
        .map(|p| p.trim().trim_end_matches('/').to_string())
}

/// A cgroup limit (`max` or bytes; v1 writes a huge number for none) less
/// the use, bytes.
pub(crate) fn cgroup_left(limit: &str, current: Option<&str>) -> Option<u64> {
    let limit: u64 = limit.trim().parse().ok()?;
    // cgroup v1 says "no limit" with a number near 2^63.
    if limit >= 1 << 62 {
        return None;
    }
    let used: u64 = current.and_then(|c| c.trim().parse().ok()).unwrap_or(0);
    Some(limit.saturating_sub(used))
}

/// The `MemAvailable` line of /proc/meminfo (in kB), in bytes.
pub(crate) fn parse_mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let mut words = line["MemAvailable:".len()..].split_whitespace();
    let value: u64 = words.next()?.parse().ok()?;
    let scale = match words.next() {
        Some("kB") | None => 1024,
        Some("MB") => 1024 * 1024,
        Some(_) => return None,
    };
    value.checked_mul(scale)
}

/// The most residents (rounded down to two significant digits) whose run
/// of `scenario` fits in nine tenths of `available` bytes, if at least the
/// fewest a scenario may have.
pub(crate) fn residents_that_fit(scenario: &Scenario, available: u64) -> Option<u32> {
    let budget = available / 10 * 9;
    let mut probe = scenario.clone();
    let (mut lo, mut hi) = (0u32, scenario.simulation.residents);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        probe.simulation.residents = mid;
        if polis::output::memory_estimate(&probe) <= budget {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let digits = lo.checked_ilog10().unwrap_or(0);
    let unit = 10u32.pow(digits.saturating_sub(1));
    let fit = lo / unit * unit;
    let fewest = polis::scenario::reference::lookup("simulation.residents").map_or(1.0, |i| i.min);
    (fit as f64 >= fewest).then_some(fit)
}

/// A byte count in MB or GB.
pub(crate) fn bytes(n: u64) -> String {
    if n >= 1_000_000_000 {
        format!("{:.1} GB", n as f64 / 1e9)
    } else if n >= 100_000_000 {
        format!("{:.0} MB", n as f64 / 1e6)
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgroup_limits_are_read_in_bytes() {
        assert_eq!(
            cgroup_v2_path("0::/user.slice/session-1.scope\n").as_deref(),
            Some("/user.slice/session-1.scope")
        );
        assert_eq!(cgroup_v2_path("0::/\n").as_deref(), Some(""));
        assert_eq!(cgroup_v2_path("12:memory:/x\n"), None);
        assert_eq!(cgroup_left("max\n", Some("100\n")), None);
        assert_eq!(cgroup_left("1000\n", Some("300\n")), Some(700));
        assert_eq!(cgroup_left("1000\n", Some("3000\n")), Some(0));
        assert_eq!(cgroup_left("9223372036854771712\n", Some("5")), None);
    }

    #[test]
    fn an_address_space_limit_is_a_memory_limit() {
        // This process's own limits: whatever they are, the answer is
        // within the machine's memory and names what set it.
        if let Some((bytes, what)) = memory_available() {
            assert!(bytes <= mem_total().unwrap_or(u64::MAX), "{bytes} {what}");
            assert!(!what.is_empty());
        }
    }

    #[test]
    fn mem_available_is_read_in_bytes() {
        let text = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2000000 kB\n";
        assert_eq!(parse_mem_available(text), Some(2_048_000_000));
        assert_eq!(parse_mem_available("MemTotal: 5 kB\n"), None);
    }

    #[test]
    fn proc_lines_read_in_bytes() {
        let status = "Name:\tpolis\nVmPeak:\t  9000 kB\nVmHWM:\t    2048 kB\n";
        assert_eq!(proc_kb(status, "VmHWM:"), Some(2_097_152));
        assert_eq!(proc_kb(status, "VmRSS:"), None);
    }

    #[test]
    fn byte_counts_read_as_mb_or_gb() {
        assert_eq!(bytes(6_800_000), "6.8 MB");
        assert_eq!(bytes(250_400_000), "250 MB");
        assert_eq!(bytes(12_300_000_000), "12.3 GB");
    }
}
