//! Order emails rendered from the themes' real templates, in French and English.

use std::path::{Path, PathBuf};

use edge::mail::context::{
    EmailAddress, EmailContext, EmailCustomer, EmailLine, EmailLinks, EmailMoney, EmailOrder, EmailPayment,
    EmailShipping, EmailShop, EmailStatus, EmailStatusChange, EmailStore, EmailTaxLine, EmailTotals,
};
use edge::mail::render::TemplateProblem;
use edge::mail::{EmailKind, EmailTemplates, RenderedEmail, TemplateError};

fn themes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes")
}

/// The files the build publishes to `_comptoir/emails/`, read from the theme:
/// `templates/emails/**` keep their relative path, `i18n/emails.*.ftl` their name.
fn theme_files(theme: &str) -> Vec<(String, String)> {
    let root = themes_dir().join(theme);
    let mut files = Vec::new();
    collect(
        &root.join("templates/emails"),
        &root.join("templates/emails"),
        &mut files,
    );
    for entry in std::fs::read_dir(root.join("i18n")).expect("i18n folder") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        if name.starts_with("emails.") {
            files.push((name, std::fs::read_to_string(&path).expect("strings")));
        }
    }
    files
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("templates folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, std::fs::read_to_string(&path).expect("template")));
        }
    }
}

fn templates(theme: &str) -> EmailTemplates {
    EmailTemplates::from_files(theme_files(theme)).unwrap_or_else(|error| panic!("{theme}: {error}"))
}

fn money(amount: i64, lang: &str) -> EmailMoney {
    let locale = commerce::Locale::parse(lang).expect("locale");
    EmailMoney::new(commerce::Money::new(amount, commerce::Currency::EUR), &locale)
}

fn shop(vat_exempt: bool) -> EmailShop {
    EmailShop {
        legal_name: "Atelier Brume SARL".to_owned(),
        legal_form: "SARL au capital de 8 000 €".to_owned(),
        siret: "12345678900012".to_owned(),
        vat_number: (!vat_exempt).then(|| "FR12123456789".to_owned()),
        rcs: Some("RCS Lyon 123 456 789".to_owned()),
        address: EmailAddress {
            street: "12 rue des Potiers".to_owned(),
            postal_code: "69002".to_owned(),
            city: "Lyon".to_owned(),
            country: "FR".to_owned(),
        },
        email: "bonjour@atelier-brume.fr".to_owned(),
        phone: None,
        vat_exempt,
    }
}

