//! The CSV catalogue, `content/catalog/*.csv`: one row per product, or per variant
//! when `parent_sku` is set. Rows become the same [`Product`] values as Markdown
//! files.
//!
//! A file is read whole, split into records by the `csv` crate, then its rows are
//! parsed in parallel chunks. Every bad row is reported with its row number as a
//! spreadsheet shows it (the header is row 1), its column and its value.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use commerce::catalogue::{PriceTable, ProductOption, Text};
use commerce::settings::RawAmount;
use commerce::sorted_vec_map::SortedVecMap;
use commerce::{Currency, Locale, Product, StockPolicy, Variant};
use rayon::prelude::*;

use super::content::stock_name;
use super::draft::{
    Context, ProductDraft, check_sku, check_slug, check_variants, parse_stock, uses_backorder,
};
use super::files::read_bytes;
use super::markdown::to_html;
use super::source::Location;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::msg;

/// Every column the catalogue reads, for the unknown-column message.
const VALID_COLUMNS: &str = "sku, parent_sku, title, title.<locale>, description, description.<locale>, \
body, body.<locale>, slug, slug.<locale>, price, price.<list>.<CUR>, tax_class, stock, backorder_days, \
weight, categories, images, option.<name>, extra.<name>";

/// Rows parsed per parallel task: large enough that task overhead is small next to
/// the work, small enough to spread a file over every core.
const ROWS_PER_TASK: usize = 2048;

/// The meaning of a header cell.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Sku,
    ParentSku,
    /// A text column; `None` is the content locale.
    Title(Option<Locale>),
    Description(Option<Locale>),
    Body(Option<Locale>),
    Slug(Option<Locale>),
    Price,
    ListPrice(String, Currency),
    TaxClass,
    Stock,
    BackorderDays,
    Weight,
    Categories,
    Images,
    Option(String),
    Extra(String),
    /// Reported at the header and ignored in rows.
    Invalid,
}

impl Column {
    /// Returns whether only a product row may set it, not a variant row.
    fn is_product_only(&self) -> bool {
        matches!(
            self,
            Column::Description(_)
                | Column::Body(_)
                | Column::Slug(_)
                | Column::TaxClass
                | Column::BackorderDays
                | Column::Categories
                | Column::Images
                | Column::Extra(_)
        )
    }
}

/// A variant row, attached to its product once every file is read.
#[derive(Debug)]
struct VariantRow {
    parent: String,
    parent_at: Location,
    at: Location,
    variant: Variant,
    /// Whether an amount of the row was reported.
    price_problems: bool,
    /// Option values in column order, which becomes the options' display order.
    options: Vec<(String, String)>,
    stock: Option<StockPolicy>,
}

#[derive(Debug)]
enum Row {
    Product(Box<ProductDraft>),
    Variant(Box<VariantRow>),
}

/// Reads every CSV file, attaches variant rows to their product rows and returns
/// the products in file and row order.
pub(crate) fn load_all(
    context: &Context<'_>,
    paths: &[PathBuf],
    problems: &mut Vec<Diagnostic>,
) -> Vec<ProductDraft> {
    let mut products = Vec::new();
    let mut variants = Vec::new();
    let mut all_read = true;
    for path in paths {
        let Some(rows) = load_file(context, path, problems) else {
            all_read = false;
            continue;
        };
        for row in rows {
            match row {
                Row::Product(draft) => products.push(*draft),
                Row::Variant(row) => variants.push(*row),
            }
        }
    }
    attach_variants(&mut products, variants, all_read, problems);
    products
}

