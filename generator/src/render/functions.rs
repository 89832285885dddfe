//! The functions and filters templates call: `t`, `asset`, `url` and `money`.
//!
//! Tera functions see only their arguments, not the page's context, so each
//! (store, locale, currency) gets its own copy of the theme's compiled templates
//! with functions bound to that locale and currency. A store with two locales and
//! two currencies makes four copies; the templates are parsed only once.

use std::collections::HashMap;
use std::sync::Arc;

use commerce::{Currency, Locale, Money};
use tera::{Tera, Value};

use crate::assets::ThemeAssets;
use crate::theme::{Translator, fluent_args};

/// Values the functions of one (store, locale, currency) are bound to.
pub struct Bindings {
    /// Strings of the page's locale, with fallbacks.
    pub translator: Arc<Translator>,
    /// The theme's asset URLs.
    pub assets: Arc<ThemeAssets>,
    /// `/fr/` or `/fr/eur/`.
    pub prefix: String,
    /// The page's locale, for the `money` filter.
    pub locale: Locale,
    /// The page's currency, for `money` on a bare number.
    pub currency: Currency,
}

/// Copies `compiled` and binds `t`, `asset`, `url` and `money` to `bindings`.
pub fn bind(compiled: &Tera, bindings: Bindings) -> Tera {
    let mut tera = compiled.clone();
    let Bindings {
        translator,
        assets,
        prefix,
        locale,
        currency,
    } = bindings;

    tera.register_function("t", move |args: &HashMap<String, Value>| {
        let key = string_arg(args, "t", "key")?;
        let rest = args.iter().filter(|(name, _)| name.as_str() != "key");
        Ok(Value::String(translator.translate(key, &fluent_args(rest))))
    });

    tera.register_function("asset", move |args: &HashMap<String, Value>| {
        let path = string_arg(args, "asset", "path")?;
        let key = path.trim_start_matches('/');
        match assets.urls.get(key) {
            Some(url) => Ok(Value::String(url.clone())),
            None => {
                let mut known: Vec<&str> = assets.urls.keys().map(String::as_str).collect();
                known.sort_unstable();
                Err(tera::Error::msg(
                    crate::msg!("render-asset-unknown", path = path, known = known.join(", ")).to_string(),
                ))
            }
        }
    });

    tera.register_function("url", move |args: &HashMap<String, Value>| {
        let path = string_arg(args, "url", "path")?;
        let path = path.trim_start_matches('/');
        Ok(Value::String(format!("{prefix}{path}")))
    });

    tera.register_filter("money", move |value: &Value, _: &HashMap<String, Value>| {
        format_money(value, &locale, currency)
    });

    tera
}

fn string_arg<'a>(args: &'a HashMap<String, Value>, function: &str, name: &str) -> tera::Result<&'a str> {
    match args.get(name) {
        Some(Value::String(text)) => Ok(text),
        Some(other) => Err(tera::Error::msg(format!(
            "`{function}`: argument `{name}` must be a string, not `{other}`"
        ))),
        None => Err(tera::Error::msg(format!(
            "`{function}` needs a `{name}` argument: `{function}({name}=\"…\")`"
        ))),
    }
}

/// Formats a money object `{amount, currency}` (or a bare number of minor units in
/// the page's currency) for the page's locale. `null` becomes an empty string, so
/// a product without a price in this store prints nothing.
fn format_money(value: &Value, locale: &Locale, page_currency: Currency) -> tera::Result<Value> {
    let (amount, currency) = match value {
        Value::Null => return Ok(Value::String(String::new())),
        Value::Number(number) => (number.as_i64(), page_currency),
        Value::Object(object) => {
            let currency = match object.get("currency") {
                Some(Value::String(code)) => Currency::parse(code).map_err(tera::Error::msg)?,
                _ => page_currency,
            };
            (object.get("amount").and_then(Value::as_i64), currency)
        }
        _ => (None, page_currency),
    };
    let amount = amount.ok_or_else(|| {
        tera::Error::msg(format!(
            "`money` expects a money object {{amount, currency}} or a whole number of minor units, not `{value}`"
        ))
    })?;
    Ok(Value::String(Money::new(amount, currency).format(locale)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn money_formats_objects_numbers_and_null() {
        let fr = Locale::parse("fr").expect("locale");
        let chf = Currency::parse("CHF").expect("currency");
        let object = json!({"amount": 2490, "currency": "EUR", "formatted": "ignored"});
        assert_eq!(
            format_money(&object, &fr, chf).expect("valid"),
            json!("24,90\u{A0}€")
        );
        assert_eq!(
            format_money(&json!(500), &fr, chf).expect("valid"),
            json!("5,00\u{A0}CHF")
        );
        assert_eq!(format_money(&Value::Null, &fr, chf).expect("valid"), json!(""));
        assert!(format_money(&json!("24.90"), &fr, chf).is_err());
    }
}
