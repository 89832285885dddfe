//! [`HttpClient`] on the Worker's `fetch`, for the email API, the card payment
//! provider and the email marketing provider.

use wasm_bindgen::JsValue;
use worker::send::SendFuture;
use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::mail::BoxFuture;
use crate::payment::http::{HttpClient, HttpError, HttpMethod, HttpRequest, HttpResponse};

/// Sends requests with the Workers runtime's `fetch`. Workers bound a request's
/// time by the invocation's own limits, so there is no timeout of its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchClient;

impl HttpClient for FetchClient {
    fn send<'a>(&'a self, request: &'a HttpRequest) -> BoxFuture<'a, Result<HttpResponse, HttpError>> {
        // `fetch`'s futures hold JavaScript values and are not `Send`. `SendFuture`
        // is sound here because an isolate runs on one thread.
        Box::pin(SendFuture::new(async move {
            let failed = |reason: String| HttpError {
                url: request.url.clone(),
                reason,
            };
            let headers = Headers::new();
            for (name, value) in &request.headers {
                headers
                    .set(name, value)
                    .map_err(|error| failed(format!("header `{name}` is invalid: {error}")))?;
            }
            let mut init = RequestInit::new();
            init.with_method(method(request.method)).with_headers(headers);
            if !request.body.is_empty() {
                let body = js_sys::Uint8Array::from(request.body.as_slice());
                init.with_body(Some(JsValue::from(body)));
            }
            let outgoing =
                Request::new_with_init(&request.url, &init).map_err(|error| failed(error.to_string()))?;
            let mut response = Fetch::Request(outgoing)
                .send()
                .await
                .map_err(|error| failed(error.to_string()))?;
            let status = response.status_code();
            let body = response
                .bytes()
                .await
                .map_err(|error| failed(error.to_string()))?;
            Ok(HttpResponse { status, body })
        }))
    }
}

fn method(method: HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::Get,
        HttpMethod::Post => Method::Post,
        HttpMethod::Put => Method::Put,
        HttpMethod::Delete => Method::Delete,
    }
}