fn load_file(context: &Context<'_>, path: &Path, problems: &mut Vec<Diagnostic>) -> Option<Vec<Row>> {
    let file: Arc<Path> = Arc::from(Diagnostics::relative(context.root, path));
    let bytes = match read_bytes(context.root, path) {
        Ok(bytes) => bytes,
        Err(diagnostic) => {
            problems.push(diagnostic);
            return None;
        }
    };
    // A spreadsheet saved in its legacy encoding (Windows-1252 for Excel in
    // France) fails on every accented cell: one error for the file is clearer.
    if let Err(error) = std::str::from_utf8(&bytes) {
        let line = bytes[..error.valid_up_to()]
            .iter()
            .filter(|byte| **byte == b'\n')
            .count()
            + 1;
        let message = msg!("csv-file-not-utf8", file = file.display());
        problems.push(Location::at(&file, line, 1).diagnostic(message));
        return None;
    }
    // Excel writes a byte order mark before "CSV UTF-8" files.
    let text = bytes.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(&bytes);
    // Flexible, so a row of the wrong length is reported with its number rather
    // than ending the read.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text);
    let mut records = Vec::new();
    for (index, record) in reader.byte_records().enumerate() {
        match record {
            Ok(record) => records.push(record),
            Err(error) => {
                let row = error.position().map_or(index as u64 + 1, |p| p.record() + 1);
                let message = msg!("csv-invalid", row = row, detail = error);
                problems.push(Location::at(&file, row as usize, 1).diagnostic(message));
                return None;
            }
        }
    }
    let Some(header) = records.first() else {
        problems.push(Location::file(&file).diagnostic(msg!("csv-empty")));
        return None;
    };
    let columns = read_header(context, &file, header, problems)?;

    let results: Vec<(Vec<Row>, Vec<Diagnostic>)> = records[1..]
        .par_chunks(ROWS_PER_TASK)
        .enumerate()
        .map(|(chunk, records)| {
            let mut rows = Vec::with_capacity(records.len());
            let mut chunk_problems = Vec::new();
            for (offset, record) in records.iter().enumerate() {
                // Row 1 is the header, so the first data row is row 2.
                let number = chunk * ROWS_PER_TASK + offset + 2;
                let row = RowParser {
                    context,
                    file: &file,
                    number,
                    columns: &columns,
                    problems: &mut chunk_problems,
                    price_problems: false,
                }
                .parse(record);
                rows.extend(row);
            }
            context.counts.add_csv_rows(records.len());
            (rows, chunk_problems)
        })
        .collect();
    let mut rows = Vec::with_capacity(records.len());
    for (chunk_rows, chunk_problems) in results {
        rows.extend(chunk_rows);
        problems.extend(chunk_problems);
    }
    let has_title = columns.iter().any(|(_, column)| *column == Column::Title(None));
    if !has_title && rows.iter().any(|row| matches!(row, Row::Product(_))) {
        problems.push(Location::at(&file, 1, 1).diagnostic(msg!("csv-missing-title-column")));
    }
    Some(rows)
}

/// Reads the header row. Unknown or duplicate columns are reported and ignored;
/// `None` when there is no `sku` column, since no row could then be read.
fn read_header(
    context: &Context<'_>,
    file: &Arc<Path>,
    header: &csv::ByteRecord,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<(String, Column)>> {
    let mut columns: Vec<(String, Column)> = Vec::with_capacity(header.len());
    for (index, cell) in header.iter().enumerate() {
        let at = Location::at(file, 1, index + 1);
        let name = String::from_utf8_lossy(cell)
            .trim()
            .trim_start_matches('\u{FEFF}')
            .to_owned();
        let mut column = parse_column(context, &name, &at, problems);
        if column != Column::Invalid && columns.iter().any(|(_, seen)| *seen == column) {
            problems.push(at.diagnostic(msg!("csv-duplicate-column", column = &name)));
            column = Column::Invalid;
        }
        columns.push((name, column));
    }
    if !columns.iter().any(|(_, column)| *column == Column::Sku) {
        problems.push(Location::at(file, 1, 1).diagnostic(msg!("csv-missing-sku-column")));
        return None;
    }
    Some(columns)
}

fn parse_column(context: &Context<'_>, name: &str, at: &Location, problems: &mut Vec<Diagnostic>) -> Column {
    let unknown = |problems: &mut Vec<Diagnostic>| {
        problems.push(at.diagnostic(msg!("csv-unknown-column", column = name, valid = VALID_COLUMNS)));
        Column::Invalid
    };
    let (head, rest) = match name.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (name, None),
    };
    let locale = |rest: &str, problems: &mut Vec<Diagnostic>| -> Result<Option<Locale>, ()> {
        match Locale::parse(rest) {
            Ok(locale) if locale == context.content_locale => Ok(None),
            Ok(locale) => Ok(Some(locale)),
            Err(_) => {
                problems.push(at.diagnostic(msg!("csv-invalid-locale", column = name, locale = rest)));
                Err(())
            }
        }
    };
    match (head, rest) {
        ("sku", None) => Column::Sku,
        ("parent_sku", None) => Column::ParentSku,
        ("title", None) => Column::Title(None),
        ("description", None) => Column::Description(None),
        ("body", None) => Column::Body(None),
        ("slug", None) => Column::Slug(None),
        ("title" | "description" | "body" | "slug", Some(rest)) => match locale(rest, problems) {
            Ok(locale) => match head {
                "title" => Column::Title(locale),
                "description" => Column::Description(locale),
                "body" => Column::Body(locale),
                _ => Column::Slug(locale),
            },
            Err(()) => Column::Invalid,
        },
        ("price", None) => Column::Price,
        ("price", Some(rest)) => {
            let Some((list, code)) = rest.split_once('.') else {
                return unknown(problems);
            };
            if context.settings.is_some() && !context.check_price_list(list, name, at, problems) {
                return Column::Invalid;
            }
            match context.parse_currency(code, name, at, problems) {
                Some(currency) => Column::ListPrice(list.to_owned(), currency),
                None => Column::Invalid,
            }
        }
        ("tax_class", None) => Column::TaxClass,
        ("stock", None) => Column::Stock,
        ("backorder_days", None) => Column::BackorderDays,
        ("weight", None) => Column::Weight,
        ("categories", None) => Column::Categories,
        ("images", None) => Column::Images,
        ("option", Some(option)) if !option.is_empty() => Column::Option(option.to_owned()),
        ("extra", Some(field)) if !field.is_empty() => Column::Extra(field.to_owned()),
        _ => unknown(problems),
    }
}

