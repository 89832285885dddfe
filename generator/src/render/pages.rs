//! One page's context: the shared values of its (store, locale, currency), plus
//! `page`, `menu`, `json_ld` and what its template needs.

use commerce::Locale;
use commerce::settings::MenuItem;
use serde::Serialize;
use serde_json::Value;

use crate::render::context::{
    LinkView, OpenGraphView, PageEnv, PageView, alternates, card, category_view, content_view,
    currency_links, excerpt, image_path, paginator, product_view,
};
use crate::render::privacy::{data_requests_view, privacy_view};
use crate::render::routes::PageKind;
use crate::render::seo;

/// A menu entry resolved for one (store, locale, currency).
#[derive(Debug, Clone)]
pub struct MenuNode {
    /// Label in the locale.
    pub label: String,
    /// Path or URL, when the entry links somewhere.
    pub url: Option<String>,
    /// Sub-entries.
    pub children: Vec<MenuNode>,
}

/// A menu entry as templates see it.
#[derive(Debug, Serialize)]
struct MenuView<'m> {
    label: &'m str,
    url: Option<&'m str>,
    active: bool,
    children: Vec<MenuView<'m>>,
}

/// Resolves the menu of a store in one locale and currency. Entries whose target
/// does not exist are left out; [`menu_problems`] reports them once.
pub fn build_menu(env: PageEnv<'_, '_>, items: &[MenuItem]) -> Vec<MenuNode> {
    let store_id = env.data.id();
    let content_locale = &env.data.shop.settings.shop.content_locale;
    items
        .iter()
        .filter(|item| item.stores.is_empty() || item.stores.iter().any(|id| id == store_id))
        .filter_map(|item| {
            let (title, url) = menu_target(env, item)?;
            let label = match &item.label {
                Some(label) => label.get(env.locale_tag(), content_locale).to_owned(),
                None => title,
            };
            Some(MenuNode {
                label,
                url,
                children: build_menu(env, &item.children),
            })
        })
        .collect()
}

/// Returns the default label and the URL of a menu entry, or `None` when its target is
/// missing.
fn menu_target(env: PageEnv<'_, '_>, item: &MenuItem) -> Option<(String, Option<String>)> {
    let catalogue = env.data.catalogue();
    if let Some(id) = &item.category {
        let index = catalogue
            .categories
            .binary_search_by(|category| category.id.as_str().cmp(id.get_ref()))
            .ok()?;
        let title = env.text(&catalogue.categories[index].texts).title.clone();
        return Some((title, Some(env.path(PageKind::Category { index, page: 1 }))));
    }
    if let Some(id) = &item.page {
        let index = catalogue.pages.iter().position(|page| &page.id == id.get_ref())?;
        let title = env.text(&catalogue.pages[index].texts).title.clone();
        return Some((title, Some(env.path(PageKind::Content(index)))));
    }
    if let Some(sku) = &item.product {
        let index = catalogue
            .products
            .binary_search_by(|product| product.sku.as_str().cmp(sku.get_ref()))
            .ok()?;
        let title = env.text(&catalogue.products[index].texts).title.clone();
        return Some((title, Some(env.path(PageKind::Product(index)))));
    }
    if let Some(url) = &item.url {
        let url = url.get_ref();
        // A path inside the store is under the page's locale and currency.
        let resolved = match url.strip_prefix('/') {
            Some(rest) => format!("{}{rest}", env.data.routes.prefix(env.locale, env.currency)),
            None => url.clone(),
        };
        return Some((url.clone(), Some(resolved)));
    }
    Some((String::new(), None))
}

/// Menu entries whose category, page or product does not exist: (kind, target,
/// byte span in `site.toml`).
pub fn menu_problems(
    catalogue: &commerce::Catalogue,
    items: &[MenuItem],
) -> Vec<(&'static str, String, std::ops::Range<usize>)> {
    let mut problems = Vec::new();
    for item in items {
        if let Some(id) = &item.category
            && catalogue.category(id.get_ref()).is_none()
        {
            problems.push(("category", id.get_ref().clone(), id.span()));
        }
        if let Some(id) = &item.page
            && catalogue.page(id.get_ref()).is_none()
        {
            problems.push(("page", id.get_ref().clone(), id.span()));
        }
        if let Some(sku) = &item.product
            && catalogue.product(sku.get_ref()).is_none()
        {
            problems.push(("product", sku.get_ref().clone(), sku.span()));
        }
        problems.extend(menu_problems(catalogue, &item.children));
    }
    problems
}

