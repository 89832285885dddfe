//! The default themes are compiled into the binary (`include_dir`), which Cargo does
//! not track: rebuild whenever a file under `themes/` changes.

fn main() {
    println!("cargo:rerun-if-changed=../themes");
}