/// Texts of one locale as a row writes them, with where the slug comes from.
#[derive(Debug, Default)]
struct RowText {
    title: Option<(String, Location)>,
    description: Option<String>,
    body: Option<String>,
    slug: Option<(String, Location)>,
    /// A column other than the title, for the message when the title is missing.
    other_column: Option<(String, Location)>,
}

/// Parses one data row.
struct RowParser<'a, 'c> {
    context: &'a Context<'c>,
    file: &'a Arc<Path>,
    number: usize,
    columns: &'a [(String, Column)],
    problems: &'a mut Vec<Diagnostic>,
    /// Whether an amount of the row was reported.
    price_problems: bool,
}

impl RowParser<'_, '_> {
    fn at(&self, index: usize) -> Location {
        Location::at(self.file, self.number, index + 1)
    }

    fn parse(mut self, record: &csv::ByteRecord) -> Option<Row> {
        if record.len() != self.columns.len() {
            // A blank line at the end of a file is no row.
            if record.len() == 1
                && record
                    .get(0)
                    .is_some_and(|cell| cell.iter().all(u8::is_ascii_whitespace))
            {
                return None;
            }
            let message = msg!(
                "csv-row-length",
                found = record.len(),
                expected = self.columns.len()
            );
            self.problems
                .push(Location::at(self.file, self.number, 1).diagnostic(message));
            return None;
        }
        let mut cells = Vec::with_capacity(record.len());
        for (index, cell) in record.iter().enumerate() {
            match std::str::from_utf8(cell) {
                Ok(text) => cells.push(text.trim()),
                Err(_) => {
                    let column = &self.columns[index].0;
                    self.problems
                        .push(self.at(index).diagnostic(msg!("csv-not-utf8", column = column)));
                    return None;
                }
            }
        }

        let parent = self
            .columns
            .iter()
            .position(|(_, column)| *column == Column::ParentSku)
            .filter(|index| !cells[*index].is_empty());
        match parent {
            Some(parent) => self
                .variant_row(&cells, parent)
                .map(|row| Row::Variant(Box::new(row))),
            None => self
                .product_row(&cells)
                .map(|draft| Row::Product(Box::new(draft))),
        }
    }

    fn sku(&mut self, cells: &[&str]) -> Option<(String, Location)> {
        let index = self
            .columns
            .iter()
            .position(|(_, column)| *column == Column::Sku)?;
        let at = self.at(index);
        if cells[index].is_empty() {
            self.problems
                .push(at.diagnostic(msg!("csv-missing-value", column = "sku")));
            return None;
        }
        check_sku(cells[index], &at, self.problems);
        Some((cells[index].to_owned(), at))
    }

