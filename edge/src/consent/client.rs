//! What a consent record keeps about the visitor's device: the network of the IP
//! address (IPv4 /24, IPv6 /48) and the browser family. The full address is never
//! stored, logged or printed.

use std::convert::Infallible;
use std::fmt;
#[cfg(feature = "native")]
use std::net::SocketAddr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use axum::extract::FromRequestParts;
#[cfg(feature = "native")]
use axum::extract::Request;
#[cfg(feature = "native")]
use axum::extract::connect_info::ConnectInfo;
use axum::http::header;
use axum::http::request::Parts;
#[cfg(feature = "native")]
use axum::middleware::Next;
#[cfg(feature = "native")]
use axum::response::Response;

/// The visitor's IP address, as the host saw it. Hosts insert it as a request
/// extension: the native host from the TCP connection (see
/// [`client_ip_from_connect_info`]), the Worker from `CF-Connecting-IP`. Without it
/// records store no network.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Prints the truncated network only, so the address cannot reach a log by mistake.
impl fmt::Debug for ClientIp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientIp({})", ip_network(self.0))
    }
}

/// Middleware of the native host: sets [`ClientIp`] from axum's `ConnectInfo`
/// when the server was started with `into_make_service_with_connect_info`, unless
/// the host already set it.
#[cfg(feature = "native")]
pub async fn client_ip_from_connect_info(mut request: Request, next: Next) -> Response {
    if request.extensions().get::<ClientIp>().is_none()
        && let Some(ConnectInfo(address)) = request.extensions().get::<ConnectInfo<SocketAddr>>()
    {
        let ip = ClientIp(address.ip());
        request.extensions_mut().insert(ip);
    }
    next.run(request).await
}

/// The network an address belongs to, in CIDR notation: IPv4 to /24 (last octet
/// zeroed), IPv6 to /48. An IPv4 address mapped into IPv6 (`::ffff:a.b.c.d`) is
/// treated as IPv4.
pub fn ip_network(ip: IpAddr) -> String {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{}/24", Ipv4Addr::new(a, b, c, 0))
        }
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            let network = Ipv6Addr::new(segments[0], segments[1], segments[2], 0, 0, 0, 0, 0);
            format!("{network}/48")
        }
    }
}

/// The browser family of a `User-Agent`, the only part of it a record keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAgentFamily {
    /// Chrome and Chromium.
    Chrome,
    /// Firefox.
    Firefox,
    /// Safari.
    Safari,
    /// Microsoft Edge.
    Edge,
    /// Anything else, or no header.
    Other,
}

impl UserAgentFamily {
    /// Classifies a `User-Agent` header. The order matters: Edge's header also names
    /// Chrome and Safari, and Chrome's names Safari; Opera and Samsung Internet name
    /// Chrome too but are other browsers.
    pub fn of(user_agent: &str) -> UserAgentFamily {
        let has = |token: &str| user_agent.contains(token);
        if has("Edg/") || has("Edge/") || has("EdgA/") || has("EdgiOS/") {
            UserAgentFamily::Edge
        } else if has("OPR/") || has("Opera") || has("SamsungBrowser/") {
            UserAgentFamily::Other
        } else if has("Firefox/") || has("FxiOS/") {
            UserAgentFamily::Firefox
        } else if has("Chrome/") || has("Chromium/") || has("CriOS/") {
            UserAgentFamily::Chrome
        } else if has("Safari/") {
            UserAgentFamily::Safari
        } else {
            UserAgentFamily::Other
        }
    }

    /// The family as stored: `Chrome`, `Firefox`, `Safari`, `Edge` or `Other`.
    pub fn as_str(self) -> &'static str {
        match self {
            UserAgentFamily::Chrome => "Chrome",
            UserAgentFamily::Firefox => "Firefox",
            UserAgentFamily::Safari => "Safari",
            UserAgentFamily::Edge => "Edge",
            UserAgentFamily::Other => "Other",
        }
    }
}

/// The device facts of a request that a consent record keeps, as an extractor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientContext {
    /// The truncated network of the address, when the host gave one.
    pub ip_network: Option<String>,
    /// The browser family.
    pub user_agent_family: UserAgentFamily,
}

impl<S: Send + Sync> FromRequestParts<S> for ClientContext {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let ip_network = parts.extensions.get::<ClientIp>().map(|ip| ip_network(ip.0));
        let user_agent_family = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map_or(UserAgentFamily::Other, UserAgentFamily::of);
        Ok(ClientContext {
            ip_network,
            user_agent_family,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(text: &str) -> String {
        ip_network(text.parse().expect("an IP address"))
    }

    #[test]
    fn ipv4_keeps_24_bits() {
        assert_eq!(network("203.0.113.77"), "203.0.113.0/24");
        assert_eq!(network("10.1.2.255"), "10.1.2.0/24");
    }

    #[test]
    fn ipv6_keeps_48_bits() {
        assert_eq!(
            network("2001:db8:85a3:8d3:1319:8a2e:370:7348"),
            "2001:db8:85a3::/48"
        );
        assert_eq!(network("::1"), "::/48");
    }

    #[test]
    fn mapped_ipv4_is_ipv4() {
        assert_eq!(network("::ffff:198.51.100.23"), "198.51.100.0/24");
    }

    #[test]
    fn debug_hides_address() {
        let ip = ClientIp("203.0.113.77".parse().expect("ip"));
        assert_eq!(format!("{ip:?}"), "ClientIp(203.0.113.0/24)");
    }

    #[test]
    fn user_agent_families() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
                UserAgentFamily::Edge,
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
                UserAgentFamily::Chrome,
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
                UserAgentFamily::Chrome,
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
                UserAgentFamily::Safari,
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
                UserAgentFamily::Firefox,
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
                UserAgentFamily::Firefox,
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
                UserAgentFamily::Other,
            ),
            ("curl/8.5.0", UserAgentFamily::Other),
            ("", UserAgentFamily::Other),
        ];
        for (header, family) in cases {
            assert_eq!(UserAgentFamily::of(header), family, "{header}");
        }
    }
}
