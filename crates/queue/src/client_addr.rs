//! The client's address: the TCP peer, or behind a trusted proxy the address
//! the proxy reports in `X-Forwarded-For` (else `Forwarded`). Resolved once
//! per request by [`resolve_client`], so rate limits, the sign-in guard and
//! the request's span all use the same address.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr as _;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use ipnet::IpNet;

use crate::api_error::ApiError;

/// The address ranges of proxies whose forwarding headers are believed.
/// Empty (the default) believes none: the TCP peer is the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses ranges such as `10.0.0.0/8` or `::1/128`; a bare address is a
    /// range of one.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut ranges = Vec::new();
        for entry in entries {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let range = IpNet::from_str(entry)
                .or_else(|_| IpAddr::from_str(entry).map(IpNet::from))
                .map_err(|_| {
                    format!("{entry:?} is not an address range, e.g. 10.0.0.0/8 or ::1/128")
                })?;
            ranges.push(range.trunc());
        }
        Ok(Self(ranges))
    }

    /// Whether no proxy is trusted (the server faces its clients directly).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(&ip))
    }
}

/// The key an address is counted under by limits and the sign-in guard: an
/// IPv6 client usually holds a whole /64, and per-address counts would give
/// it 2^64 budgets.
pub fn rate_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(Ipv6Addr::from(network))
        }
    }
}

/// Where a request comes from, as far as this server can trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(IpAddr);

impl ClientAddr {
    /// The client's address.
    pub fn ip(self) -> IpAddr {
        self.0
    }

    /// The key its rate limits are counted under: see [`rate_key`].
    pub fn rate_key(self) -> IpAddr {
        rate_key(self.0)
    }

    /// The client of a request that reached us from `peer` with `headers`.
    pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> Self {
        let peer = peer.to_canonical();
        if !trusted.contains(peer) {
            return Self(peer);
        }
        // Each proxy appends the address it got the request from; walking
        // from the right, the first hop not in our proxy ranges is the
        // client. Anything further left was written by the client itself.
        let mut client = peer;
        for hop in forwarded_hops(headers).into_iter().rev() {
            let Some(hop) = hop else {
                // An obfuscated or garbled hop: keep the last address we trust.
                break;
            };
            client = hop;
            if !trusted.contains(hop) {
                break;
            }
        }
        Self(client)
    }
}

impl fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Self>()
            .copied()
            .ok_or_else(|| ApiError::internal("the client address was not resolved"))
    }
}

