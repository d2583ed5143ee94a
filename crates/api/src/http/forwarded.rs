//! The client's address behind reverse proxies. Each proxy *appends* the address it received
//! the request from to `X-Forwarded-For` (or to `Forwarded`, RFC 7239), so only the right end
//! of the list is written by proxies you run; the left end is whatever the client sent. The
//! client is therefore the first address, walking from the right, that is not one of the
//! configured proxies; and a request that did not come from a trusted proxy has its headers
//! ignored altogether.

use std::net::IpAddr;

use portico_domain::network::Network;

/// Which header the trusted proxies write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardedHeader {
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=...`.
    Forwarded,
}

impl ForwardedHeader {
    pub fn name(self) -> &'static str {
        match self {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        }
    }
}

/// The proxies in front of Portico and the header they write.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    pub networks: Vec<Network>,
    pub header: ForwardedHeader,
}

impl TrustedProxies {
    /// A comma-separated list of addresses and networks (empty: no proxy is trusted).
    pub fn parse(list: &str, header: ForwardedHeader) -> Result<Self, String> {
        let networks =
            list.split(',').map(str::trim).filter(|e| !e.is_empty()).map(str::parse).collect::<Result<_, _>>()?;
        Ok(TrustedProxies { networks, header })
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.networks.iter().any(|network| network.contains(ip))
    }

    /// The client's address, given the socket's peer and the values of the configured header
    /// (every occurrence, in order).
    pub fn client<'a>(&self, peer: IpAddr, header_values: impl Iterator<Item = &'a str>) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = header_values.flat_map(|value| value.split(',')).collect();
        for hop in hops.into_iter().rev() {
            let parsed = match self.header {
                ForwardedHeader::XForwardedFor => parse_address(hop),
                ForwardedHeader::Forwarded => forwarded_for(hop),
            };
            // An obfuscated or broken entry: the nearest proxy's word is all that is known.
            let Some(address) = parsed else { return client };
            client = address.to_canonical();
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// `203.0.113.7`, `2001:db8::1`, `[2001:db8::1]:443`, `203.0.113.7:4711`.
fn parse_address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    text.rsplit_once(':').filter(|(ip, _)| !ip.contains(':')).and_then(|(ip, _)| ip.parse().ok())
}

/// The `for=` of one `Forwarded` element (`for=192.0.2.60;proto=http;by=203.0.113.43`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim().eq_ignore_ascii_case("for").then(|| parse_address(value)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list, ForwardedHeader::XForwardedFor).unwrap()
    }

    #[test]
    fn the_first_untrusted_address_from_the_right_is_the_client() {
        let trusted = proxies("10.0.0.0/8, 127.0.0.1");
        let header = ["1.2.3.4, 203.0.113.7, 10.0.0.2"];
        assert_eq!(trusted.client(ip("127.0.0.1"), header.into_iter()), ip("203.0.113.7"));
        // Several header lines count as one list.
        let lines = ["1.2.3.4", "203.0.113.7", "10.0.0.2"];
        assert_eq!(trusted.client(ip("10.0.0.1"), lines.into_iter()), ip("203.0.113.7"));
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let trusted = proxies("10.0.0.0/8");
        assert_eq!(trusted.client(ip("198.51.100.9"), ["1.2.3.4"].into_iter()), ip("198.51.100.9"));
        assert_eq!(proxies("").client(ip("127.0.0.1"), ["1.2.3.4"].into_iter()), ip("127.0.0.1"));
    }

    #[test]
    fn a_garbled_entry_leaves_the_nearest_known_address() {
        let trusted = proxies("10.0.0.0/8");
        assert_eq!(trusted.client(ip("10.0.0.1"), ["evil, unknown"].into_iter()), ip("10.0.0.1"));
        assert_eq!(trusted.client(ip("10.0.0.1"), ["10.0.0.9"].into_iter()), ip("10.0.0.9"), "all trusted");
    }

    #[test]
    fn the_standard_forwarded_header_is_read_the_same_way() {
        let trusted = TrustedProxies::parse("10.0.0.0/8", ForwardedHeader::Forwarded).unwrap();
        let header = [r#"for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https, For=10.0.0.3;by=10.0.0.1"#];
        assert_eq!(trusted.client(ip("10.0.0.1"), header.into_iter()), ip("2001:db8:cafe::17"));
        assert_eq!(trusted.client(ip("10.0.0.1"), ["for=_hidden"].into_iter()), ip("10.0.0.1"));
        assert_eq!(trusted.client(ip("10.0.0.1"), [r#"for="203.0.113.7:80""#].into_iter()), ip("203.0.113.7"));
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            /// Whatever a client puts at the left of the header, the address the trusted proxy
            /// appended is the one taken.
            #[test]
            fn the_client_cannot_choose_its_address(forged in proptest::collection::vec(any::<[u8; 4]>(), 0..6), real in any::<[u8; 4]>()) {
                prop_assume!(real[0] != 10);
                let trusted = proxies("10.0.0.0/8");
                let mut entries: Vec<String> = forged.iter().map(|b| IpAddr::from(*b).to_string()).collect();
                entries.push(IpAddr::from(real).to_string());
                let header = entries.join(", ");
                prop_assert_eq!(trusted.client(ip("10.1.1.1"), [header.as_str()].into_iter()), IpAddr::from(real));
            }
        }
    }
}
