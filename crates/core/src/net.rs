//! Addresses: whether a client address belongs to an allowed network.

use std::net::IpAddr;

/// Whether `ip` is inside `cidr` (`10.0.0.0/8`, `2a02:5180::/32`, or a bare address).
pub fn in_network(ip: IpAddr, cidr: &str) -> bool {
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (cidr, None),
    };
    let Ok(net) = net.trim().parse::<IpAddr>() else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        // An IPv4 client seen through an IPv6 socket.
        (IpAddr::V6(a), IpAddr::V4(_)) => a.to_ipv4_mapped().is_some_and(|v4| in_network(IpAddr::V4(v4), cidr)),
        _ => false,
    }
}

/// Whether `ip` (as text) is inside any of `networks`; an empty list allows every address.
pub fn allowed(ip: &str, networks: &[String]) -> bool {
    if networks.is_empty() {
        return true;
    }
    let Ok(ip) = ip.trim().parse::<IpAddr>() else {
        return false;
    };
    networks.iter().any(|n| in_network(ip, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(in_network(ip("185.71.76.5"), "185.71.76.0/27"));
        assert!(!in_network(ip("185.71.76.40"), "185.71.76.0/27"));
        assert!(in_network(ip("77.75.156.11"), "77.75.156.11"));
        assert!(in_network(ip("2a02:5180::1"), "2a02:5180::/32"));
        assert!(!in_network(ip("2a02:5181::1"), "2a02:5180::/32"));
        assert!(in_network(ip("::ffff:127.0.0.1"), "127.0.0.0/8"));
        assert!(!in_network(ip("10.0.0.1"), "garbage"));
        assert!(allowed("1.2.3.4", &[]));
        assert!(!allowed("not an ip", &["0.0.0.0/0".into()]));
    }
}
