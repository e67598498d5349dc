//! Address ranges that together open a rule to (most of) the internet without saying
//! `0.0.0.0/0`: `0.0.0.0/1` + `128.0.0.0/1`, or `2000::/3` for IPv6, or a handful of short
//! prefixes. CWE-284 "Improper Access Control"; AWS security group rules take any list of
//! CIDR blocks (AWS docs "Security group rules"), so the split is as easy to write as the
//! whole.
//!
//! The union of a rule's ranges is measured against the public address space of its family:
//! all of IPv4, and the IPv6 global unicast range `2000::/3` (RFC 4291 §2.4, IANA "IPv6
//! Global Unicast Address Assignments"). Half or more of it counts as the internet: no
//! private or partner range comes near that size, and an allow-list that large is not one.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Share of a family's public space at or above which ranges count as "the internet".
const INTERNET_SHARE_LOG2: u32 = 1; // one half

/// How much of the internet `sources` cover together ("100% of IPv4") when it is half or more
/// of a family's public space, else `None`. Texts that are not CIDR blocks (expressions, `*`)
/// are left out.
#[must_use]
pub fn covers_internet(sources: &[&str]) -> Option<String> {
    let mut v4: Vec<(u128, u128)> = Vec::new();
    let mut v6: Vec<(u128, u128)> = Vec::new();
    for source in sources {
        let Some((address, prefix)) = source.trim().split_once('/') else {
            continue;
        };
        let Ok(prefix) = prefix.parse::<u32>() else {
            continue;
        };
        if let Ok(ip) = address.parse::<Ipv4Addr>()
            && prefix <= 32
        {
            v4.push(range(u128::from(u32::from(ip)), prefix, 32));
        } else if let Ok(ip) = address.parse::<Ipv6Addr>()
            && prefix <= 128
        {
            // Only the part inside 2000::/3 is public space.
            let (start, end) = range(u128::from(ip), prefix, 128);
            let (public_start, public_end) = range(0x2000_u128 << 112, 3, 128);
            let (start, end) = (start.max(public_start), end.min(public_end));
            if start <= end {
                v6.push((start, end));
            }
        }
    }
    [("IPv4", v4, 32), ("IPv6 global unicast", v6, 125)]
        .into_iter()
        .find_map(|(name, ranges, bits)| {
            let covered = union_size(ranges);
            let space = 1u128 << bits;
            (covered >= space >> INTERNET_SHARE_LOG2).then(|| {
                // Rounded down, so 99.99% never shows as 100%; shifted so IPv6 cannot overflow.
                let percent = (covered >> 8) * 100 / (space >> 8);
                format!("{percent}% of {name}")
            })
        })
}

/// First and last address of `ip/prefix` in a family of `bits` bits.
fn range(ip: u128, prefix: u32, bits: u32) -> (u128, u128) {
    let host_bits = bits - prefix;
    let size_minus_one = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let start = ip & !size_minus_one;
    (start, start | size_minus_one)
}

/// Number of addresses in the union of inclusive ranges (saturating).
fn union_size(mut ranges: Vec<(u128, u128)>) -> u128 {
    ranges.sort_unstable();
    let mut total: u128 = 0;
    let mut current: Option<(u128, u128)> = None;
    for (start, end) in ranges {
        current = match current {
            Some((s, e)) if start <= e.saturating_add(1) => Some((s, e.max(end))),
            Some((s, e)) => {
                total = total.saturating_add(e - s).saturating_add(1);
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((s, e)) = current {
        total = total.saturating_add(e - s).saturating_add(1);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::covers_internet;

    /// Splits of the whole space count; private and narrow ranges do not (issue 12).
    #[test]
    fn coverage() {
        for (sources, open) in [
            (&["0.0.0.0/1", "128.0.0.0/1"][..], true),
            (&["0.0.0.0/0"][..], true),
            (&["0.0.0.0/1"][..], true),
            (
                &["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/3"][..],
                true,
            ),
            (&["2000::/3"][..], true),
            (&["::/0"][..], true),
            (&["2000::/4", "3000::/4"][..], true),
            (
                &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"][..],
                false,
            ),
            (&["203.0.113.0/24"][..], false),
            (&["0.0.0.0/2"][..], false),
            (&["fd00::/8"][..], false),
            (&["2001:db8::/32"][..], false),
            (&["var.cidr", "*"][..], false),
            (&["0.0.0.0/1", "0.0.0.0/1"][..], true),
        ] {
            assert_eq!(covers_internet(sources).is_some(), open, "{sources:?}");
        }
        let message = covers_internet(&["0.0.0.0/1", "128.0.0.0/1"]).expect("open");
        assert_eq!(message, "100% of IPv4");
    }
}