/// Two mugs at 24,90 € and a vase at 59,00 €, shipped for 6,90 €, VAT 20 % included.
fn confirmation(lang: &str, payment: EmailPayment) -> EmailContext {
    let french = lang.starts_with("fr");
    EmailContext {
        lang: lang.to_owned(),
        shop: shop(false),
        store: EmailStore {
            id: "fr".to_owned(),
            name: "Atelier Brume".to_owned(),
            base_url: "https://atelier-brume.fr".to_owned(),
        },
        order: EmailOrder {
            id: "ord_7Hq2".to_owned(),
            number: "AB-000042".to_owned(),
            placed_on: if french { "26 avril 2026" } else { "26 April 2026" }.to_owned(),
            status: EmailStatus {
                id: "pending_payment".to_owned(),
                label: if french {
                    "En attente de paiement"
                } else {
                    "Awaiting payment"
                }
                .to_owned(),
            },
            customer: EmailCustomer {
                name: "Camille Martin".to_owned(),
                email: "camille@example.org".to_owned(),
            },
            tax_display: "incl".to_owned(),
            payment_method: if french {
                "Virement bancaire"
            } else {
                "Bank transfer"
            }
            .to_owned(),
            lines: vec![
                EmailLine {
                    sku: "TASSE-GRES-BLEU".to_owned(),
                    title: if french {
                        "Tasse en grès émaillé, bleu"
                    } else {
                        "Glazed stoneware mug, blue"
                    }
                    .to_owned(),
                    quantity: 2,
                    unit_price: money(2490, lang),
                    total: money(4980, lang),
                    tax_rate: if french { "20 %" } else { "20%" }.to_owned(),
                    backorder: None,
                },
                EmailLine {
                    sku: "VASE-SABLE".to_owned(),
                    title: if french { "Vase sable" } else { "Sand vase" }.to_owned(),
                    quantity: 1,
                    unit_price: money(5900, lang),
                    total: money(5900, lang),
                    tax_rate: if french { "20 %" } else { "20%" }.to_owned(),
                    backorder: None,
                },
            ],
            totals: EmailTotals {
                subtotal: money(10880, lang),
                shipping: Some(money(690, lang)),
                excl_tax: money(9642, lang),
                tax: money(1928, lang),
                incl_tax: money(11570, lang),
                tax_lines: vec![EmailTaxLine {
                    rate: if french { "20 %" } else { "20%" }.to_owned(),
                    base: money(9642, lang),
                    amount: money(1928, lang),
                }],
            },
            shipping: Some(EmailShipping {
                method: "Colissimo".to_owned(),
                price: money(690, lang),
                address: vec![
                    "Camille Martin".to_owned(),
                    "3 place Bellecour".to_owned(),
                    "69002 Lyon".to_owned(),
                    "France".to_owned(),
                ],
                pickup: false,
            }),
            billing_address: vec![
                "Camille Martin".to_owned(),
                "3 place Bellecour".to_owned(),
                "69002 Lyon".to_owned(),
            ],
        },
        status_change: None,
        payment: Some(payment),
        links: EmailLinks {
            order: format!("https://atelier-brume.fr/{lang}/commande/ord_7Hq2?token=tok_abc"),
            shop: format!("https://atelier-brume.fr/{lang}/"),
            terms: Some(format!("https://atelier-brume.fr/{lang}/cgv/")),
        },
    }
}

fn bank_transfer(lang: &str) -> EmailPayment {
    EmailPayment::BankTransfer {
        account_holder: "Atelier Brume SARL".to_owned(),
        iban: "FR76 3000 6000 0112 3456 7890 189".to_owned(),
        bic: "AGRIFRPP".to_owned(),
        reference: "AB-000042".to_owned(),
        amount: money(11570, lang),
    }
}

fn status_changed(lang: &str) -> EmailContext {
    let french = lang.starts_with("fr");
    let mut context = confirmation(lang, EmailPayment::Card { paid: true });
    context.order.status = EmailStatus {
        id: "shipped".to_owned(),
        label: if french { "Expédiée" } else { "Shipped" }.to_owned(),
    };
    context.status_change = Some(EmailStatusChange {
        previous: Some(EmailStatus {
            id: "paid".to_owned(),
            label: if french { "Payée" } else { "Paid" }.to_owned(),
        }),
        note: Some("Colissimo 6A12345678901".to_owned()),
    });
    context
}

fn snapshot(email: &RenderedEmail) -> String {
    format!(
        "Subject: {}\n\n===== text/plain =====\n{}\n===== text/html =====\n{}",
        email.subject,
        email.text,
        email.html.as_deref().unwrap_or("(none)")
    )
}

#[test]
fn confirmation_french_bank_transfer() {
    let email = templates("comptoir")
        .render(
            EmailKind::OrderConfirmation,
            &confirmation("fr", bank_transfer("fr")),
        )
        .expect("rendered");
    assert_eq!(email.subject, "Confirmation de votre commande n° AB-000042");
    insta::assert_snapshot!(snapshot(&email));
}

#[test]
fn confirmation_english_card_paid() {
    let mut context = confirmation("en", EmailPayment::Card { paid: true });
    context.order.payment_method = "Card".to_owned();
    context.order.status = EmailStatus {
        id: "paid".to_owned(),
        label: "Paid".to_owned(),
    };
    let email = templates("comptoir")
        .render(EmailKind::OrderConfirmation, &context)
        .expect("rendered");
    assert_eq!(email.subject, "Your order AB-000042 is confirmed");
    insta::assert_snapshot!(snapshot(&email));
}

