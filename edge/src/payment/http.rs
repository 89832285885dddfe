//! The outgoing HTTP seam of payment and email marketing providers: a request goes
//! out as method, URL, headers and body, and comes back as status and body.
//!
//! The native host uses [`ReqwestClient`]; the Worker plugs its `fetch` in by
//! implementing [`HttpClient`], so provider code stays the same on both hosts.

use std::fmt;

use crate::mail::BoxFuture;

/// HTTP methods the providers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

impl HttpMethod {
    /// The method as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// An outgoing request.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Method.
    pub method: HttpMethod,
    /// Absolute URL.
    pub url: String,
    /// Header names and values, in order. Values may hold credentials.
    pub headers: Vec<(String, String)>,
    /// Body bytes, empty for none.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first value of header `name`, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Prints header names only: values such as `Authorization` carry secrets, and
/// bodies carry customer data.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A response: any status, success or not, is a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// The request got no response: connection refused, TLS failure, timeout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the HTTP request to {url} failed: {reason}")]
pub struct HttpError {
    /// URL of the request.
    pub url: String,
    /// What failed.
    pub reason: String,
}

/// Sends HTTP requests.
pub trait HttpClient: Send + Sync {
    /// Sends `request` and returns the response, whatever its status.
    fn send<'a>(&'a self, request: &'a HttpRequest) -> BoxFuture<'a, Result<HttpResponse, HttpError>>;
}

#[cfg(feature = "native")]
pub use native::ReqwestClient;

#[cfg(feature = "native")]
mod native {
    use std::time::Duration;

    use super::{BoxFuture, HttpClient, HttpError, HttpMethod, HttpRequest, HttpResponse};

    /// [`HttpClient`] of the native host, on `reqwest` with rustls and the Mozilla
    /// root certificates (webpki-roots), so it does not depend on the system's store.
    #[derive(Debug, Clone)]
    pub struct ReqwestClient {
        client: reqwest::Client,
    }

    impl ReqwestClient {
        /// Builds a client whose requests give up after `timeout`, connection included.
        pub fn new(timeout: Duration) -> Result<Self, HttpError> {
            let client = reqwest::Client::builder()
                .timeout(timeout)
                .user_agent(concat!("comptoir/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|error| HttpError {
                    url: String::new(),
                    reason: format!("could not build the HTTP client: {error}"),
                })?;
            Ok(ReqwestClient { client })
        }
    }

    impl HttpClient for ReqwestClient {
        fn send<'a>(&'a self, request: &'a HttpRequest) -> BoxFuture<'a, Result<HttpResponse, HttpError>> {
            Box::pin(async move {
                let failed = |error: reqwest::Error| HttpError {
                    url: request.url.clone(),
                    // `without_url` keeps query strings out of the message.
                    reason: error.without_url().to_string(),
                };
                let method = match request.method {
                    HttpMethod::Get => reqwest::Method::GET,
                    HttpMethod::Post => reqwest::Method::POST,
                    HttpMethod::Put => reqwest::Method::PUT,
                    HttpMethod::Delete => reqwest::Method::DELETE,
                };
                let mut builder = self.client.request(method, &request.url);
                for (name, value) in &request.headers {
                    builder = builder.header(name, value);
                }
                let response = builder.body(request.body.clone()).send().await.map_err(failed)?;
                let status = response.status().as_u16();
                let body = response.bytes().await.map_err(failed)?;
                Ok(HttpResponse {
                    status,
                    body: body.to_vec(),
                })
            })
        }
    }
}
