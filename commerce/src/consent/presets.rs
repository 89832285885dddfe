//! Known third-party services: the facts a merchant would otherwise copy from each
//! provider's documentation (who runs it, what it collects, its cookies, where the
//! data goes) and, for script services, the tag built from the service's settings.
//!
//! The facts are those the providers published as of 2025. GA4 and YouTube are run
//! by Google Ireland, with transfers to the United States. The Meta pixel is run by
//! Meta Platforms Ireland, also with transfers to the United States. Mailchimp is
//! run by Intuit in the United States, Mailjet and Brevo in France. A merchant overrides any of them in `site.toml`.

use super::{ServiceKind, ServiceSettings};

/// A setting a preset reads from its service table, such as `measurement_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresetSetting {
    /// A GA4 measurement id: `G-` then letters and digits.
    MeasurementId,
    /// The https URL of a self-hosted Matomo, such as `https://stats.example/`.
    Url,
    /// A Matomo site id: digits.
    SiteId,
    /// A Meta pixel id: digits.
    PixelId,
}

impl PresetSetting {
    /// Returns the key of the setting in a service table.
    pub fn key(self) -> &'static str {
        match self {
            PresetSetting::MeasurementId => "measurement_id",
            PresetSetting::Url => "url",
            PresetSetting::SiteId => "site_id",
            PresetSetting::PixelId => "pixel_id",
        }
    }

    /// Returns an example of a valid value, for messages.
    pub fn example(self) -> &'static str {
        match self {
            PresetSetting::MeasurementId => "G-ABC123XYZ9",
            PresetSetting::Url => "https://stats.example.fr/",
            PresetSetting::SiteId => "1",
            PresetSetting::PixelId => "123456789012345",
        }
    }

    /// Returns whether `value` is valid. The values end up inside JavaScript strings, so
    /// the rules also keep quotes, backslashes and `<` out of them.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            PresetSetting::MeasurementId => value.strip_prefix("G-").is_some_and(|rest| {
                rest.len() >= 4 && rest.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            }),
            PresetSetting::Url => {
                value
                    .strip_prefix("https://")
                    .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
                    && value.bytes().all(|b| {
                        b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'\\' | b'<' | b'>' | b'`')
                    })
            }
            PresetSetting::SiteId | PresetSetting::PixelId => {
                !value.is_empty() && value.len() <= 20 && value.bytes().all(|b| b.is_ascii_digit())
            }
        }
    }

    /// Returns the value the service table sets.
    pub fn value(self, service: &ServiceSettings) -> Option<&str> {
        let value = match self {
            PresetSetting::MeasurementId => &service.measurement_id,
            PresetSetting::Url => &service.url,
            PresetSetting::SiteId => &service.site_id,
            PresetSetting::PixelId => &service.pixel_id,
        };
        value.as_ref().map(|value| value.get_ref().as_str())
    }
}

/// Every setting a preset may read.
pub const ALL_SETTINGS: [PresetSetting; 4] = [
    PresetSetting::MeasurementId,
    PresetSetting::Url,
    PresetSetting::SiteId,
    PresetSetting::PixelId,
];

/// A text in French and English, the two languages every shop text exists in.
pub type FrEn = (&'static str, &'static str);

/// The facts of a known service.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// Preset id, as written in `preset = "…"`.
    pub id: &'static str,
    /// Service name shown to visitors.
    pub name: &'static str,
    /// Legal entity that runs it.
    pub provider: &'static str,
    /// Script, embed or neither.
    pub kind: ServiceKind,
    /// Data it collects.
    pub collects: FrEn,
    /// How long it keeps it.
    pub retention: FrEn,
    /// Countries outside the EU the data goes to (ISO 3166-1 alpha-2).
    pub transfers: &'static [&'static str],
    /// Cookies it sets on the shop's domain, `*` as a wildcard.
    pub cookies: &'static [&'static str],
    /// The provider's privacy policy.
    pub privacy_url: Option<&'static str>,
    /// Settings the preset needs.
    pub settings: &'static [PresetSetting],
}

