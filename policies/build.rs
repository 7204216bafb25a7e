//! Rebuild when the embedded Rego library changes (files added, edited or removed).
fn main() {
    println!("cargo:rerun-if-changed=rego");
}
