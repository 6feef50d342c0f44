//! Checks every request gets before routing, and what every response gets on its way out:
//! trusted hosts, input the datastore cannot hold, the auth token of a JSON body, HTTPS
//! detection (`Secure` cookies, HSTS).
//!
//! Rocket's request fairings cannot answer a request themselves; a refused request is
//! re-routed to [`refused`], which answers 400 before any handler or guard of the application
//! runs.

use rocket::data::Data;
use rocket::http::uri::Origin;
use rocket::http::{Header, Method};
use rocket::request::Request;
use rocket::Response;

use crate::config::{is_release, SecurityConfig};

/// Path the refused requests are re-routed to.
const REFUSED_PATH: &str = "/__rocket_security/refused";

/// How much of a JSON body is searched for the auth token: Rocket's peek buffer, read
/// without consuming the body (the handler still reads all of it).
const PEEK_LIMIT: usize = 512;

/// Why a request was refused before routing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// `Host` (or a trusted `X-Forwarded-Host`) is not in `trusted_hosts`.
    UntrustedHost,
    /// The path, the query or a cookie carries a NUL byte (no text column can hold one).
    MalformedInput,
}

impl Refusal {
    fn message(self) -> &'static str {
        match self {
            Refusal::UntrustedHost => "The request's host is not served here.",
            Refusal::MalformedInput => {
                "The request contains a NUL character, which is not allowed."
            }
        }
    }
}

/// Request-local: the refusal of this request, if any.
#[derive(Default)]
struct Refused(std::sync::OnceLock<Refusal>);

/// Request-local: the auth token found in the JSON body.
#[derive(Default)]
struct BodyToken(std::sync::OnceLock<String>);

/// Runs the checks of one request before routing (the fairing's `on_request`).
pub(crate) async fn on_request(
    config: &SecurityConfig,
    request: &mut Request<'_>,
    data: &mut Data<'_>,
) {
    if let Some(refusal) = refusal(config, request) {
        let _ = request.local_cache(Refused::default).0.set(refusal);
        request.set_method(Method::Get);
        request.set_uri(Origin::parse(REFUSED_PATH).expect("a valid static path"));
        return;
    }
    let Some(key) = config.token_authentication_key.as_deref() else {
        return;
    };
    if request.content_type().is_some_and(|ct| ct.is_json()) {
        let prefix = data.peek(PEEK_LIMIT).await;
        if let Some(token) = json_string_member(prefix, key).filter(|t| !t.is_empty()) {
            let _ = request.local_cache(BodyToken::default).0.set(token);
        }
    }
}

/// The auth token of the request's JSON body (`token_authentication_key`), if one was found.
pub(crate) fn body_token(request: &Request<'_>) -> Option<String> {
    request.local_cache(BodyToken::default).0.get().cloned()
}

/// The refusal of the request, as a request guard for [`refused`].
pub(crate) struct RefusalOf(Refusal);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for RefusalOf {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> rocket::request::Outcome<Self, Self::Error> {
        let refusal = request.local_cache(Refused::default).0.get().copied();
        rocket::request::Outcome::Success(RefusalOf(refusal.unwrap_or(Refusal::MalformedInput)))
    }
}

/// Answers a request refused before routing: 400, through the catcher (JSON envelope or
/// error page).
#[rocket::get("/__rocket_security/refused")]
pub(crate) fn refused(refusal: RefusalOf) -> rocket::http::Status {
    tracing::info!("request refused: {}", refusal.0.message());
    rocket::http::Status::BadRequest
}

fn refusal(config: &SecurityConfig, request: &Request<'_>) -> Option<Refusal> {
    if !config.trusted_hosts.is_empty() && !host_trusted(config, request) {
        return Some(Refusal::UntrustedHost);
    }
    let uri = request.uri();
    let path_bad = uri
        .path()
        .segments()
        .any(|segment| segment.contains('\u{0}'));
    let query_bad = uri.query().is_some_and(|query| {
        query.as_str().split('&').any(|pair| {
            rocket::http::RawStr::new(pair)
                .url_decode_lossy()
                .contains('\u{0}')
        })
    });
    let cookie_bad = request
        .cookies()
        .iter()
        .any(|c| c.value().contains('\u{0}'));
    (path_bad || query_bad || cookie_bad).then_some(Refusal::MalformedInput)
}

fn host_trusted(config: &SecurityConfig, request: &Request<'_>) -> bool {
    // HTTP/2's `:authority` (Rocket's `host()`), else the `Host` header.
    let host = request
        .host()
        .map(|host| host.to_string())
        .or_else(|| request.headers().get_one("Host").map(str::to_owned));
    let mut hosts = vec![host];
    if config.trust_forwarded_headers {
        if let Some(forwarded) = request.headers().get_one("X-Forwarded-Host") {
            hosts.push(Some(forwarded.to_owned()));
        }
    }
    hosts.into_iter().all(|host| {
        let Some(host) = host.as_deref().map(str::trim).filter(|h| !h.is_empty()) else {
            return false;
        };
        let name = strip_port(host);
        config
            .trusted_hosts
            .iter()
            .any(|t| t.eq_ignore_ascii_case(host) || t.eq_ignore_ascii_case(name))
    })
}