    fn product_row(&mut self, cells: &[&str]) -> Option<ProductDraft> {
        let (sku, sku_at) = self.sku(cells)?;
        let mut texts: BTreeMap<Option<Locale>, RowText> = BTreeMap::new();
        let mut prices = PriceTable::new();
        let mut product = Product {
            sku: sku.clone(),
            source: format!("{}:{}", self.file.display(), self.number),
            texts: SortedVecMap::new(),
            prices: PriceTable::new(),
            tax_class: "standard".to_owned(),
            categories: Vec::new(),
            images: Vec::new(),
            stock: StockPolicy::default(),
            backorder_days: None,
            weight: None,
            options: Vec::new(),
            variants: Vec::new(),
            extra: serde_json::Map::new(),
        };
        let mut categories_at = Vec::new();
        let mut tax_class_at = sku_at.clone();

        for (index, ((name, column), value)) in self.columns.iter().zip(cells).enumerate() {
            if value.is_empty() {
                continue;
            }
            let at = self.at(index);
            let value = *value;
            match column {
                Column::Sku | Column::ParentSku | Column::Invalid => {}
                Column::Title(locale) => {
                    texts.entry(locale.clone()).or_default().title = Some((value.to_owned(), at))
                }
                Column::Slug(locale) => {
                    check_slug(value, &at, self.problems);
                    let text = texts.entry(locale.clone()).or_default();
                    text.slug = Some((value.to_owned(), at.clone()));
                    text.other_column.get_or_insert((name.clone(), at));
                }
                Column::Description(locale) => {
                    let text = texts.entry(locale.clone()).or_default();
                    text.description = Some(value.to_owned());
                    text.other_column.get_or_insert((name.clone(), at));
                }
                Column::Body(locale) => {
                    let text = texts.entry(locale.clone()).or_default();
                    text.body = Some(value.to_owned());
                    text.other_column.get_or_insert((name.clone(), at));
                }
                Column::Price | Column::ListPrice(..) => self.price(&mut prices, column, name, value, &at),
                Column::TaxClass => {
                    product.tax_class = value.to_owned();
                    tax_class_at = at;
                }
                Column::Stock => {
                    product.stock = parse_stock(value, name, &at, self.problems).unwrap_or_default();
                }
                Column::BackorderDays => {
                    product.backorder_days = self.number_cell(name, value, &at);
                }
                Column::Weight => product.weight = self.number_cell(name, value, &at),
                Column::Categories => {
                    for category in split_list(value) {
                        product.categories.push(category.to_owned());
                        categories_at.push(at.clone());
                    }
                }
                Column::Images => {
                    for image in split_list(value) {
                        self.context.check_image(image, &at, self.problems);
                        product.images.push(image.to_owned());
                    }
                }
                Column::Option(_) => {
                    self.problems
                        .push(at.diagnostic(msg!("csv-product-option", column = name)));
                }
                Column::Extra(field) => {
                    product
                        .extra
                        .insert(field.clone(), serde_json::Value::String(value.to_owned()));
                }
            }
        }
        product.prices = prices;

        let mut slug_at = SortedVecMap::new();
        for (locale, text) in texts {
            let locale_key = locale
                .clone()
                .unwrap_or_else(|| self.context.content_locale.clone());
            let Some((title, title_at)) = text.title else {
                // The content locale's title is checked below, once for the row.
                if let (Some(locale), Some((_, at))) = (&locale, text.other_column) {
                    let column = format!("title.{locale}");
                    self.problems
                        .push(at.diagnostic(msg!("csv-missing-value", column = column)));
                }
                continue;
            };
            let (slug, at) = match text.slug {
                Some((slug, at)) => (slug, at),
                None => (commerce::slug::slug_or(&title, &sku), title_at),
            };
            slug_at.insert(locale_key.clone(), at);
            let body_html = text.body.as_deref().map(to_html).unwrap_or_default();
            product.texts.insert(
                locale_key,
                Text {
                    title,
                    description: text.description,
                    slug,
                    body_html,
                },
            );
        }
        // Without a title column the file reports it once, at its header.
        let title_column = self.columns.iter().position(|(_, c)| *c == Column::Title(None));
        if let (false, Some(index)) = (
            product.texts.contains_key(&self.context.content_locale),
            title_column,
        ) {
            self.problems.push(
                self.at(index)
                    .diagnostic(msg!("csv-missing-value", column = "title")),
            );
        }
        Some(ProductDraft {
            product,
            published: true,
            key: None,
            at: sku_at,
            categories_at,
            tax_class_at,
            slug_at,
            variants_at: Vec::new(),
            price_problems: self.price_problems,
        })
    }

