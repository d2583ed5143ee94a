//! IP addresses and networks, and which ones are special-purpose: the IANA IPv4 and IPv6
//! Special-Purpose Address Registries (RFC 6890 and its updates), plus multicast. A webhook
//! (or any server-side request a user can aim) must not reach them: they are this machine, its
//! private networks, translation and tunnelling prefixes that lead back into them, or ranges
//! that are not routed at all.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// An address or a CIDR network, e.g. `10.0.0.0/8`, `192.168.1.5`, `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr =
            address.trim().parse().map_err(|_| format!("`{text}` is not an IP address or a CIDR network"))?;
        let address = address.to_canonical();
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(prefix) => prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0 to {max}"))?,
        };
        Ok(Network { address, prefix })
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

/// IPv4 blocks of the IANA special-purpose registry, and multicast.
const SPECIAL_V4: &[(&str, &str)] = &[
    ("0.0.0.0/8", "this network"),
    ("10.0.0.0/8", "private use"),
    ("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link local"),
    ("172.16.0.0/12", "private use"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation (TEST-NET-1)"),
    ("192.31.196.0/24", "AS112-v4"),
    ("192.52.193.0/24", "AMT"),
    ("192.88.99.0/24", "deprecated 6to4 relay anycast"),
    ("192.168.0.0/16", "private use"),
    ("192.175.48.0/24", "direct delegation AS112 service"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation (TEST-NET-2)"),
    ("203.0.113.0/24", "documentation (TEST-NET-3)"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("255.255.255.255/32", "limited broadcast"),
];

/// IPv6 blocks of the IANA special-purpose registry, deprecated ranges that still route
/// somewhere, and multicast. (IPv4-mapped addresses, `::ffff:0:0/96`, are judged by the IPv4
/// address they carry: see [`special_purpose`].)
const SPECIAL_V6: &[(&str, &str)] = &[
    ("::/96", "unspecified, loopback and IPv4-compatible (deprecated)"),
    ("64:ff9b::/96", "IPv4-IPv6 translation (NAT64)"),
    ("64:ff9b:1::/48", "local-use IPv4-IPv6 translation"),
    ("100::/64", "discard-only"),
    ("2001::/23", "IETF protocol assignments (Teredo, benchmarking, ORCHID, ...)"),
    ("2001:db8::/32", "documentation"),
    ("2002::/16", "6to4"),
    ("2620:4f:8000::/48", "direct delegation AS112 service"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "segment routing (SRv6) SIDs"),
    ("fc00::/7", "unique local"),
    ("fe80::/10", "link local"),
    ("fec0::/10", "site local (deprecated)"),
    ("ff00::/8", "multicast"),
];

fn special(blocks: &[(&str, &'static str)], ip: IpAddr) -> Option<&'static str> {
    blocks.iter().find_map(|(block, name)| block.parse::<Network>().ok()?.contains(ip).then_some(*name))
}

/// Why `ip` is special-purpose (the registry's name for its block), or None for an ordinary
/// global unicast address. IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
pub fn special_purpose(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => special(SPECIAL_V4, v4.into()),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => Some(special_purpose(v4.into()).unwrap_or("IPv4-mapped")),
            None => special(SPECIAL_V6, v6.into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_contain() {
        let net: Network = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.200.1.1")) && !net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped addresses are the IPv4 address");
        let single: Network = "192.168.1.5".parse().unwrap();
        assert!(single.contains(ip("192.168.1.5")) && !single.contains(ip("192.168.1.6")));
        let v6: Network = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        assert!("0.0.0.0/0".parse::<Network>().unwrap().contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "example.com", "10.0.0/8", "::/129", ""] {
            assert!(bad.parse::<Network>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_registry_block_parses() {
        for (block, _) in SPECIAL_V4.iter().chain(SPECIAL_V6) {
            assert!(block.parse::<Network>().is_ok(), "{block}");
        }
    }

    #[test]
    fn special_purpose_addresses_are_named_and_public_ones_are_not() {
        for special in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.1.1",
            "172.16.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.1.2.3",
            "198.18.0.1",
            "198.19.255.255",
            "240.0.0.1",
            "255.255.255.255",
            "192.0.0.170",
            "224.0.0.251",
            "192.0.2.1",
            "::",
            "::1",
            "::127.0.0.1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b:1::1",
            "fec0::1",
            "fe80::1",
            "fd00::1",
            "2002:7f00:1::1",
            "2001:db8::1",
            "2001::1",
            "100::1",
            "ff02::1",
            "3fff::1",
        ] {
            assert!(special_purpose(ip(special)).is_some(), "{special}");
        }
        for public in ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "2a00:1450:4001::1"] {
            assert_eq!(special_purpose(ip(public)), None, "{public}");
        }
        assert_eq!(special_purpose(ip("198.18.0.1")), Some("benchmarking"));
        assert_eq!(special_purpose(ip("::ffff:8.8.8.8")), Some("IPv4-mapped"), "judged as a mapped address");
    }
}