/// `example.com:8443` → `example.com`; `[::1]:8000` → `[::1]`.
fn strip_port(host: &str) -> &str {
    match host.rfind(':') {
        Some(at)
            if !host[at..].contains(']') && host[at + 1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            &host[..at]
        }
        _ => host,
    }
}

/// Whether the request reached the site over HTTPS: Rocket's own TLS, or a TLS-terminating
/// proxy's `X-Forwarded-Proto: https` when `trust_forwarded_headers` is set.
pub(crate) fn is_https(config: &SecurityConfig, request: &Request<'_>) -> bool {
    request.rocket().config().tls_enabled()
        || (config.trust_forwarded_headers
            && request
                .headers()
                .get_one("X-Forwarded-Proto")
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https")))
}

/// Adds `Strict-Transport-Security` (the `hsts` setting) to a response served over HTTPS.
pub(crate) fn add_hsts(
    config: &SecurityConfig,
    request: &Request<'_>,
    response: &mut Response<'_>,
) {
    if let Some(hsts) = config.hsts.as_deref().filter(|v| !v.is_empty()) {
        if is_https(config, request) {
            response.set_header(Header::new("Strict-Transport-Security", hsts.to_owned()));
        }
    }
}

/// The value of the string member `key` of the JSON object that `prefix` starts, when the
/// member lies wholly within `prefix` (the body may go on). Nested values are skipped.
pub(crate) fn json_string_member(prefix: &[u8], key: &str) -> Option<String> {
    let mut scan = Scanner {
        text: prefix,
        at: 0,
    };
    scan.skip_space();
    scan.expect(b'{')?;
    loop {
        scan.skip_space();
        if scan.peek()? == b'}' {
            return None;
        }
        let name = scan.string()?;
        scan.skip_space();
        scan.expect(b':')?;
        scan.skip_space();
        if scan.peek()? == b'"' {
            let value = scan.string()?;
            if name == key {
                return Some(value);
            }
        } else {
            scan.skip_value()?;
        }
        scan.skip_space();
        match scan.peek()? {
            b',' => scan.at += 1,
            _ => return None,
        }
    }
}

struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A whole string literal, decoded by serde_json.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.expect(b'"')?;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    break;
                }
                _ => self.at += 1,
            }
        }
        serde_json::from_slice(self.text.get(start..self.at)?).ok()
    }

    /// Skips a number, literal, array or object (strings inside are respected).
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.string()?;
                    if depth == 0 {
                        return Some(());
                    }
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth == 0 => return Some(()),
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.at += 1;
                        return Some(());
                    }
                }
                b',' if depth == 0 => return Some(()),
                _ => {}
            }
            self.at += 1;
        }
    }
}

/// The site's base URL: `server_name` (required in release, where it also makes cookies
/// `Secure` by default when it is `https://`), else `http://<address>:<port>` of Rocket's
/// configuration.
pub(crate) fn site_url(
    figment: &rocket::figment::Figment,
    config: &mut SecurityConfig,
) -> Result<String, String> {
    if let Some(server) = &config.server_name {
        let server = server.trim_end_matches('/').to_owned();
        if is_release(figment)
            && config.cookie_secure.is_none()
            && config.session_cookie_secure.is_none()
        {
            config.cookie_secure = Some(server.starts_with("https://"));
        }
        return Ok(server);
    }
    if is_release(figment) {
        return Err(
            "`security.server_name` must be set in release: the public base URL of the \
                    site, for example \"https://app.example.com\"; mailed links are built \
                    from it"
                .into(),
        );
    }
    let defaults = rocket::Config::default();
    let address: std::net::IpAddr = figment
        .extract_inner(rocket::Config::ADDRESS)
        .unwrap_or(defaults.address);
    let port: u16 = figment
        .extract_inner(rocket::Config::PORT)
        .unwrap_or(defaults.port);
    Ok(match address {
        std::net::IpAddr::V6(address) => format!("http://[{address}]:{port}"),
        address => format!("http://{address}:{port}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_token_in_a_json_prefix() {
        let find = |text: &str| json_string_member(text.as_bytes(), "auth_token");
        assert_eq!(find(r#"{"auth_token": "abc"}"#).as_deref(), Some("abc"));
        assert_eq!(
            find(r#" { "a": [1, {"auth_token": "no"}], "b": "x\"y", "auth_token":"t\u0041"}"#)
                .as_deref(),
            Some("tA")
        );
        assert_eq!(
            find(r#"{"n": 1.5, "t": true, "auth_token": "z", "#).as_deref(),
            Some("z")
        );
        assert_eq!(find(r#"{"auth_token": "cut off"#), None);
        assert_eq!(find(r#"{"auth_token": 5}"#), None);
        assert_eq!(find(r#"["auth_token", "x"]"#), None);
        assert_eq!(find("{}"), None);
        assert_eq!(find(""), None);
    }

    #[test]
    fn ports_are_stripped_from_hosts() {
        assert_eq!(strip_port("example.com:8443"), "example.com");
        assert_eq!(strip_port("example.com"), "example.com");
        assert_eq!(strip_port("[::1]:80"), "[::1]");
        assert_eq!(strip_port("[::1]"), "[::1]");
    }
}
