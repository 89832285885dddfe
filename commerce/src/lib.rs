//! Comptoir's domain: the shop's settings, its catalogue, money, VAT and the price
//! book shared by the generator and the edge.
//!
//! Nothing here touches a file, a socket or a clock, so the same code compiles for the
//! native host and for the wasm32 Worker. Parsing takes text and returns typed values;
//! the caller reads files and adds their path to errors.

pub mod cart;
pub mod catalogue;
pub mod consent;
pub mod locale;
pub mod money;
pub mod order;
pub mod pricebook;
pub mod pricing;
pub mod retention;
pub mod settings;
pub mod shipping;
pub mod slug;
pub mod sorted_vec_map;
pub mod tax;

pub use catalogue::{Catalogue, Category, Page, Product, StockPolicy, Variant};
pub use locale::Locale;
pub use money::{Currency, Money};
pub use pricebook::PriceBook;
pub use settings::Settings;