fn menu_views<'m>(nodes: &'m [MenuNode], path: &str, home: &str) -> Vec<MenuView<'m>> {
    nodes
        .iter()
        .map(|node| {
            let children = menu_views(&node.children, path, home);
            // An entry is active on its own page and on the pages below it (a
            // category on its sub-categories and later pages), never just because
            // every path starts with the home page's.
            let own = node.url.as_deref().is_some_and(|url| {
                url == path || (url != home && url.ends_with('/') && path.starts_with(url))
            });
            MenuView {
                label: &node.label,
                url: node.url.as_deref(),
                active: own || children.iter().any(|child| child.active),
                children,
            }
        })
        .collect()
}

/// Titles of pages that have no title of their own, in the locale's words.
fn builtin_title(locale: &Locale, kind: PageKind) -> Option<&'static str> {
    let french = locale.is_french();
    Some(match (kind, french) {
        (PageKind::Cart, true) => "Panier",
        (PageKind::Cart, false) => "Cart",
        (PageKind::Checkout, true) => "Commande",
        (PageKind::Checkout, false) => "Checkout",
        (PageKind::Privacy, true) => "Politique de confidentialité",
        (PageKind::Privacy, false) => "Privacy policy",
        (PageKind::ProcessingRecord, true) => "Registre des traitements",
        (PageKind::ProcessingRecord, false) => "Record of processing activities",
        (PageKind::DataRequests, true) => "Mes données personnelles",
        (PageKind::DataRequests, false) => "My personal data",
        (PageKind::NotFound | PageKind::RootNotFound, true) => "Page introuvable",
        (PageKind::NotFound | PageKind::RootNotFound, false) => "Page not found",
        _ => return None,
    })
}

/// Returns the template of a page kind; content pages name theirs.
pub fn template_of(catalogue: &commerce::Catalogue, kind: PageKind) -> &str {
    match kind {
        PageKind::Home => "index.html",
        PageKind::Category { .. } => "category.html",
        PageKind::Product(_) => "product.html",
        PageKind::Content(index) => &catalogue.pages[index].template,
        PageKind::Cart => "cart.html",
        PageKind::Checkout => "checkout.html",
        PageKind::Privacy => "privacy.html",
        PageKind::ProcessingRecord => "processing_record.html",
        PageKind::DataRequests => "data_requests.html",
        PageKind::NotFound | PageKind::RootNotFound => "404.html",
        PageKind::Root => "root.html",
    }
}

/// Appends the breadcrumb trail of category `index`: its ancestors, then itself.
fn category_trail<'a>(env: PageEnv<'_, 'a>, index: usize, trail: &mut Vec<LinkView<'a>>) {
    let catalogue = env.data.catalogue();
    let category = &catalogue.categories[index];
    if let Some(parent) = category.parent.as_deref()
        && let Ok(parent_index) = catalogue
            .categories
            .binary_search_by(|c| c.id.as_str().cmp(parent))
    {
        category_trail(env, parent_index, trail);
    }
    trail.push(LinkView {
        id: Some(&category.id),
        title: &env.text(&category.texts).title,
        url: env.path(PageKind::Category { index, page: 1 }),
    });
}

