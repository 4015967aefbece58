//! Where browsers reach the console, and the checks that depend on it: the
//! `Origin` a console request must come from, and whether the console is
//! served over https (then its cookie is `__Host-` and `Secure`).
//!
//! Behind a proxy the `Host` the server sees may be rewritten, so with
//! `public_url` set the origin is that URL's; without it, the origin is the
//! `Host` the request was sent to, as before.

use std::fmt;

use axum::http::{HeaderMap, header};

/// A configured public URL, reduced to its origin (`scheme://host[:port]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// Lower-cased, without a default port.
    origin: String,
    https: bool,
}

impl PublicUrl {
    /// Parses `https://help.example.com` (a trailing `/` is allowed; no
    /// path, query, fragment or user info).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (scheme, rest) = text
            .split_once("://")
            .ok_or("expected a URL such as https://help.example.com")?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err("the scheme must be https or http".into()),
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest).to_ascii_lowercase();
        if authority.is_empty() {
            return Err("the URL has no host".into());
        }
        if authority
            .chars()
            .any(|c| matches!(c, '/' | '?' | '#' | '@') || c.is_whitespace() || c.is_control())
        {
            return Err("only scheme, host and port: no path, query or user".into());
        }
        let (host, port) = match authority.rsplit_once(':') {
            // `[::1]` alone has colons but no port after the bracket.
            Some((host, port)) if !port.contains(']') => (host, Some(port)),
            _ => (authority.as_str(), None),
        };
        if host.is_empty() {
            return Err("the URL has no host".into());
        }
        let port = match port {
            Some(port) => Some(
                port.parse::<u16>()
                    .map_err(|_| format!("bad port {port:?}"))?,
            ),
            None => None,
        };
        let (scheme, default_port) = if https { ("https", 443) } else { ("http", 80) };
        let origin = match port {
            Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
            _ => format!("{scheme}://{host}"),
        };
        Ok(Self { origin, https })
    }

    /// `scheme://host[:port]`, as browsers send it in `Origin`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Whether browsers reach the console over https.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The absolute link to `path` (which starts with `/`) on the console,
    /// for what is read away from the console: emails, webhooks, other
    /// systems' APIs.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)
    }
}

/// Whether the request's `Origin` is the console's own: the public URL's
/// when one is configured, else the `Host` the request came to. `None` when
/// the request carries no `Origin`.
pub fn same_origin(public_url: Option<&PublicUrl>, headers: &HeaderMap) -> Option<bool> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    if let Some(public_url) = public_url {
        return Some(origin.eq_ignore_ascii_case(public_url.origin()));
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    Some(host.is_some_and(|host| {
        origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
    }))
}