    fn variant_row(&mut self, cells: &[&str], parent_index: usize) -> Option<VariantRow> {
        let (sku, at) = self.sku(cells)?;
        let mut row = VariantRow {
            parent: cells[parent_index].to_owned(),
            parent_at: self.at(parent_index),
            at,
            variant: Variant {
                sku,
                options: SortedVecMap::new(),
                titles: SortedVecMap::new(),
                prices: PriceTable::new(),
                stock: StockPolicy::default(),
                weight: None,
            },
            options: Vec::new(),
            stock: None,
            price_problems: false,
        };
        for (index, ((name, column), value)) in self.columns.iter().zip(cells).enumerate() {
            if value.is_empty() {
                continue;
            }
            let at = self.at(index);
            let value = *value;
            if column.is_product_only() {
                self.problems
                    .push(at.diagnostic(msg!("csv-variant-column", column = name)));
                continue;
            }
            match column {
                Column::Title(locale) => {
                    let locale = locale
                        .clone()
                        .unwrap_or_else(|| self.context.content_locale.clone());
                    row.variant.titles.insert(locale, value.to_owned());
                }
                Column::Price | Column::ListPrice(..) => {
                    self.price(&mut row.variant.prices, column, name, value, &at)
                }
                Column::Stock => row.stock = parse_stock(value, name, &at, self.problems),
                Column::Weight => row.variant.weight = self.number_cell(name, value, &at),
                Column::Option(option) => {
                    row.variant.options.insert(option.clone(), value.to_owned());
                    row.options.push((option.clone(), value.to_owned()));
                }
                _ => {}
            }
        }
        row.price_problems = self.price_problems;
        Some(row)
    }

    fn price(&mut self, prices: &mut PriceTable, column: &Column, name: &str, value: &str, at: &Location) {
        let Some(settings) = self.context.settings else {
            return;
        };
        let (list, currency) = match column {
            Column::ListPrice(list, currency) => (list.as_str(), *currency),
            _ => (settings.shop.price_list.as_str(), settings.shop.currency),
        };
        let amount = RawAmount(value.to_owned());
        let before = self.problems.len();
        self.context
            .add_amount(prices, (list, currency), &amount, name, at, self.problems);
        self.price_problems |= self.problems.len() > before;
    }

    fn number_cell(&mut self, column: &str, value: &str, at: &Location) -> Option<u32> {
        match value.parse::<u32>() {
            Ok(number) => Some(number),
            Err(_) => {
                self.problems.push(at.diagnostic(msg!(
                    "content-invalid-number",
                    field = column,
                    value = value
                )));
                None
            }
        }
    }
}

/// Picks the field delimiter: `;` when the header row contains `;` and no `,`, as Excel
/// writes CSV where the decimal separator is a comma (France), else `,`.
fn sniff_delimiter(text: &[u8]) -> u8 {
    let header_end = text.iter().position(|byte| *byte == b'\n').unwrap_or(text.len());
    let header = &text[..header_end];
    if header.contains(&b';') && !header.contains(&b',') {
        b';'
    } else {
        b','
    }
}

/// Splits a `|`-separated cell, dropping blanks.
fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value.split('|').map(str::trim).filter(|part| !part.is_empty())
}

/// Attaches each variant row to the product row of its `parent_sku`, in row order,
/// builds the product's options from the values its variants use, and checks them.
/// An unknown parent is only reported when every file was read (`all_read`), since
/// the parent may be a row of the file that could not be.
fn attach_variants(
    products: &mut [ProductDraft],
    variants: Vec<VariantRow>,
    all_read: bool,
    problems: &mut Vec<Diagnostic>,
) {
    let index: HashMap<String, usize> = products
        .iter()
        .enumerate()
        .map(|(position, draft)| (draft.product.sku.clone(), position))
        .rev()
        .collect();
    let mut touched = Vec::new();
    for row in variants {
        let Some(&position) = index.get(&row.parent) else {
            if !all_read {
                continue;
            }
            problems.push(
                row.parent_at
                    .diagnostic(msg!("csv-unknown-parent", value = &row.parent)),
            );
            continue;
        };
        let draft = &mut products[position];
        let mut variant = row.variant;
        variant.stock = row.stock.unwrap_or(draft.product.stock);
        variant.weight = variant.weight.or(draft.product.weight);
        for (name, value) in row.options {
            match draft
                .product
                .options
                .iter_mut()
                .find(|option| option.name == name)
            {
                Some(option) if !option.values.contains(&value) => option.values.push(value),
                Some(_) => {}
                None => draft.product.options.push(ProductOption {
                    name,
                    values: vec![value],
                }),
            }
        }
        draft.price_problems |= row.price_problems;
        draft.product.variants.push(variant);
        draft.variants_at.push(row.at);
        touched.push(position);
    }
    touched.sort_unstable();
    touched.dedup();
    for position in touched {
        let draft = &products[position];
        check_variants(&draft.product, &draft.at, &draft.variants_at, problems);
    }
    for draft in products.iter() {
        if draft.product.backorder_days.is_some() && !uses_backorder(&draft.product) {
            let message = msg!(
                "content-backorder-days-without-backorder",
                stock = stock_name(draft.product.stock)
            );
            problems.push(draft.at.diagnostic(message));
        }
    }
}