/// Every preset, by id.
pub const PRESETS: [Preset; 7] = [
    Preset {
        id: "google-analytics-4",
        name: "Google Analytics 4",
        provider: "Google Ireland Limited",
        kind: ServiceKind::Script,
        collects: (
            "Pages vues, durée des visites, source des visites, type d'appareil et de navigateur, ville approximative, identifiant aléatoire du navigateur",
            "Pages viewed, visit duration, traffic source, device and browser type, approximate city, random browser identifier",
        ),
        retention: (
            "Cookies : 13 mois ; données de visite : 14 mois",
            "Cookies: 13 months; visit data: 14 months",
        ),
        transfers: &["US"],
        cookies: &["_ga", "_ga_*"],
        privacy_url: Some("https://policies.google.com/privacy"),
        settings: &[PresetSetting::MeasurementId],
    },
    Preset {
        id: "matomo",
        name: "Matomo",
        provider: "",
        kind: ServiceKind::Script,
        collects: (
            "Pages vues, durée des visites, site d'origine, type d'appareil et de navigateur, adresse IP tronquée, identifiant aléatoire du navigateur",
            "Pages viewed, visit duration, referring site, device and browser type, truncated IP address, random browser identifier",
        ),
        retention: (
            "Cookies : 13 mois ; statistiques : 25 mois",
            "Cookies: 13 months; statistics: 25 months",
        ),
        transfers: &[],
        cookies: &["_pk_id.*", "_pk_ses.*"],
        privacy_url: None,
        settings: &[PresetSetting::Url, PresetSetting::SiteId],
    },
    Preset {
        id: "meta-pixel",
        name: "Meta Pixel",
        provider: "Meta Platforms Ireland Limited",
        kind: ServiceKind::Script,
        collects: (
            "Pages vues, produits consultés et achetés, identifiant du navigateur, adresse IP, lien avec votre compte Facebook ou Instagram s'il existe",
            "Pages viewed, products viewed and bought, browser identifier, IP address, link with your Facebook or Instagram account if any",
        ),
        retention: ("Cookies : 90 jours", "Cookies: 90 days"),
        transfers: &["US"],
        cookies: &["_fbp", "_fbc"],
        privacy_url: Some("https://www.facebook.com/privacy/policy/"),
        settings: &[PresetSetting::PixelId],
    },
    Preset {
        id: "youtube",
        name: "YouTube",
        provider: "Google Ireland Limited",
        kind: ServiceKind::Embed,
        collects: (
            "Vidéos regardées, adresse IP, identifiant du navigateur, lien avec votre compte Google s'il existe",
            "Videos watched, IP address, browser identifier, link with your Google account if any",
        ),
        retention: ("Cookies : jusqu'à 6 mois", "Cookies: up to 6 months"),
        transfers: &["US"],
        cookies: &[],
        privacy_url: Some("https://policies.google.com/privacy"),
        settings: &[],
    },
    Preset {
        id: "mailchimp",
        name: "Mailchimp",
        provider: "Intuit Inc.",
        kind: ServiceKind::None,
        collects: (
            "Adresse e-mail, ouvertures et clics dans nos lettres d'information",
            "Email address, opens and clicks in our newsletters",
        ),
        retention: ("Jusqu'à votre désinscription", "Until you unsubscribe"),
        transfers: &["US"],
        cookies: &[],
        privacy_url: Some("https://www.intuit.com/privacy/statement/"),
        settings: &[],
    },
    Preset {
        id: "mailjet",
        name: "Mailjet",
        provider: "Mailjet SAS",
        kind: ServiceKind::None,
        collects: (
            "Adresse e-mail, ouvertures et clics dans nos lettres d'information",
            "Email address, opens and clicks in our newsletters",
        ),
        retention: ("Jusqu'à votre désinscription", "Until you unsubscribe"),
        transfers: &[],
        cookies: &[],
        privacy_url: Some("https://www.mailjet.com/legal/privacy-policy/"),
        settings: &[],
    },
    Preset {
        id: "brevo",
        name: "Brevo",
        provider: "Sendinblue SAS",
        kind: ServiceKind::None,
        collects: (
            "Adresse e-mail, ouvertures et clics dans nos lettres d'information",
            "Email address, opens and clicks in our newsletters",
        ),
        retention: ("Jusqu'à votre désinscription", "Until you unsubscribe"),
        transfers: &[],
        cookies: &[],
        privacy_url: Some("https://www.brevo.com/legal/privacypolicy/"),
        settings: &[],
    },
];