/// Where the browser that sent `headers` reaches the console
/// (`scheme://host[:port]`): the public URL when configured, else the
/// request's `Host`, over https when a TLS-terminating proxy says so. The one
/// rule for every link the server writes while answering a request (such as
/// the server URL a new deployment file proposes); `None` without a `Host`.
pub fn request_origin(public_url: Option<&PublicUrl>, headers: &HeaderMap) -> Option<String> {
    if let Some(public_url) = public_url {
        return Some(public_url.origin().to_owned());
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let scheme = if served_over_https(None, headers) {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{host}"))
}

/// Why a console request was refused for its `Origin`, in words an operator
/// can act on, when the refusal looks like a proxy's doing rather than
/// another site's: `public_url` is not set and the request carries a proxy's
/// forwarding headers, so the `Host` the server sees may be the proxy's
/// rewrite of the one the browser used.
pub fn proxy_origin_hint(public_url: Option<&PublicUrl>, headers: &HeaderMap) -> Option<String> {
    if public_url.is_some() {
        return None;
    }
    let forwarded = ["x-forwarded-for", "x-forwarded-proto", "forwarded"]
        .iter()
        .any(|name| headers.contains_key(*name));
    if !forwarded {
        return None;
    }
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("(none)");
    Some(format!(
        "a console request came through a proxy from origin {origin:?} but with Host {host:?}: \
         if browsers reach the console at {origin}, set public_url = {origin:?} \
         (LIFELINE_PUBLIC_URL), or make the proxy pass the browser's Host on"
    ))
}

/// Whether the console is served over https: the public URL says so, or a
/// TLS-terminating proxy sends `X-Forwarded-Proto: https`.
pub fn served_over_https(public_url: Option<&PublicUrl>, headers: &HeaderMap) -> bool {
    public_url.is_some_and(PublicUrl::is_https)
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn public_urls_reduce_to_their_origin() {
        let url = PublicUrl::parse("HTTPS://Help.Example.com:443/").expect("valid");
        assert_eq!(url.origin(), "https://help.example.com");
        assert!(url.is_https());
        let url = PublicUrl::parse("http://10.0.0.5:8080").expect("valid");
        assert_eq!(url.origin(), "http://10.0.0.5:8080");
        assert!(!url.is_https());
        assert_eq!(
            PublicUrl::parse("https://[::1]").expect("valid").origin(),
            "https://[::1]"
        );
        for bad in [
            "help.example.com",
            "ftp://help.example.com",
            "https://",
            "https://help.example.com/console",
            "https://user@help.example.com",
            "https://help.example.com:99999",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_origin_is_the_public_url_when_set_else_the_host() {
        let public = PublicUrl::parse("https://help.example.com").expect("valid");
        let behind_proxy = headers(&[
            ("origin", "https://help.example.com"),
            ("host", "127.0.0.1:8080"),
        ]);
        assert_eq!(same_origin(Some(&public), &behind_proxy), Some(true));
        assert_eq!(same_origin(None, &behind_proxy), Some(false));
        let spoofed_host = headers(&[("origin", "https://evil.example"), ("host", "evil.example")]);
        assert_eq!(same_origin(Some(&public), &spoofed_host), Some(false));
        assert_eq!(same_origin(None, &spoofed_host), Some(true));
        assert_eq!(same_origin(Some(&public), &headers(&[])), None);
    }

    #[test]
    fn links_use_the_public_url_else_the_host_and_forwarded_scheme() {
        let public = PublicUrl::parse("https://help.example.com/").expect("valid");
        assert_eq!(public.link("/cases/1"), "https://help.example.com/cases/1");
        let rewritten = headers(&[("host", "127.0.0.1:8080")]);
        assert_eq!(
            request_origin(Some(&public), &rewritten).as_deref(),
            Some("https://help.example.com")
        );
        assert_eq!(
            request_origin(None, &rewritten).as_deref(),
            Some("http://127.0.0.1:8080")
        );
        let tls_proxy = headers(&[("host", "help.example.com"), ("x-forwarded-proto", "https")]);
        assert_eq!(
            request_origin(None, &tls_proxy).as_deref(),
            Some("https://help.example.com")
        );
        assert_eq!(request_origin(None, &headers(&[])), None);
    }

    #[test]
    fn a_refused_origin_gets_a_hint_only_when_a_proxy_without_public_url_is_likely() {
        let through_proxy = headers(&[
            ("origin", "https://help.example.com"),
            ("host", "lifeline"),
            ("x-forwarded-for", "192.0.2.7"),
        ]);
        let hint = proxy_origin_hint(None, &through_proxy).expect("a hint");
        assert!(
            hint.contains("public_url = \"https://help.example.com\""),
            "{hint}"
        );
        let public = PublicUrl::parse("https://help.example.com").expect("valid");
        assert_eq!(proxy_origin_hint(Some(&public), &through_proxy), None);
        let direct = headers(&[("origin", "https://evil.example"), ("host", "lifeline")]);
        assert_eq!(proxy_origin_hint(None, &direct), None);
    }

    #[test]
    fn https_is_known_from_the_public_url_or_the_proxy() {
        let public = PublicUrl::parse("https://help.example.com").expect("valid");
        assert!(served_over_https(Some(&public), &headers(&[])));
        assert!(!served_over_https(None, &headers(&[])));
        assert!(served_over_https(
            None,
            &headers(&[("x-forwarded-proto", "https")])
        ));
    }
}