/// Resolves the client's address and records it on the request for the
/// extractor and the request's span.
pub async fn resolve_client(
    State(trusted): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    else {
        return ApiError::internal("no peer address on the request").into_response();
    };
    let client = ClientAddr::resolve(peer.ip(), request.headers(), &trusted);
    request.extensions_mut().insert(client);
    next.run(request).await
}

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The hops a proxy chain reports, left (first) to right (nearest), from
/// `X-Forwarded-For` when present, else from the `for=` of `Forwarded`.
/// `None` for a hop that is not an address (`unknown`, `_hidden`, garbage).
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let lines = |name| {
        headers
            .get_all(name)
            .iter()
            .map(|value| value.to_str().unwrap_or("garbled"))
            .collect::<Vec<_>>()
    };
    let x_forwarded_for = lines(X_FORWARDED_FOR);
    if !x_forwarded_for.is_empty() {
        return x_forwarded_for
            .iter()
            .flat_map(|line| line.split(','))
            .map(hop_address)
            .collect();
    }
    lines(axum::http::header::FORWARDED)
        .iter()
        .flat_map(|line| line.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| hop_address(value))
            })
        })
        .collect()
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`,
/// `2001:db8::1`, `"[2001:db8::1]:4711"`.
fn hop_address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = IpAddr::from_str(text) {
        return Some(ip.to_canonical());
    }
    if let Ok(socket) = SocketAddr::from_str(text) {
        return Some(socket.ip().to_canonical());
    }
    let bracketed = text.strip_prefix('[')?.split(']').next()?;
    IpAddr::from_str(bracketed).ok().map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    fn proxies(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(ranges.iter().copied()).expect("valid ranges")
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let a = ClientAddr(ip("2001:db8:1:2:aaaa::1"));
        let b = ClientAddr(ip("2001:db8:1:2:bbbb:cccc:dddd:eeee"));
        let other = ClientAddr(ip("2001:db8:1:3::1"));
        assert_eq!(a.rate_key(), b.rate_key(), "one /64, one key");
        assert_eq!(a.rate_key(), ip("2001:db8:1:2::"));
        assert_ne!(a.rate_key(), other.rate_key(), "another /64");
        let v4 = ClientAddr(ip("192.0.2.7"));
        assert_eq!(
            v4.rate_key(),
            ip("192.0.2.7"),
            "IPv4 is counted per address"
        );
    }

    #[test]
    fn forwarding_headers_count_only_from_a_trusted_proxy() {
        let spoofed = headers(&[("x-forwarded-for", "198.51.100.9")]);
        assert_eq!(
            ClientAddr::resolve(ip("203.0.113.5"), &spoofed, &proxies(&["10.0.0.0/8"])).ip(),
            ip("203.0.113.5"),
            "a peer outside the ranges is the client"
        );
        assert_eq!(
            ClientAddr::resolve(ip("10.1.2.3"), &spoofed, &TrustedProxies::default()).ip(),
            ip("10.1.2.3"),
            "no ranges configured: the peer is the client"
        );
        assert_eq!(
            ClientAddr::resolve(ip("10.1.2.3"), &spoofed, &proxies(&["10.0.0.0/8"])).ip(),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "::1"]);
        // The client wrote 1.1.1.1 itself; our proxies appended the rest.
        let chain = headers(&[
            ("x-forwarded-for", "1.1.1.1, 198.51.100.9"),
            ("x-forwarded-for", "10.0.0.2"),
        ]);
        assert_eq!(
            ClientAddr::resolve(ip("::1"), &chain, &trusted).ip(),
            ip("198.51.100.9")
        );
        let only_proxies = headers(&[("x-forwarded-for", "10.0.0.9, 10.0.0.2")]);
        assert_eq!(
            ClientAddr::resolve(ip("10.0.0.1"), &only_proxies, &trusted).ip(),
            ip("10.0.0.9")
        );
        let garbled = headers(&[("x-forwarded-for", "198.51.100.9, unknown")]);
        assert_eq!(
            ClientAddr::resolve(ip("10.0.0.1"), &garbled, &trusted).ip(),
            ip("10.0.0.1"),
            "an unreadable hop stops the walk at the last trusted address"
        );
    }

    #[test]
    fn forwarded_is_read_when_there_is_no_x_forwarded_for() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let forwarded = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=https, for=\"[2001:db8:cafe::17]:4711\";by=10.0.0.1",
        )]);
        assert_eq!(
            ClientAddr::resolve(ip("10.0.0.1"), &forwarded, &trusted).ip(),
            ip("2001:db8:cafe::17")
        );
        let mapped = headers(&[("forwarded", "for=\"::ffff:192.0.2.60\"")]);
        assert_eq!(
            ClientAddr::resolve(ip("::ffff:10.0.0.1"), &mapped, &trusted).ip(),
            ip("192.0.2.60"),
            "IPv4-mapped addresses are IPv4"
        );
    }

    #[test]
    fn ranges_parse_with_clear_errors() {
        assert!(TrustedProxies::parse(["10.0.0.0/8", " ::1/128 ", "192.0.2.1"]).is_ok());
        let error = TrustedProxies::parse(["10.0.0.0/33"]).expect_err("no such prefix");
        assert!(error.contains("10.0.0.0/33"), "{error}");
    }
}