/// Adds `page`, `menu`, `json_ld` and the page's own values to `context`, a copy
/// of the shared context of the page's locale and currency. Returns the page path.
pub fn fill_context(
    env: PageEnv<'_, '_>,
    kind: PageKind,
    menu: &[MenuNode],
    context: &mut tera::Context,
) -> String {
    let data = env.data;
    let catalogue = data.catalogue();
    let path = env.path(kind);
    let home_path = env.path(PageKind::Home);
    let store_name = data.store.name.as_str();

    let mut breadcrumbs = vec![LinkView {
        id: None,
        title: store_name,
        url: home_path.clone(),
    }];
    let mut title = store_name.to_owned();
    let mut description = None;
    let mut image = None;
    let mut json_ld: Vec<Value> = Vec::new();

    match kind {
        PageKind::Home => {
            let per_page = data.shop.settings.build.products_per_page;
            let featured: Vec<_> = (0..catalogue.products.len().min(per_page))
                .map(|index| card(env, index))
                .collect();
            context.insert("featured", &featured);
            json_ld.push(seo::organization(env));
            json_ld.push(serde_json::json!({
                "@type": "WebSite",
                "name": store_name,
                "url": env.absolute(&home_path),
                "inLanguage": env.locale_tag().as_str(),
            }));
        }
        PageKind::Category { index, page } => {
            let category = &catalogue.categories[index];
            let text = env.text(&category.texts);
            title = text.title.clone();
            description = text.description.clone().or_else(|| excerpt(&text.body_html, 160));
            image = category.image.as_deref().map(image_path);
            category_trail(env, index, &mut breadcrumbs);

            let listing = &data.listings[index];
            let per_page = data.shop.settings.build.products_per_page.max(1);
            let products: Vec<_> = listing
                .iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .map(|product| card(env, *product as usize))
                .collect();
            context.insert("category", &category_view(env, index, &data.children[index]));
            context.insert("products", &products);
            context.insert("paginator", &paginator(env, index, page, listing.len()));
        }
        PageKind::Product(index) => {
            let product = &catalogue.products[index];
            let text = env.text(&product.texts);
            title = text.title.clone();
            description = text.description.clone().or_else(|| excerpt(&text.body_html, 160));
            image = product.images.first().map(|image| image_path(image));
            if let Some(first) = product.categories.first()
                && let Ok(category) = catalogue
                    .categories
                    .binary_search_by(|c| c.id.as_str().cmp(first))
            {
                category_trail(env, category, &mut breadcrumbs);
            }
            breadcrumbs.push(LinkView {
                id: None,
                title: &text.title,
                url: path.clone(),
            });
            context.insert("product", &product_view(env, index));
            json_ld.push(seo::product(env, index));
        }
        PageKind::Content(index) => {
            let page = &catalogue.pages[index];
            let text = env.text(&page.texts);
            title = text.title.clone();
            description = text.description.clone().or_else(|| excerpt(&text.body_html, 160));
            breadcrumbs.push(LinkView {
                id: None,
                title: &text.title,
                url: path.clone(),
            });
            context.insert("content", &content_view(env, index));
        }
        PageKind::Privacy | PageKind::ProcessingRecord => {
            if let Some(own) = builtin_title(env.locale_tag(), kind) {
                title = own.to_owned();
                breadcrumbs.push(LinkView {
                    id: None,
                    title: own,
                    url: path.clone(),
                });
            }
            // Pages of these kinds are planned only when the store has consent data.
            if let Some(consent) = &data.consent {
                context.insert("privacy", &privacy_view(env, consent, kind));
            }
        }
        PageKind::DataRequests => {
            if let Some(own) = builtin_title(env.locale_tag(), kind) {
                title = own.to_owned();
                breadcrumbs.push(LinkView {
                    id: None,
                    title: own,
                    url: path.clone(),
                });
            }
            context.insert("data_requests", &data_requests_view(env));
        }
        PageKind::Cart | PageKind::Checkout | PageKind::NotFound | PageKind::RootNotFound => {
            if let Some(own) = builtin_title(env.locale_tag(), kind) {
                title = own.to_owned();
                breadcrumbs.push(LinkView {
                    id: None,
                    title: own,
                    url: path.clone(),
                });
            }
        }
        PageKind::Root => breadcrumbs.clear(),
    }
    if matches!(
        kind,
        PageKind::Category { .. } | PageKind::Product(_) | PageKind::Content(_)
    ) {
        json_ld.push(seo::breadcrumb_list(env, &breadcrumbs));
    }

    let canonical_path = if kind.per_currency() {
        data.routes.path(catalogue, kind, env.locale, 0)
    } else {
        path.clone()
    };
    let canonical = env.absolute(&canonical_path);
    let locale = env.locale_tag();
    let og = OpenGraphView {
        kind: if matches!(kind, PageKind::Product(_)) {
            "product"
        } else {
            "website"
        },
        title: title.clone(),
        description: description.clone(),
        url: canonical.clone(),
        image: image.map(|image| env.absolute(&image)),
        site_name: store_name.to_owned(),
        locale: match locale.as_str().split_once('-') {
            Some((language, region)) => format!("{language}_{region}"),
            None => format!("{}_{}", locale.language(), data.store.country.get_ref()),
        },
    };
    let page = PageView {
        kind: kind.name(),
        path: path.clone(),
        canonical,
        title,
        description,
        alternates: alternates(env, kind),
        currencies: currency_links(env, kind),
        breadcrumbs,
        og,
    };
    context.insert("page", &page);
    context.insert("menu", &menu_views(menu, &path, &home_path));
    let json_ld = if json_ld.is_empty() {
        String::new()
    } else {
        seo::script_json(&seo::graph(json_ld))
    };
    context.insert("json_ld", &json_ld);
    path
}
