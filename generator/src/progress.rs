//! Progress bars on standard error for the long steps of a command: loading the
//! shop, rendering it and importing stock levels.
//!
//! A bar is drawn only when standard error is a terminal, and only once its step has
//! run for [`DELAY`], so short steps, pipes and CI logs get no bar output at all.
//! The steps update atomic counters. A separate thread reads them ten times a second
//! and redraws the line, so counting costs one atomic add and never a lock.
//!
//! `COMPTOIR_PROGRESS_DELAY_MS` replaces [`DELAY`] (in milliseconds), so tests can
//! show a bar at once on a pseudo-terminal.

use std::io::{self, IsTerminal};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::diagnostics::Diagnostics;
use crate::load::{self, LoadedShop};
use crate::messages::Lang;
use crate::msg;

/// How long a step runs before its bar appears. A step that ends sooner prints
/// nothing, so a small shop prints only its summary.
pub const DELAY: Duration = Duration::from_millis(500);

/// Time between two redraws of a bar.
const REDRAW: Duration = Duration::from_millis(100);

/// Returns how long a step runs before its bar appears, or `None` when no bar is
/// ever drawn because standard error is not a terminal. `configured` is the value of
/// `COMPTOIR_PROGRESS_DELAY_MS`, ignored unless it is a whole number of milliseconds.
pub fn bar_delay(stderr_is_terminal: bool, configured: Option<&str>) -> Option<Duration> {
    if !stderr_is_terminal {
        return None;
    }
    let delay = configured
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map_or(DELAY, Duration::from_millis);
    Some(delay)
}

/// A spinner line on standard error, cleared when finished or dropped.
///
/// The line is drawn by its own thread from a label function, which reads the
/// step's counters and renders the message in the merchant's language.
#[derive(Debug)]
pub struct Progress {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts a spinner labelled by `label` when standard error is a terminal. Otherwise
    /// it returns a progress that draws nothing and starts no thread.
    pub fn start(label: impl Fn() -> String + Send + 'static) -> Progress {
        let configured = std::env::var("COMPTOIR_PROGRESS_DELAY_MS").ok();
        let delay = bar_delay(io::stderr().is_terminal(), configured.as_deref());
        Progress::start_after(delay, label)
    }