/// Returns the preset with this id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|preset| preset.id == id)
}

/// Ids of every preset, for messages.
pub fn preset_ids() -> Vec<&'static str> {
    PRESETS.iter().map(|preset| preset.id).collect()
}

/// Builds the tag of a script preset from the service's settings, or `None` for a
/// preset without a script or when a setting is missing or invalid (validation
/// reports those).
pub fn script(preset: &Preset, service: &ServiceSettings) -> Option<String> {
    let setting = |setting: PresetSetting| {
        setting
            .value(service)
            .filter(|value| setting.accepts(value))
            .map(str::to_owned)
    };
    match preset.id {
        // `cookie_expires` keeps the `_ga` cookies 395 days (13 months, in seconds),
        // the CNIL's maximum for audience measurement cookies; Google's default is
        // 2 years.
        "google-analytics-4" => {
            let id = setting(PresetSetting::MeasurementId)?;
            Some(format!(
                "<script async src=\"https://www.googletagmanager.com/gtag/js?id={id}\"></script>\n\
                 <script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}\
                 gtag('js',new Date());gtag('config','{id}',{{cookie_expires:34128000}});</script>"
            ))
        }
        "matomo" => {
            let mut url = setting(PresetSetting::Url)?;
            if !url.ends_with('/') {
                url.push('/');
            }
            let site_id = setting(PresetSetting::SiteId)?;
            Some(format!(
                "<script>var _paq=window._paq=window._paq||[];_paq.push(['trackPageView']);\
                 _paq.push(['enableLinkTracking']);(function(){{var u='{url}';\
                 _paq.push(['setTrackerUrl',u+'matomo.php']);_paq.push(['setSiteId','{site_id}']);\
                 var d=document,g=d.createElement('script'),s=d.getElementsByTagName('script')[0];\
                 g.async=true;g.src=u+'matomo.js';s.parentNode.insertBefore(g,s);}})();</script>"
            ))
        }
        // Meta's snippet also has a `<noscript><img>` fallback; it is left out
        // because it would load the pixel without consent in browsers without
        // JavaScript.
        "meta-pixel" => {
            let pixel_id = setting(PresetSetting::PixelId)?;
            Some(format!(
                "<script>!function(f,b,e,v,n,t,s){{if(f.fbq)return;n=f.fbq=function(){{n.callMethod?\
                 n.callMethod.apply(n,arguments):n.queue.push(arguments)}};if(!f._fbq)f._fbq=n;n.push=n;\
                 n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;\
                 s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}}(window,document,'script',\
                 'https://connect.facebook.net/en_US/fbevents.js');fbq('init','{pixel_id}');\
                 fbq('track','PageView');</script>"
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_reject_script_breaking_values() {
        assert!(PresetSetting::MeasurementId.accepts("G-ABC123XYZ9"));
        assert!(!PresetSetting::MeasurementId.accepts("UA-1234-1"));
        assert!(!PresetSetting::MeasurementId.accepts("G-AB'C"));
        assert!(PresetSetting::Url.accepts("https://stats.example/"));
        assert!(!PresetSetting::Url.accepts("http://stats.example/"));
        assert!(!PresetSetting::Url.accepts("https://stats.example/'+alert(1)+'"));
        assert!(!PresetSetting::Url.accepts("https:///x"));
        assert!(PresetSetting::SiteId.accepts("12"));
        assert!(!PresetSetting::SiteId.accepts("1a"));
    }

    #[test]
    fn every_preset_id_is_unique() {
        let mut ids = preset_ids();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PRESETS.len());
    }
}