#[test]
fn status_changed_french() {
    let email = templates("comptoir")
        .render(EmailKind::StatusChanged, &status_changed("fr"))
        .expect("rendered");
    assert_eq!(email.subject, "Votre commande n° AB-000042\u{A0}: Expédiée");
    insta::assert_snapshot!(snapshot(&email));
}

#[test]
fn status_changed_english() {
    let email = templates("comptoir")
        .render(EmailKind::StatusChanged, &status_changed("en"))
        .expect("rendered");
    assert_eq!(email.subject, "Your order AB-000042: Shipped");
    insta::assert_snapshot!(snapshot(&email));
}

#[test]
fn atelier_confirmation_vat_exempt_cheque() {
    let mut context = confirmation(
        "fr",
        EmailPayment::Cheque {
            payable_to: "Atelier Brume".to_owned(),
            address: "Atelier Brume\n12 rue des Potiers\n69002 Lyon".to_owned(),
            reference: "AB-000042".to_owned(),
            amount: money(11570, "fr"),
        },
    );
    context.shop = shop(true);
    context.order.payment_method = "Chèque".to_owned();
    context.order.totals.tax = money(0, "fr");
    context.order.totals.tax_lines.clear();
    context.order.totals.excl_tax = money(11570, "fr");
    let email = templates("atelier")
        .render(EmailKind::OrderConfirmation, &context)
        .expect("rendered");
    assert!(
        email.text.contains("TVA non applicable, art. 293 B du CGI"),
        "{}",
        email.text
    );
    assert!(!email.text.contains("Total TTC"), "{}", email.text);
    assert!(!email.text.contains("TVA intracommunautaire"), "{}", email.text);
    insta::assert_snapshot!(snapshot(&email));
}

#[test]
fn atelier_status_changed_english() {
    let email = templates("atelier")
        .render(EmailKind::StatusChanged, &status_changed("en"))
        .expect("rendered");
    insta::assert_snapshot!(snapshot(&email));
}

#[test]
fn footer_carries_legal_mentions() {
    for theme in ["comptoir", "atelier"] {
        for lang in ["fr", "en"] {
            let email = templates(theme)
                .render(
                    EmailKind::OrderConfirmation,
                    &confirmation(lang, bank_transfer(lang)),
                )
                .expect("rendered");
            let html = email.html.as_deref().expect("html part");
            for body in [email.text.as_str(), html] {
                assert!(
                    body.contains("Atelier Brume SARL, SARL au capital de 8 000 €"),
                    "{theme} {lang}"
                );
                assert!(body.contains("12345678900012"), "{theme} {lang}: SIRET");
                assert!(body.contains("FR12123456789"), "{theme} {lang}: VAT number");
                assert!(body.contains("RCS Lyon 123 456 789"), "{theme} {lang}: RCS");
                assert!(body.contains("69002 Lyon"), "{theme} {lang}: address");
            }
        }
    }
}

#[test]
fn regional_locale_falls_back_to_language() {
    let templates = templates("comptoir");
    let swiss = templates
        .render(
            EmailKind::OrderConfirmation,
            &confirmation("fr-CH", bank_transfer("fr")),
        )
        .expect("rendered");
    assert_eq!(swiss.subject, "Confirmation de votre commande n° AB-000042");

    let german = templates
        .render(
            EmailKind::OrderConfirmation,
            &confirmation("de", bank_transfer("en")),
        )
        .expect("rendered");
    assert_eq!(german.subject, "Your order AB-000042 is confirmed");
}

#[test]
fn html_escapes_customer_input() {
    let mut context = confirmation("en", bank_transfer("en"));
    context.order.customer.name = "<b>Camille</b> & Co".to_owned();
    let email = templates("comptoir")
        .render(EmailKind::OrderConfirmation, &context)
        .expect("rendered");
    assert!(
        email.text.contains("Hello <b>Camille</b> & Co,"),
        "{}",
        email.text
    );
    let html = email.html.expect("html part");
    assert!(
        html.contains("Hello &lt;b&gt;Camille&lt;/b&gt; &amp; Co,"),
        "{html}"
    );
}