    /// Starts a spinner that appears after `delay`, or none for `None`.
    fn start_after(delay: Option<Duration>, label: impl Fn() -> String + Send + 'static) -> Progress {
        let Some(delay) = delay else {
            return Progress::hidden();
        };
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = thread::spawn(move || draw(&label, &stopped, delay));
        Progress {
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Returns a progress that draws nothing.
    pub fn hidden() -> Progress {
        Progress {
            stop: None,
            thread: None,
        }
    }

    /// Starts a spinner counting the files a render has written.
    pub fn files_written(written: Arc<AtomicUsize>, lang: Lang) -> Progress {
        Progress::start(move || msg!("build-progress", files = written.load(Ordering::Relaxed)).render(lang))
    }

    /// Clears the line and waits for the drawing thread to end.
    pub fn finish(self) {
        drop(self);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // Dropping the sender wakes the thread, which clears the line and returns.
        self.stop.take();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::warn!("the progress bar thread panicked");
        }
    }
}

/// Waits `delay`, then redraws the spinner every [`REDRAW`] until `stopped` fires or
/// its sender is dropped.
fn draw(label: &dyn Fn() -> String, stopped: &mpsc::Receiver<()>, delay: Duration) {
    if stopped.recv_timeout(delay) != Err(mpsc::RecvTimeoutError::Timeout) {
        return;
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    loop {
        bar.set_message(label());
        bar.tick();
        if stopped.recv_timeout(REDRAW) != Err(mpsc::RecvTimeoutError::Timeout) {
            break;
        }
    }
    bar.finish_and_clear();
}

/// Counters of the load step, updated by the parallel parsers.
#[derive(Debug, Default)]
pub struct LoadCounts {
    /// Markdown files found under `content/`.
    markdown_total: AtomicUsize,
    /// Markdown files parsed so far.
    markdown_files: AtomicUsize,
    /// CSV catalogue rows parsed so far, header rows excluded.
    csv_rows: AtomicUsize,
}

impl LoadCounts {
    /// Records the number of Markdown files found under `content/`.
    pub fn set_markdown_total(&self, files: usize) {
        self.markdown_total.store(files, Ordering::Relaxed);
    }

    /// Counts one Markdown file parsed.
    pub fn add_markdown_file(&self) {
        self.markdown_files.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts `rows` CSV catalogue rows parsed.
    pub fn add_csv_rows(&self, rows: usize) {
        self.csv_rows.fetch_add(rows, Ordering::Relaxed);
    }

    /// Renders the counters as the label of the load spinner. The total is left out
    /// while it is 0, because then the content folder is still being listed or has
    /// no Markdown file.
    fn label(&self, lang: Lang) -> String {
        let files = self.markdown_files.load(Ordering::Relaxed);
        let total = self.markdown_total.load(Ordering::Relaxed);
        let rows = self.csv_rows.load(Ordering::Relaxed);
        if total == 0 {
            return msg!("progress-load-started", files = files, rows = rows).render(lang);
        }
        msg!("progress-load", files = files, total = total, rows = rows).render(lang)
    }
}

/// Counters of a stock import.
#[derive(Debug, Default)]
pub struct StockCounts {
    /// Rows of the stock file read so far, header excluded.
    pub rows_read: AtomicUsize,
    /// Stock levels being saved, or 0 while the file is still being read.
    pub levels_to_write: AtomicUsize,
}

impl StockCounts {
    /// Renders the counters as the label of the import spinner, which shows the rows
    /// read and then, once the whole file is valid, the levels being saved.
    pub fn label(&self, lang: Lang) -> String {
        let levels = self.levels_to_write.load(Ordering::Relaxed);
        if levels > 0 {
            return msg!("progress-stock-write", count = levels).render(lang);
        }
        msg!(
            "progress-stock-read",
            rows = self.rows_read.load(Ordering::Relaxed)
        )
        .render(lang)
    }
}

/// Loads the shop in `root` as [`load::load_shop`] does, with a spinner counting the
/// Markdown files and CSV rows parsed.
pub fn load_shop(root: &Path, lang: Lang) -> Result<LoadedShop, Diagnostics> {
    let counts = Arc::new(LoadCounts::default());
    let progress = {
        let counts = Arc::clone(&counts);
        Progress::start(move || counts.label(lang))
    };
    let loaded = load::load_shop_counted(root, &counts);
    progress.finish();
    loaded
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn no_bar_without_terminal() {
        assert_eq!(bar_delay(false, None), None);
        assert_eq!(bar_delay(false, Some("0")), None);
    }

    #[test]
    fn terminal_bar_waits_for_delay() {
        assert_eq!(bar_delay(true, None), Some(DELAY));
        assert_eq!(bar_delay(true, Some("0")), Some(Duration::ZERO));
        assert_eq!(bar_delay(true, Some(" 1500 ")), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn invalid_configured_delay_is_ignored() {
        for value in ["", "soon", "-1", "0.5"] {
            assert_eq!(bar_delay(true, Some(value)), Some(DELAY), "value {value:?}");
        }
    }

    /// Starts a progress whose label counts how often it is drawn.
    fn counting_progress(delay: Option<Duration>) -> (Progress, Arc<AtomicUsize>) {
        let draws = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&draws);
        let progress = Progress::start_after(delay, move || {
            counter.fetch_add(1, Ordering::Relaxed);
            String::new()
        });
        (progress, draws)
    }

    #[test]
    fn step_shorter_than_delay_draws_nothing() {
        let (progress, draws) = counting_progress(Some(Duration::from_secs(60)));
        let started = Instant::now();
        progress.finish();
        assert_eq!(draws.load(Ordering::Relaxed), 0);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "finish waited for the delay: {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn step_longer_than_delay_draws() {
        let (progress, draws) = counting_progress(Some(Duration::ZERO));
        thread::sleep(REDRAW * 3);
        progress.finish();
        assert!(draws.load(Ordering::Relaxed) >= 1);
    }

    #[test]
    fn hidden_progress_starts_no_thread() {
        let (progress, draws) = counting_progress(None);
        assert!(progress.thread.is_none());
        thread::sleep(REDRAW);
        progress.finish();
        assert_eq!(draws.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn stock_label_follows_the_import() {
        let counts = StockCounts::default();
        counts.rows_read.store(1, Ordering::Relaxed);
        assert_eq!(counts.label(Lang::En), "Reading the stock file: 1 row");
        counts.rows_read.store(2500, Ordering::Relaxed);
        assert_eq!(counts.label(Lang::En), "Reading the stock file: 2500 rows");
        assert_eq!(
            counts.label(Lang::Fr),
            "Lecture du fichier de stock : 2500 lignes"
        );
        counts.levels_to_write.store(2499, Ordering::Relaxed);
        assert_eq!(counts.label(Lang::En), "Saving 2499 stock levels");
        assert_eq!(counts.label(Lang::Fr), "Enregistrement de 2499 niveaux de stock");
    }

    #[test]
    fn load_label_in_both_languages() {
        let counts = LoadCounts::default();
        assert_eq!(
            counts.label(Lang::En),
            "Reading the shop: 0 Markdown files, 0 CSV rows"
        );
        assert_eq!(
            counts.label(Lang::Fr),
            "Lecture de la boutique : 0 fichier Markdown, 0 ligne CSV"
        );
        counts.markdown_total.store(100, Ordering::Relaxed);
        counts.markdown_files.store(40, Ordering::Relaxed);
        counts.csv_rows.store(3000, Ordering::Relaxed);
        assert_eq!(
            counts.label(Lang::En),
            "Reading the shop: 40 of 100 Markdown files, 3000 CSV rows"
        );
        assert_eq!(
            counts.label(Lang::Fr),
            "Lecture de la boutique : 40 fichiers Markdown sur 100, 3000 lignes CSV"
        );
    }
}