#[test]
fn missing_template_is_named() {
    let files: Vec<(String, String)> = theme_files("comptoir")
        .into_iter()
        .filter(|(path, _)| path != "status_changed.txt")
        .collect();
    let error = EmailTemplates::from_files(files).expect_err("a template is missing");
    assert_eq!(
        error,
        TemplateError::Load(vec![TemplateProblem::MissingTemplate {
            path: "status_changed.txt".to_owned()
        }])
    );
    assert_eq!(
        error.to_string(),
        "missing email template `status_changed.txt`: add `templates/emails/status_changed.txt` to the theme or the shop (the build publishes it to `public/<store>/_comptoir/emails/status_changed.txt`)"
    );
}

#[test]
fn html_template_is_optional() {
    let files: Vec<(String, String)> = theme_files("comptoir")
        .into_iter()
        .filter(|(path, _)| path != "order_confirmation.html")
        .collect();
    let email = EmailTemplates::from_files(files)
        .expect("loaded")
        .render(
            EmailKind::OrderConfirmation,
            &confirmation("fr", bank_transfer("fr")),
        )
        .expect("rendered");
    assert_eq!(email.html, None);
    assert!(
        email.text.starts_with("Bonjour Camille Martin,\n"),
        "{}",
        email.text
    );
}

#[test]
fn every_load_problem_reported() {
    let files = vec![
        ("order_confirmation.subject.txt", "{{ t(key=\"x\") "),
        ("order_confirmation.txt", "text"),
        ("status_changed.subject.txt", "subject"),
        ("emails.fr.ftl", "ok = Bien\nbroken = { $\n"),
        ("strings.ftl", "x = y"),
    ];
    let TemplateError::Load(problems) = EmailTemplates::from_files(files).expect_err("invalid") else {
        panic!("expected load problems");
    };
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        matches!(&problems[0], TemplateProblem::Strings { path, line: 2, column: 13, .. } if path == "emails.fr.ftl"),
        "{problems:#?}"
    );
    assert!(
        matches!(&problems[1], TemplateProblem::Syntax { path, message } if path == "order_confirmation.subject.txt" && message.contains("1:15")),
        "{problems:#?}"
    );
    assert_eq!(
        problems[2],
        TemplateProblem::StringsFileName {
            path: "strings.ftl".to_owned()
        }
    );
    assert_eq!(
        problems[3],
        TemplateProblem::MissingTemplate {
            path: "status_changed.txt".to_owned()
        }
    );
}

#[test]
fn missing_string_fails_render() {
    let files = vec![
        ("order_confirmation.subject.txt", "{{ t(key=\"email-unknown\") }}"),
        ("order_confirmation.txt", "text"),
        ("status_changed.subject.txt", "subject"),
        ("status_changed.txt", "text"),
        ("emails.fr.ftl", "email-known = Connu\n"),
        ("emails.en.ftl", "email-known = Known\n"),
    ];
    let error = EmailTemplates::from_files(files)
        .expect("loaded")
        .render(
            EmailKind::OrderConfirmation,
            &confirmation("fr", bank_transfer("fr")),
        )
        .expect_err("unknown string");
    let TemplateError::Render { template, message } = &error else {
        panic!("expected a render error, got {error}");
    };
    assert_eq!(template, "order_confirmation.subject.txt");
    assert!(
        message.contains(
            "no string `email-unknown` in emails.fr.ftl, emails.en.ftl: add `email-unknown = …` to the theme's i18n/emails.<locale>.ftl"
        ),
        "{message}"
    );
}

#[test]
fn loads_published_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in theme_files("comptoir") {
        let target = dir.path().join(&path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("folder");
        std::fs::write(target, text).expect("write");
    }
    let templates = EmailTemplates::from_dir(dir.path()).expect("loaded");
    assert_eq!(templates.languages().collect::<Vec<_>>(), ["en", "fr"]);
    let email = templates
        .render(EmailKind::StatusChanged, &status_changed("fr"))
        .expect("rendered");
    assert!(email.html.is_some());
}
